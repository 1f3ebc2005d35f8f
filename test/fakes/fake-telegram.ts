/**
 * A test double of the Telegram Bot API (reference/telegram.md §1, §3, §4, §7), served by a plain
 * `node:http` server on 127.0.0.1:<ephemeral>. It models the documented contract, not our client:
 * `/bot<token>/<method>` (case-insensitive, GET or POST, query / JSON / urlencoded / multipart),
 * the `{ok, result}` / `{ok:false, error_code, description, parameters?}` envelope, the errors a
 * delivery service must handle (429 + retry_after, 403 blocked, 400 migrate_to_chat_id, nginx 413
 * HTML page), long polling with 409 conflicts, and streaming multipart uploads that are hashed on
 * the fly and never buffered.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import type http from "node:http";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import {
  drain,
  FaultQueue,
  headerValue,
  randomToken,
  readBody,
  resetSocket,
  Signal,
  sendBody,
  sendEarlyAndLinger,
  sendJson,
  startHttpServer,
} from "./http-util.js";
import { MultipartError, MultipartParser, multipartBoundary } from "./multipart.js";

// ---------------------------------------------------------------------------------------------
// Public types

export interface FakeTelegramOptions {
  /** Bot token; the part before `:` is the bot's user id. Default `7000000001:FAKE-…`. */
  token?: string;
  /**
   * Upload limit in MB applied to the WHOLE request body: `uploadLimitMb * 1_000_000` bytes (the
   * strictest reading of the cloud "50 MB"). Default 50.
   */
  uploadLimitMb?: number;
  /** Clock in ms (message `date`, record `at`). Default `Date.now`. */
  now?: () => number;
  /** Save uploaded file parts to a temp directory (removed by `close()`); default false (hash only). */
  keepFiles?: boolean;
  /** Bot username for `getMe`. Default `zoomgram_fake_bot`. */
  botUsername?: string;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * Delay every parsed request's answer by this many ms (after its body was read), as a remote
   * server's processing and network time would; for benchmarks. Default 0.
   */
  latencyMs?: number;
}

export type TelegramFault =
  | { kind: "429"; retryAfter: number }
  | { kind: "500" }
  | { kind: "403" }
  | { kind: "413" }
  | { kind: "migrate"; newChatId: number }
  /** Destroy the socket (RST) while the request body is being read. */
  | { kind: "reset" }
  /** Read the whole body, then never answer (until `close()`). */
  | { kind: "hang" }
  | { kind: "status"; status: number; description: string };

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  /** A supergroup with topics (reference/telegram.md §10.3). */
  is_forum?: true;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export type TgUpdate = { update_id: number } & Record<string, unknown>;
export type TgMessage = Record<string, unknown> & { message_id: number; chat: TgChat; date: number };

export interface UploadedFile {
  /** API parameter the part is for (`audio`, `thumbnail`, …), resolved through `attach://` references. */
  field: string;
  /** The multipart part's own `name` (grammY uses a random id plus `audio=attach://<id>`). */
  partName: string;
  filename: string | undefined;
  /** Content-Type header of the part, if any. */
  contentType: string | undefined;
  size: number;
  sha256: string;
  /** Only with `keepFiles`. */
  path?: string;
}

export interface SentRecord {
  method: string;
  chatId: number;
  messageId: number;
  text?: string;
  caption?: string;
  parseMode?: string;
  /** Every non-file parameter as a string, as it would appear on the wire. */
  fields: Record<string, string>;
  files: UploadedFile[];
  replyTo?: number;
  replyMarkup?: unknown;
  /** Forum topic the message went to (`message_thread_id`); absent: General or not a forum. */
  threadId?: number;
  /** The Message object returned to the caller. */
  message: TgMessage;
  /** When the message was accepted (created), before the answer went out. */
  at: number;
  /**
   * When the request that created it began to arrive. A client killed after that moment may
   * still have its request accepted (the body was complete) without ever hearing the answer.
   */
  startedAt?: number;
}

export interface StoredMessage {
  chatId: number;
  messageId: number;
  /** Method that created it (`sendMessage`, `sendAudio`, …). */
  method: string;
  text?: string;
  caption?: string;
  parseMode?: string;
  entities?: unknown;
  replyMarkup?: unknown;
  replyTo?: number;
  /** Forum topic (`message_thread_id`); absent: General or not a forum. */
  threadId?: number;
  files: UploadedFile[];
  edits: Array<{ method: string; text?: string; replyMarkup?: unknown; at: number }>;
  sentAt: number;
  /** The Message object as the Bot API would return it now. */
  api: TgMessage;
}

export interface CallRecord {
  /** Canonical method name (`sendAudio`), or the raw path segment for unknown methods. */
  method: string;
  httpMethod: string;
  /** HTTP status returned; 0 when no answer was sent (reset, hang, client gone). */
  status: number;
  /** `description` of an error answer. */
  description?: string;
  /** Request body bytes the fake read and processed (not counting bytes discarded after a 413). */
  bytesReceived: number;
  chatId?: number;
  fault?: TelegramFault["kind"];
  /** When the request's headers arrived (ms, the fake's clock). */
  startedAt: number;
  /** When the first body byte arrived (ms); absent for a request without a body. */
  firstByteAt?: number;
  /** When the request was settled (answered, or given up on). */
  at: number;
}

export interface AddChatInput {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  username?: string;
  first_name?: string;
  /** User ids with admin rights; the first one is the creator unless `creator` is given. */
  admins?: number[];
  creator?: number;
  /** When given, users outside `members` ∪ `admins` are reported as `left`. */
  members?: number[];
  /** A supergroup with topics: `message_thread_id` must name an open topic (General: omit it). */
  isForum?: boolean;
  /**
   * The bot's own membership. Default: a member of groups, and an administrator allowed to post
   * in channels. In a channel only an administrator with `can_post_messages` may post; anyone
   * else gets `400 need administrator rights`, a bot that left or was removed `403`.
   */
  bot?: { status: "administrator" | "member" | "left" | "kicked"; canPostMessages?: boolean };
}

export interface FakeTelegram {
  /** API root for grammY's `client.apiRoot`: `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly token: string;
  /** The bot's User object (`getMe` result); pass as grammY `botInfo` to skip `getMe`. */
  readonly botInfo: TgUser & {
    is_bot: true;
    username: string;
    can_join_groups: boolean;
    can_read_all_group_messages: boolean;
    supports_inline_queries: boolean;
    can_connect_to_business: boolean;
    has_main_web_app: boolean;
    has_topics_enabled: boolean;
    allows_users_to_create_topics: boolean;
    can_manage_bots: boolean;
    supports_join_request_queries: boolean;
  };
  close(): Promise<void>;

  addChat(input: AddChatInput): TgChat;
  addUser(user: {
    id: number;
    first_name: string;
    last_name?: string;
    username?: string;
    language_code?: string;
  }): TgUser;
  /** Sends to the chat now fail with 403 (`bot was blocked by the user` for private chats). */
  blockChat(chatId: number, description?: string): void;
  unblockChat(chatId: number): void;
  /** Turns `oldId` into a migrated group: calls on it get 400 with `migrate_to_chat_id: newId`. */
  migrateChat(oldId: number, newId: number): void;

  /** Creates a forum topic in a forum chat (as a user would); returns its `message_thread_id`. */
  addTopic(chatId: number, name: string): number;
  /** Closes a topic: sends to it get `400 Bad Request: TOPIC_CLOSED`. */
  closeTopic(chatId: number, threadId: number): void;
  /** Deletes a topic: sends to it get `400 Bad Request: message thread not found`. */
  deleteTopic(chatId: number, threadId: number): void;
  /** Changes the bot's membership of a chat (promoted, demoted, removed). */
  setBotMembership(chatId: number, bot: NonNullable<AddChatInput["bot"]>): void;

  /** Queues a raw update (assigns `update_id` if missing). In webhook mode nothing is queued. */
  pushUpdate(update: Record<string, unknown>): TgUpdate;
  /**
   * A user's message; `threadId` sends it inside a forum topic (`message_thread_id`,
   * `is_topic_message`), `replyTo` as a reply to a message of that chat.
   */
  userSends(input: {
    chatId: number;
    from: number | TgUser;
    text: string;
    threadId?: number;
    replyTo?: number;
  }): TgUpdate;
  /**
   * The user picked a chat with a `request_chat` button the bot sent to this private chat: a
   * `chat_shared` service message. Throws when no such button was offered (Telegram sends none).
   */
  userSharesChat(input: {
    chatId: number;
    from: number | TgUser;
    requestId: number;
    sharedChatId: number;
  }): TgUpdate;
  userPresses(input: { chatId: number; from: number | TgUser; messageId: number; data: string }): TgUpdate;
  /**
   * A user presses a `login_url` button of a bot message (reference telegram.md §10.1): returns the
   * URL the user's browser opens — the button's URL with Telegram's signed fields (`id`,
   * `first_name`, `last_name?`, `username?`, `auth_date`, `hash`) appended, or the bare URL when
   * the user declines. Pressing a forwarded copy authorizes whoever presses, which is the same as
   * pressing the original as another user. Throws "Bot domain invalid" for a domain not linked by
   * {@link FakeTelegram.setDomain} (when one was set).
   */
  pressLoginButton(input: {
    chatId: number;
    from: number | TgUser;
    messageId: number;
    decline?: boolean;
  }): string;
  /** BotFather `/setdomain`: the domain login_url buttons may open. */
  setDomain(domain: string): void;
  /** Replaces a group's administrators (a creator left out loses the role too), e.g. to demote one. */
  setChatAdmins(chatId: number, admins: number[]): void;

  inject(method: string, fault: TelegramFault, times?: number): void;
  clearFaults(): void;

  readonly sent: SentRecord[];
  readonly calls: CallRecord[];
  readonly chatActions: Array<{ chatId: number; action: string; at: number }>;
  readonly callbackAnswers: Array<{
    callbackQueryId: string;
    text?: string;
    showAlert: boolean;
    url?: string;
    at: number;
  }>;
  /** Bot messages of a chat in their current state (edits applied, deleted ones removed). */
  messages(chatId: number): StoredMessage[];
  /** Updates still queued (not yet confirmed by an offset). */
  readonly pendingUpdates: TgUpdate[];
  readonly webhook:
    | { url: string; secretToken?: string; allowedUpdates?: string[]; maxConnections?: number }
    | undefined;
  /** Commands stored by `setMyCommands` for a scope (default `{type:"default"}`) and language. */
  commands(
    scope?: Record<string, unknown>,
    languageCode?: string,
  ): Array<{ command: string; description: string }> | undefined;
  readonly stats: {
    /** Multipart requests being received right now. */
    readonly uploadsInFlight: number;
    readonly maxConcurrentUploads: number;
    /** Total request body bytes read (all requests). */
    readonly bytesReceived: number;
    /** Bytes read and thrown away after an early 413. */
    readonly bytesDiscarded: number;
  };
  /** True while a long-polling getUpdates is parked. */
  readonly pollPending: boolean;
  /** Resolves when `check()` becomes truthy (re-checked on every state change). */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Resolves with the first sent record matching `predicate` (already sent or future). */
  waitForSent(predicate?: (s: SentRecord) => boolean, timeoutMs?: number): Promise<SentRecord>;
  /** Errors thrown inside the fake itself (bugs); tests may assert it stays empty. */
  readonly internalErrors: unknown[];
}

// ---------------------------------------------------------------------------------------------
// Errors and constants

class TgApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
    readonly headers: http.OutgoingHttpHeaders = {},
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new TgApiError(400, `Bad Request: ${what}`);

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** nginx's 413 page, as api.telegram.org returned it (reference/telegram.md §1.4, §7.1). */
export const NGINX_413_HTML =
  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n" +
  "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n" +
  "</body>\r\n</html>\r\n";

/** Update types not delivered unless explicitly listed in allowed_updates (SPEC getUpdates). */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const MIME_BY_EXT: Record<string, string> = {
  ".mp3": "audio/mpeg",
  ".m4a": "audio/mp4",
  ".mp4": "video/mp4",
  ".ogg": "audio/ogg",
  ".oga": "audio/ogg",
  ".opus": "audio/ogg",
  ".wav": "audio/x-wav",
  ".vtt": "text/vtt",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".json": "application/json",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
};

type MediaKind = "audio" | "document" | "voice" | "video";

// ---------------------------------------------------------------------------------------------
// Internal state

interface TopicState {
  name: string;
  closed: boolean;
  deleted: boolean;
}

interface ChatState {
  chat: TgChat;
  topics: Map<number, TopicState>;
  bot?: NonNullable<AddChatInput["bot"]>;
  admins: number[];
  creator?: number;
  members?: number[];
  blocked?: string;
  migratedTo?: number;
  nextMessageId: number;
  messages: Map<number, StoredMessage & { deleted?: boolean; fromBot: boolean }>;
}

interface FileMeta {
  fileId: string;
  uniqueId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
}

/** Request parameters: query ∪ body. JSON bodies keep native values; the rest are strings. */
class Params {
  constructor(
    readonly values: Map<string, unknown>,
    readonly files: UploadedFile[],
  ) {}

  has(name: string): boolean {
    return this.values.has(name) && this.values.get(name) !== null;
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null) return undefined;
    return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }

  num(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null || v === "") return undefined;
    const n = typeof v === "number" ? v : Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  int(name: string): number | undefined {
    const n = this.num(name);
    return n === undefined ? undefined : Math.trunc(n);
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    return v === true || v === "true" || v === "1" || v === 1;
  }

  /** A JSON-serialized parameter (form values arrive as JSON strings). */
  json(name: string): unknown {
    const v = this.values.get(name);
    if (typeof v !== "string") return v ?? undefined;
    try {
      return JSON.parse(v);
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** Every non-file parameter, stringified as on the wire. */
  fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of this.values.keys()) {
      const s = this.str(k);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
}

type ParsedRequest =
  | { kind: "ok"; params: Params }
  | { kind: "too_large" }
  | { kind: "aborted" }
  | { kind: "bad"; code: number; description: string };

// ---------------------------------------------------------------------------------------------

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? "7000000001:FAKE-telegram-token_for-tests-only";
  const now = opts.now ?? Date.now;
  const limitBytes = Math.floor((opts.uploadLimitMb ?? 50) * 1_000_000);
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const botId = Number(token.split(":")[0]) || 7000000001;
  const botInfo = fakeBotInfo({
    id: botId,
    first_name: "Zoomgram Fake Bot",
    username: opts.botUsername ?? "zoomgram_fake_bot",
  });
  const fileDir = opts.keepFiles ? await mkdtemp(join(tmpdir(), "fake-telegram-")) : undefined;

  const signal = new Signal();
  const internalErrors: unknown[] = [];
  const chats = new Map<number, ChatState>();
  const users = new Map<number, TgUser>();
  const fileRegistry = new Map<string, FileMeta>();
  const callbackQueries = new Map<string, { answered: boolean }>();
  const commandStore = new Map<string, Array<{ command: string; description: string }>>();
  // Keyed by the method's lower-case name: Telegram's method names are case-insensitive.
  const faults = new FaultQueue<string, TelegramFault>();
  const sent: SentRecord[] = [];
  const calls: CallRecord[] = [];
  const chatActions: FakeTelegram["chatActions"] = [];
  const callbackAnswers: FakeTelegram["callbackAnswers"] = [];
  let queue: TgUpdate[] = [];
  let nextUpdateId = 100_001;
  let allowedUpdates: string[] | undefined;
  let webhook: FakeTelegram["webhook"];
  let uploadsInFlight = 0;
  let maxConcurrentUploads = 0;
  let bytesReceived = 0;
  let bytesDiscarded = 0;
  let fileSeq = 0;
  let closed = false;
  let poll:
    | { answer: (status: number, body: unknown) => void; limit: number; timer: NodeJS.Timeout | undefined }
    | undefined;

  const seconds = () => Math.floor(now() / 1000);
  let linkedDomain: string | undefined;

  // ------------------------------------------------------------------ chats, users, messages

  const userObject = (from: number | TgUser): TgUser => {
    if (typeof from !== "number") {
      users.set(from.id, { ...users.get(from.id), ...from });
      return users.get(from.id)!;
    }
    let u = users.get(from);
    if (!u) {
      u = { id: from, is_bot: false, first_name: `User${from}` };
      users.set(from, u);
    }
    return u;
  };

  const resolveChatId = (p: Params): number => {
    const raw = p.str("chat_id");
    if (raw === undefined || raw === "") throw badRequest("chat_id is empty");
    if (raw.startsWith("@")) {
      const name = raw.slice(1).toLowerCase();
      for (const c of chats.values()) if (c.chat.username?.toLowerCase() === name) return c.chat.id;
      throw badRequest("chat not found");
    }
    const id = Number(raw);
    if (!Number.isInteger(id)) throw badRequest("chat not found");
    return id;
  };

  /** Resolves `chat_id` and applies migration and (for sends) block rules. */
  const targetChat = (p: Params, send: boolean): ChatState => {
    const c = chats.get(resolveChatId(p));
    if (!c) throw badRequest("chat not found");
    if (c.migratedTo !== undefined) {
      throw new TgApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: c.migratedTo,
      });
    }
    if (send && c.blocked) throw new TgApiError(403, c.blocked);
    if (send) checkBotMayPost(c);
    return c;
  };

  const botStatus = (c: ChatState): NonNullable<AddChatInput["bot"]> =>
    c.bot ??
    (c.chat.type === "channel"
      ? { status: "administrator", canPostMessages: true }
      : { status: c.admins.includes(botId) ? "administrator" : "member" });

  /** A bot that left or was removed gets 403; in a channel only an administrator who may post. */
  const checkBotMayPost = (c: ChatState): void => {
    if (c.chat.type === "private") return;
    const kind = c.chat.type === "channel" ? "channel" : c.chat.type === "group" ? "group" : "supergroup";
    const bot = botStatus(c);
    if (bot.status === "kicked") throw new TgApiError(403, `Forbidden: bot was kicked from the ${kind} chat`);
    if (bot.status === "left")
      throw new TgApiError(403, `Forbidden: bot is not a member of the ${kind} chat`);
    if (c.chat.type === "channel" && !(bot.status === "administrator" && bot.canPostMessages)) {
      throw badRequest("need administrator rights in the channel chat");
    }
  };

  /**
   * `message_thread_id` (reference/telegram.md §10.3): only a forum's open topics; General is
   * addressed by omitting it (1 is refused), a deleted or unknown topic is "not found".
   */
  const threadOf = (c: ChatState, p: Params): number | undefined => {
    const id = p.int("message_thread_id");
    if (id === undefined) return undefined;
    const topic = c.chat.is_forum && id !== 1 ? c.topics.get(id) : undefined;
    if (!topic || topic.deleted) throw badRequest("message thread not found");
    if (topic.closed) throw badRequest("TOPIC_CLOSED");
    return id;
  };

  const addChat = (input: AddChatInput): TgChat => {
    const chat: TgChat = { id: input.id, type: input.type };
    if (input.type === "private")
      chat.first_name = input.first_name ?? users.get(input.id)?.first_name ?? `User${input.id}`;
    else chat.title = input.title ?? `Chat ${input.id}`;
    if (input.username) chat.username = input.username;
    if (input.isForum && input.type === "supergroup") chat.is_forum = true;
    const state: ChatState = {
      chat,
      topics: new Map(),
      admins: input.admins ?? [],
      nextMessageId: 1,
      messages: new Map(),
    };
    const creator = input.creator ?? input.admins?.[0];
    if (creator !== undefined) state.creator = creator;
    if (input.members) state.members = input.members;
    if (input.bot) state.bot = { ...input.bot };
    // Message 1 of a forum created its General topic, which is addressed without an id.
    if (chat.is_forum) state.nextMessageId = 2;
    chats.set(input.id, state);
    if (input.type === "private" && !users.has(input.id)) {
      users.set(input.id, { id: input.id, is_bot: false, first_name: chat.first_name ?? `User${input.id}` });
    }
    signal.notify();
    return { ...chat };
  };

  /** The chat's next message, written by `user` (`content`: its text, or a service field). */
  const newUserMessage = (c: ChatState, user: TgUser, content: Record<string, unknown>): TgMessage => ({
    message_id: c.nextMessageId++,
    from: user,
    chat: { ...c.chat },
    date: seconds(),
    ...content,
  });

  /** Stores a user's message in its chat and hands it to the bot as an update. */
  const postUserMessage = (c: ChatState, message: TgMessage): TgUpdate => {
    c.messages.set(message.message_id, {
      chatId: c.chat.id,
      messageId: message.message_id,
      method: "user",
      ...(typeof message.text === "string" ? { text: message.text } : {}),
      files: [],
      edits: [],
      sentAt: now(),
      api: message,
      fromBot: false,
    });
    return pushUpdate({ message });
  };

  const mustChat = (id: number): ChatState => {
    const c = chats.get(id);
    if (!c) throw new Error(`fake-telegram: unknown chat ${id}; call addChat() first`);
    return c;
  };

  const inlineMarkup = (markup: unknown): unknown =>
    markup && typeof markup === "object" && "inline_keyboard" in markup ? markup : undefined;

  /** Reply keyboards: rows of buttons with text; `request_chat` buttons in private chats only. */
  const checkReplyKeyboard = (markup: { keyboard?: unknown }, chatType: string | undefined): void => {
    if (markup.keyboard === undefined) return;
    if (!Array.isArray(markup.keyboard) || markup.keyboard.some((row) => !Array.isArray(row)))
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    for (const button of (markup.keyboard as unknown[][]).flat()) {
      const b = (typeof button === "string" ? { text: button } : button) as Record<string, unknown>;
      if (typeof b.text !== "string" || b.text === "") throw badRequest("text buttons are unallowed");
      const request = b.request_chat as { request_id?: unknown; chat_is_channel?: unknown } | undefined;
      if (request === undefined) continue;
      if (typeof request.request_id !== "number" || typeof request.chat_is_channel !== "boolean")
        throw badRequest("can't parse KeyboardButtonRequestChat");
      if (chatType !== "private") throw badRequest("BUTTON_TYPE_INVALID");
    }
  };

  const parseReplyMarkup = (p: Params, chatType?: string): unknown => {
    if (!p.has("reply_markup")) return undefined;
    let markup: unknown;
    try {
      markup = p.json("reply_markup");
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
    if (!markup || typeof markup !== "object")
      throw badRequest("can't parse reply keyboard markup JSON object");
    checkReplyKeyboard(markup as { keyboard?: unknown }, chatType);
    const rows = (markup as { inline_keyboard?: unknown }).inline_keyboard;
    if (rows !== undefined) {
      if (!Array.isArray(rows))
        throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
      for (const row of rows) {
        if (!Array.isArray(row))
          throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
        for (const button of row as Array<Record<string, unknown>>) {
          const data = button.callback_data;
          // Telegram limits callback_data to 1-64 bytes.
          if (typeof data === "string" && (Buffer.byteLength(data) > 64 || data.length === 0)) {
            throw badRequest("BUTTON_DATA_INVALID");
          }
          if (typeof button.text !== "string" || button.text === "")
            throw badRequest("text buttons are unallowed in the inline keyboard");
          if ("login_url" in button) {
            const login = button.login_url as { url?: unknown } | null;
            if (!login || typeof login !== "object" || typeof login.url !== "string")
              throw badRequest('can\'t parse inline keyboard button: Field "url" must be of type String');
            try {
              new URL(login.url);
            } catch {
              throw badRequest("BUTTON_URL_INVALID");
            }
          }
        }
      }
    }
    return markup;
  };

  const replyTarget = (p: Params, c: ChatState): number | undefined => {
    let id: number | undefined;
    let allowWithout = p.bool("allow_sending_without_reply");
    if (p.has("reply_parameters")) {
      const rp = p.json("reply_parameters") as
        | { message_id?: unknown; allow_sending_without_reply?: unknown }
        | undefined;
      if (!rp || typeof rp !== "object" || typeof rp.message_id !== "number") {
        throw badRequest("can't parse reply parameters JSON object");
      }
      id = rp.message_id;
      allowWithout = rp.allow_sending_without_reply === true;
    } else {
      id = p.int("reply_to_message_id");
    }
    if (id === undefined) return undefined;
    const target = c.messages.get(id);
    if (!target || target.deleted) {
      if (allowWithout) return undefined;
      throw badRequest("message to be replied not found");
    }
    return id;
  };

  /** Visible length after entity parsing (approximated for HTML / MarkdownV2), in UTF-16 units. */
  const visibleLength = (text: string, parseMode: string | undefined): number => {
    const mode = parseMode?.toLowerCase();
    if (mode === "html") {
      return text.replace(/<[^>]*>/g, "").replace(/&(?:lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, "_").length;
    }
    if (mode === "markdownv2" || mode === "markdown") {
      const s = text.replace(/\]\((?:\\.|[^)\\])*\)/g, "]");
      const markup = mode === "markdownv2" ? "*_~|`[]" : "*_`[]";
      let n = 0;
      for (let i = 0; i < s.length; i++) {
        const ch = s[i] ?? "";
        if (ch === "\\" && mode === "markdownv2" && i + 1 < s.length) {
          n++;
          i++;
        } else if (!markup.includes(ch)) n++;
      }
      return n;
    }
    return text.length;
  };

  const checkText = (text: string | undefined, parseMode: string | undefined): string => {
    if (text === undefined || text.trim() === "") throw badRequest("message text is empty");
    if (visibleLength(text, parseMode) > 4096) throw badRequest("message is too long");
    return text;
  };

  const checkCaption = (caption: string | undefined, parseMode: string | undefined): void => {
    if (caption !== undefined && visibleLength(caption, parseMode) > 1024)
      throw badRequest("message caption is too long");
  };

  const storeBotMessage = (
    c: ChatState,
    method: string,
    p: Params,
    content: Record<string, unknown>,
    extra: { text?: string; caption?: string; files: UploadedFile[] },
  ): SentRecord => {
    const parseMode = p.str("parse_mode");
    const threadId = threadOf(c, p);
    const replyMarkup = parseReplyMarkup(p, c.chat.type);
    const replyTo = replyTarget(p, c);
    const entities = p.has("entities")
      ? p.json("entities")
      : p.has("caption_entities")
        ? p.json("caption_entities")
        : undefined;
    const messageId = c.nextMessageId++;
    const api: TgMessage = {
      message_id: messageId,
      from: botInfo,
      chat: { ...c.chat },
      date: seconds(),
      ...content,
    };
    if (replyTo !== undefined) {
      const { reply_to_message: _nested, ...target } = c.messages.get(replyTo)!.api;
      api.reply_to_message = target;
    }
    if (threadId !== undefined) {
      api.message_thread_id = threadId;
      api.is_topic_message = true;
    }
    if (p.has("link_preview_options")) api.link_preview_options = p.json("link_preview_options");
    const im = inlineMarkup(replyMarkup);
    if (im) api.reply_markup = im;
    const at = now();
    // What the stored message and the record of the send both carry, each only when given.
    const given: Pick<SentRecord, "text" | "caption" | "parseMode" | "replyTo" | "replyMarkup" | "threadId"> =
      {};
    if (extra.text !== undefined) given.text = extra.text;
    if (extra.caption !== undefined) given.caption = extra.caption;
    if (parseMode !== undefined) given.parseMode = parseMode;
    if (replyTo !== undefined) given.replyTo = replyTo;
    if (replyMarkup !== undefined) given.replyMarkup = replyMarkup;
    if (threadId !== undefined) given.threadId = threadId;
    const stored: StoredMessage & { fromBot: boolean } = {
      chatId: c.chat.id,
      messageId,
      method,
      files: extra.files,
      edits: [],
      sentAt: at,
      api,
      fromBot: true,
      ...given,
    };
    if (entities !== undefined) stored.entities = entities;
    c.messages.set(messageId, stored);
    const record: SentRecord = {
      method,
      chatId: c.chat.id,
      messageId,
      fields: p.fields(),
      files: extra.files,
      message: api,
      at,
      ...given,
    };
    sent.push(record);
    return record;
  };

  const findBotMessage = (c: ChatState, p: Params, notFound: string) => {
    const id = p.int("message_id");
    if (id === undefined) throw badRequest("message identifier is not specified");
    const m = c.messages.get(id);
    if (!m || m.deleted || !m.fromBot) throw badRequest(notFound);
    return m;
  };

  // ------------------------------------------------------------------ files

  const registerFile = (meta: Omit<FileMeta, "fileId" | "uniqueId">): FileMeta => {
    const full: FileMeta = {
      fileId: randomToken("BQACAgIAAxkDAAI", 30),
      uniqueId: randomToken("AgAD", 9),
      ...meta,
    };
    fileRegistry.set(full.fileId, full);
    return full;
  };

  const mimeOf = (name: string | undefined): string | undefined =>
    name ? (MIME_BY_EXT[extname(name).toLowerCase()] ?? "application/octet-stream") : undefined;

  /** The file for `kind`: an uploaded part (direct or `attach://`), or a file_id / URL string. */
  const inputFile = (p: Params, kind: string): { meta: FileMeta; upload?: UploadedFile } => {
    const upload = p.files.find((f) => f.field === kind);
    if (upload) {
      const meta = registerFile({ size: upload.size });
      const fileName = upload.filename ?? undefined;
      if (fileName) meta.fileName = fileName;
      const mime = mimeOf(fileName);
      if (mime) meta.mimeType = mime;
      return { meta, upload };
    }
    const ref = p.str(kind);
    if (ref === undefined || ref === "" || ref.startsWith("attach://"))
      throw badRequest(`there is no ${kind} in the request`);
    const known = fileRegistry.get(ref);
    if (known) return { meta: known };
    if (/^https?:\/\//i.test(ref)) {
      let name: string | undefined;
      try {
        name = basename(new URL(ref).pathname) || undefined;
      } catch {
        throw badRequest("wrong HTTP URL specified");
      }
      const meta = registerFile({});
      if (name) {
        meta.fileName = name;
        const mime = mimeOf(name);
        if (mime) meta.mimeType = mime;
      }
      return { meta };
    }
    // An unknown file_id: accepted (the fake cannot know every file Telegram has).
    const meta: FileMeta = { fileId: ref, uniqueId: randomToken("AgAD", 9) };
    fileRegistry.set(ref, meta);
    return { meta };
  };

  const mediaObject = (kind: MediaKind, meta: FileMeta, p: Params): Record<string, unknown> => {
    const o: Record<string, unknown> = { file_id: meta.fileId, file_unique_id: meta.uniqueId };
    if (kind === "audio" || kind === "voice" || kind === "video") o.duration = p.int("duration") ?? 0;
    if (kind === "video") {
      o.width = p.int("width") ?? 0;
      o.height = p.int("height") ?? 0;
    }
    if (kind === "audio") {
      const performer = p.str("performer");
      const title = p.str("title");
      if (performer !== undefined) o.performer = performer;
      if (title !== undefined) o.title = title;
    }
    if (meta.fileName !== undefined && kind !== "voice") o.file_name = meta.fileName;
    if (meta.mimeType !== undefined) o.mime_type = meta.mimeType;
    if (meta.size !== undefined) o.file_size = meta.size;
    return o;
  };

  const sendMedia =
    (kind: MediaKind, method: string) =>
    (p: Params): unknown => {
      const c = targetChat(p, true);
      const caption = p.str("caption");
      checkCaption(caption, p.str("parse_mode"));
      const { meta } = inputFile(p, kind);
      const content: Record<string, unknown> = { [kind]: mediaObject(kind, meta, p) };
      if (caption !== undefined && caption !== "") {
        content.caption = caption;
        if (p.has("caption_entities")) content.caption_entities = p.json("caption_entities");
      }
      const extra: { caption?: string; files: UploadedFile[] } = { files: p.files };
      if (caption !== undefined) extra.caption = caption;
      return storeBotMessage(c, method, p, content, extra).message;
    };

  // ------------------------------------------------------------------ updates

  const updateType = (u: TgUpdate): string => Object.keys(u).find((k) => k !== "update_id") ?? "";

  const isAllowed = (u: TgUpdate): boolean => {
    const type = updateType(u);
    if (!allowedUpdates || allowedUpdates.length === 0) return !OPT_IN_UPDATES.has(type);
    return allowedUpdates.includes(type);
  };

  /** Drops disallowed updates and returns up to `limit` deliverable ones (kept until confirmed). */
  const deliverable = (limit: number): TgUpdate[] => {
    queue = queue.filter(isAllowed);
    return queue.slice(0, limit);
  };

  const confirm = (offset: number | undefined) => {
    if (offset === undefined || offset === 0) return;
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    else queue = queue.slice(Math.max(0, queue.length + offset));
  };

  const terminatePoll = (description: string) => {
    const pending = poll;
    if (!pending) return;
    poll = undefined;
    if (pending.timer) clearTimeout(pending.timer);
    pending.answer(409, { ok: false, error_code: 409, description });
  };

  const pushUpdate = (update: Record<string, unknown>): TgUpdate => {
    const u = { ...update } as TgUpdate;
    if (typeof u.update_id !== "number") u.update_id = nextUpdateId++;
    else nextUpdateId = Math.max(nextUpdateId, u.update_id + 1);
    if (!webhook) {
      queue.push(u);
      if (poll) {
        const ready = deliverable(poll.limit);
        if (ready.length > 0) {
          const pending = poll;
          poll = undefined;
          if (pending.timer) clearTimeout(pending.timer);
          pending.answer(200, { ok: true, result: ready });
        }
      }
    }
    signal.notify();
    return u;
  };

  // ------------------------------------------------------------------ methods

  type Handler = (p: Params) => unknown;
  const scopeKey = (scope: unknown, lang: string | undefined): string => {
    const s = (scope && typeof scope === "object" ? scope : { type: "default" }) as Record<string, unknown>;
    const norm: Record<string, string> = { type: String(s.type ?? "default") };
    if (s.chat_id !== undefined) norm.chat_id = String(s.chat_id);
    if (s.user_id !== undefined) norm.user_id = String(s.user_id);
    return `${JSON.stringify(norm)}|${lang ?? ""}`;
  };

  const memberStatus = (c: ChatState, userId: number): string => {
    if (c.chat.type === "private") return "member";
    if (userId === botId) return botStatus(c).status;
    if (userId === c.creator) return "creator";
    if (c.admins.includes(userId)) return "administrator";
    if (c.members && !c.members.includes(userId) && userId !== botId) return "left";
    return "member";
  };

  const memberObject = (c: ChatState, userId: number): Record<string, unknown> => {
    const user = userId === botId ? botInfo : userObject(userId);
    const status = memberStatus(c, userId);
    if (status === "creator") return { status, user, is_anonymous: false };
    if (status === "kicked") return { status, user, until_date: 0 };
    if (status === "administrator") {
      // Channel administrators carry the posting rights; forum administrators may manage topics.
      const channelRights =
        c.chat.type === "channel"
          ? {
              can_post_messages: userId === botId ? botStatus(c).canPostMessages === true : true,
              can_edit_messages: true,
            }
          : {};
      const forumRights = c.chat.is_forum ? { can_manage_topics: true } : {};
      return {
        ...channelRights,
        ...forumRights,
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
      };
    }
    return { status, user };
  };

  /** A topic's id is the id of the service message that created it, as on Telegram. */
  const createTopic = (c: ChatState, name: string): number => {
    const id = c.nextMessageId++;
    c.topics.set(id, { name, closed: false, deleted: false });
    signal.notify();
    return id;
  };

  const mustTopic = (c: ChatState, threadId: number | undefined): TopicState => {
    if (!c.chat.is_forum) throw badRequest("the chat is not a forum");
    const topic = threadId === undefined ? undefined : c.topics.get(threadId);
    if (!topic || topic.deleted) throw badRequest("message thread not found");
    return topic;
  };

  const topicAction = (p: Params, change: (topic: TopicState) => void): true => {
    const c = targetChat(p, false);
    change(mustTopic(c, p.int("message_thread_id")));
    signal.notify();
    return true;
  };

  const handlers: Record<string, Handler> = {
    getMe: () => botInfo,

    sendMessage: (p) => {
      const c = targetChat(p, true);
      const text = checkText(p.str("text"), p.str("parse_mode"));
      const content: Record<string, unknown> = { text };
      if (p.has("entities")) content.entities = p.json("entities");
      return storeBotMessage(c, "sendMessage", p, content, { text, files: [] }).message;
    },

    sendAudio: sendMedia("audio", "sendAudio"),
    sendDocument: sendMedia("document", "sendDocument"),
    sendVoice: sendMedia("voice", "sendVoice"),
    sendVideo: (p) => {
      // Bot API: duration, width and height are Integers; supports_streaming a Boolean.
      for (const name of ["duration", "width", "height"]) {
        const raw = p.str(name);
        if (raw !== undefined && !/^\d+$/.test(raw)) throw badRequest(`field "${name}" must be an Integer`);
      }
      const streaming = p.str("supports_streaming");
      if (streaming !== undefined && !/^(true|false)$/.test(streaming))
        throw badRequest('field "supports_streaming" must be a Boolean');
      return sendMedia("video", "sendVideo")(p);
    },

    editMessageText: (p) => {
      if (p.has("inline_message_id")) throw badRequest("inline messages are not supported by the fake");
      const c = targetChat(p, true);
      const m = findBotMessage(c, p, "message to edit not found");
      const parseMode = p.str("parse_mode");
      const text = checkText(p.str("text"), parseMode);
      if (m.text === undefined) throw badRequest("there is no text in the message to edit");
      // Omitting reply_markup in an edit removes the inline keyboard, as on Telegram.
      const markup = parseReplyMarkup(p, c.chat.type);
      if (markup !== undefined && inlineMarkup(markup) === undefined)
        throw badRequest("inline keyboard expected");
      const entities = p.has("entities") ? p.json("entities") : undefined;
      const same =
        m.text === text &&
        m.parseMode === parseMode &&
        JSON.stringify(m.entities) === JSON.stringify(entities) &&
        JSON.stringify(inlineMarkup(m.replyMarkup)) === JSON.stringify(inlineMarkup(markup));
      if (same) throw badRequest(NOT_MODIFIED);
      m.text = text;
      if (parseMode !== undefined) m.parseMode = parseMode;
      else delete m.parseMode;
      if (entities !== undefined) m.entities = entities;
      else delete m.entities;
      if (markup !== undefined) m.replyMarkup = markup;
      else delete m.replyMarkup;
      const at = now();
      m.edits.push({ method: "editMessageText", text, replyMarkup: markup, at });
      const { reply_markup: _old, entities: _oldEntities, ...rest } = m.api;
      m.api = { ...rest, text, edit_date: Math.floor(at / 1000) } as TgMessage;
      if (entities !== undefined) m.api.entities = entities;
      const im = inlineMarkup(markup);
      if (im) m.api.reply_markup = im;
      return m.api;
    },

    editMessageReplyMarkup: (p) => {
      if (p.has("inline_message_id")) throw badRequest("inline messages are not supported by the fake");
      const c = targetChat(p, true);
      const m = findBotMessage(c, p, "message to edit not found");
      const markup = parseReplyMarkup(p);
      if (JSON.stringify(inlineMarkup(m.replyMarkup)) === JSON.stringify(inlineMarkup(markup))) {
        throw badRequest(NOT_MODIFIED);
      }
      if (markup !== undefined) m.replyMarkup = markup;
      else delete m.replyMarkup;
      const at = now();
      m.edits.push({ method: "editMessageReplyMarkup", replyMarkup: markup, at });
      const { reply_markup: _old, ...rest } = m.api;
      m.api = { ...rest, edit_date: Math.floor(at / 1000) } as TgMessage;
      const im = inlineMarkup(markup);
      if (im) m.api.reply_markup = im;
      return m.api;
    },

    deleteMessage: (p) => {
      const c = targetChat(p, false);
      const id = p.int("message_id");
      if (id === undefined) throw badRequest("message identifier is not specified");
      const m = c.messages.get(id);
      if (!m || m.deleted) throw badRequest("message to delete not found");
      m.deleted = true;
      return true;
    },

    answerCallbackQuery: (p) => {
      const id = p.str("callback_query_id") ?? "";
      const q = callbackQueries.get(id);
      if (!q || q.answered)
        throw badRequest("query is too old and response timeout expired or query ID is invalid");
      q.answered = true;
      const answer: FakeTelegram["callbackAnswers"][number] = {
        callbackQueryId: id,
        showAlert: p.bool("show_alert"),
        at: now(),
      };
      const text = p.str("text");
      const url = p.str("url");
      if (text !== undefined) answer.text = text;
      if (url !== undefined) answer.url = url;
      callbackAnswers.push(answer);
      return true;
    },

    sendChatAction: (p) => {
      const c = targetChat(p, true);
      threadOf(c, p);
      const action = p.str("action");
      if (!action) throw badRequest("action is empty");
      chatActions.push({ chatId: c.chat.id, action, at: now() });
      return true;
    },

    getChat: (p) => {
      const c = targetChat(p, false);
      return { ...c.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
    },

    getChatMember: (p) => {
      const c = targetChat(p, false);
      const userId = p.int("user_id");
      if (userId === undefined) throw badRequest("user_id is empty");
      return memberObject(c, userId);
    },

    createForumTopic: (p) => {
      const c = targetChat(p, true);
      if (!c.chat.is_forum) throw badRequest("the chat is not a forum");
      const name = p.str("name");
      if (!name || name.length > 128) throw badRequest("TOPIC_TITLE_EMPTY");
      return { message_thread_id: createTopic(c, name), name, icon_color: 7322096 };
    },
    closeForumTopic: (p) =>
      topicAction(p, (t) => {
        if (t.closed) throw badRequest("TOPIC_NOT_MODIFIED");
        t.closed = true;
      }),
    reopenForumTopic: (p) =>
      topicAction(p, (t) => {
        if (!t.closed) throw badRequest("TOPIC_NOT_MODIFIED");
        t.closed = false;
      }),
    deleteForumTopic: (p) =>
      topicAction(p, (t) => {
        t.deleted = true;
      }),

    getChatAdministrators: (p) => {
      const c = targetChat(p, false);
      if (c.chat.type === "private") throw badRequest("there are no administrators in the private chat");
      const ids = [...new Set([...(c.creator !== undefined ? [c.creator] : []), ...c.admins])];
      return ids.map((id) => memberObject(c, id));
    },

    setWebhook: (p) => {
      const url = p.str("url");
      if (url === undefined) throw badRequest("bad webhook: webhook URL must be non-empty");
      const secret = p.str("secret_token");
      if (secret !== undefined && secret !== "") {
        if (secret.length > 256) throw badRequest("secret token is too long");
        if (!/^[A-Za-z0-9_-]+$/.test(secret)) throw badRequest("secret token contains unallowed characters");
      }
      if (p.bool("drop_pending_updates")) queue = [];
      if (url === "") {
        webhook = undefined;
        return { result: true, description: "Webhook was deleted" };
      }
      try {
        new URL(url);
      } catch {
        throw badRequest("bad webhook: invalid webhook URL specified");
      }
      const next: NonNullable<FakeTelegram["webhook"]> = { url };
      if (secret) next.secretToken = secret;
      const allowed = p.has("allowed_updates") ? p.json("allowed_updates") : undefined;
      if (Array.isArray(allowed)) {
        next.allowedUpdates = allowed.map(String);
        allowedUpdates = next.allowedUpdates;
      }
      const maxConnections = p.int("max_connections");
      if (maxConnections !== undefined) next.maxConnections = maxConnections;
      webhook = next;
      terminatePoll("Conflict: terminated by setWebhook request");
      return { result: true, description: "Webhook was set" };
    },

    deleteWebhook: (p) => {
      if (p.bool("drop_pending_updates")) queue = [];
      const had = webhook !== undefined;
      webhook = undefined;
      return { result: true, description: had ? "Webhook was deleted" : "Webhook is already deleted" };
    },

    getWebhookInfo: () => {
      const info: Record<string, unknown> = {
        url: webhook?.url ?? "",
        has_custom_certificate: false,
        pending_update_count: queue.length,
      };
      if (webhook?.maxConnections !== undefined) info.max_connections = webhook.maxConnections;
      if (webhook?.allowedUpdates) info.allowed_updates = webhook.allowedUpdates;
      return info;
    },

    setMyCommands: (p) => {
      const commands = p.json("commands");
      if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
      if (commands.length > 100) throw badRequest("too many commands specified");
      const clean = commands.map((c: { command?: unknown; description?: unknown }) => {
        const command = typeof c?.command === "string" ? c.command : "";
        const description = typeof c?.description === "string" ? c.description : "";
        if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
        if (description.length < 1 || description.length > 256)
          throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
        return { command, description };
      });
      const lang = p.str("language_code") ?? "";
      if (lang !== "" && !/^[a-z]{2}$/.test(lang)) throw badRequest("invalid language code specified");
      commandStore.set(scopeKey(p.has("scope") ? p.json("scope") : undefined, lang), clean);
      return true;
    },

    getMyCommands: (p) =>
      commandStore.get(scopeKey(p.has("scope") ? p.json("scope") : undefined, p.str("language_code"))) ?? [],

    deleteMyCommands: (p) => {
      commandStore.delete(scopeKey(p.has("scope") ? p.json("scope") : undefined, p.str("language_code")));
      return true;
    },
  };
  const canonical = new Map<string, string>(
    [...Object.keys(handlers), "getUpdates"].map((m) => [m.toLowerCase(), m]),
  );

  // ------------------------------------------------------------------ request parsing

  const fileAbort: Array<() => void> = [];

  const parseRequest = async (
    req: http.IncomingMessage,
    query: URLSearchParams,
    onBytes: (n: number) => void,
  ): Promise<ParsedRequest> => {
    const values = new Map<string, unknown>();
    for (const [k, v] of query) values.set(k, v);
    const contentType = headerValue(req, "content-type") ?? "";
    const boundary = multipartBoundary(contentType);
    if (boundary) return parseMultipart(req, boundary, values, onBytes);
    if (/^\s*multipart\//i.test(contentType))
      return { kind: "bad", code: 400, description: "Bad Request: can't parse multipart/form-data request" };

    const body = await readBody(req, limitBytes, onBytes);
    if (!body.ok) return body.reason === "too_large" ? { kind: "too_large" } : { kind: "aborted" };
    if (body.body.length === 0) return { kind: "ok", params: new Params(values, []) };
    if (/^\s*application\/json/i.test(contentType)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.body.toString("utf8"));
      } catch {
        return { kind: "bad", code: 400, description: "Bad Request: can't parse JSON object" };
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        return { kind: "bad", code: 400, description: "Bad Request: JSON object expected" };
      }
      for (const [k, v] of Object.entries(parsed)) values.set(k, v);
    } else if (/^\s*application\/x-www-form-urlencoded/i.test(contentType)) {
      for (const [k, v] of new URLSearchParams(body.body.toString("utf8"))) values.set(k, v);
    }
    return { kind: "ok", params: new Params(values, []) };
  };

  const parseMultipart = (
    req: http.IncomingMessage,
    boundary: string,
    values: Map<string, unknown>,
    onBytes: (n: number) => void,
  ): Promise<ParsedRequest> => {
    uploadsInFlight++;
    maxConcurrentUploads = Math.max(maxConcurrentUploads, uploadsInFlight);
    signal.notify();
    return new Promise<ParsedRequest>((resolve) => {
      const files: Array<UploadedFile & { writer?: WriteStream }> = [];
      let current:
        | { file: UploadedFile & { writer?: WriteStream }; hash: ReturnType<typeof createHash> }
        | undefined;
      let total = 0;
      let settled = false;

      const abortWriters = () => {
        for (const f of files) f.writer?.destroy();
        current?.file.writer?.destroy();
      };
      fileAbort.push(abortWriters);
      const settle = (r: ParsedRequest) => {
        if (settled) return;
        settled = true;
        uploadsInFlight--;
        fileAbort.splice(fileAbort.indexOf(abortWriters), 1);
        if (r.kind !== "ok") abortWriters();
        signal.notify();
        resolve(r);
      };

      const parser = new MultipartParser(boundary, {
        onField: (name, value) => values.set(name, value),
        onFileStart: (info) => {
          const file: UploadedFile & { writer?: WriteStream } = {
            field: info.name,
            partName: info.name,
            filename: info.filename,
            contentType: info.contentType,
            size: 0,
            sha256: "",
          };
          if (fileDir) {
            file.path = join(fileDir, `${++fileSeq}-${(info.filename ?? "file").replace(/[^\w.-]+/g, "_")}`);
            file.writer = createWriteStream(file.path);
            file.writer.on("error", (err) => internalErrors.push(err));
          }
          current = { file, hash: createHash("sha256") };
        },
        onFileData: (chunk) => {
          if (!current) return;
          current.hash.update(chunk);
          current.file.size += chunk.length;
          current.file.writer?.write(chunk);
        },
        onFileEnd: () => {
          if (!current) return;
          current.file.sha256 = current.hash.digest("hex");
          current.file.writer?.end();
          files.push(current.file);
          current = undefined;
        },
      });

      req.on("data", (chunk: Buffer) => {
        if (settled) return;
        total += chunk.length;
        onBytes(chunk.length);
        if (total > limitBytes) {
          settle({ kind: "too_large" });
          return;
        }
        try {
          parser.write(chunk);
        } catch (err) {
          if (!(err instanceof MultipartError)) throw err;
          settle(
            err.code === "too_much_parameters"
              ? { kind: "bad", code: 413, description: "Request Entity Too Large: too much parameters" }
              : {
                  kind: "bad",
                  code: 400,
                  description: `Bad Request: can't parse multipart/form-data request: ${err.message}`,
                },
          );
          return;
        }
        // Backpressure from the temp file (keepFiles): stop reading the socket until it drains.
        const writer = current?.file.writer;
        if (writer?.writableNeedDrain) {
          req.pause();
          writer.once("drain", () => req.resume());
        }
      });
      req.once("end", () => {
        if (settled) return;
        try {
          parser.end();
        } catch (err) {
          settle({
            kind: "bad",
            code: 400,
            description: `Bad Request: can't parse multipart/form-data request: ${String(err)}`,
          });
          return;
        }
        // Resolve attach://<part> references so `field` names the API parameter.
        for (const [k, v] of values) {
          if (typeof v === "string" && v.startsWith("attach://")) {
            const f = files.find((x) => x.partName === v.slice("attach://".length));
            if (f) f.field = k;
          }
        }
        const writers = files.flatMap((f) => (f.writer ? [f.writer] : []));
        void Promise.all(
          writers.map(
            (w) =>
              new Promise<void>((r) =>
                w.writableFinished || w.destroyed ? r() : w.once("close", () => r()),
              ),
          ),
        ).then(() =>
          settle({
            kind: "ok",
            params: new Params(
              values,
              files.map(({ writer: _w, ...f }) => f),
            ),
          }),
        );
      });
      req.once("close", () => {
        if (!req.complete) settle({ kind: "aborted" });
      });
    });
  };

  // ------------------------------------------------------------------ the server

  const faultBody = (
    fault: TelegramFault,
  ): { status: number; body: Record<string, unknown>; headers: http.OutgoingHttpHeaders } => {
    switch (fault.kind) {
      case "429":
        return {
          status: 429,
          body: {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${fault.retryAfter}`,
            parameters: { retry_after: fault.retryAfter },
          },
          headers: { "retry-after": String(fault.retryAfter) },
        };
      case "500":
        return {
          status: 500,
          body: { ok: false, error_code: 500, description: "Internal Server Error" },
          headers: {},
        };
      case "403":
        return {
          status: 403,
          body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
          headers: {},
        };
      case "migrate":
        return {
          status: 400,
          body: {
            ok: false,
            error_code: 400,
            description: "Bad Request: group chat was upgraded to a supergroup chat",
            parameters: { migrate_to_chat_id: fault.newChatId },
          },
          headers: {},
        };
      case "status":
        return {
          status: fault.status,
          body: { ok: false, error_code: fault.status, description: fault.description },
          headers: {},
        };
      default:
        return {
          status: 500,
          body: { ok: false, error_code: 500, description: "Internal Server Error" },
          headers: {},
        };
    }
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://fake-telegram.invalid");
    const startedAt = now();
    let firstByteAt: number | undefined;
    let bytes = 0;
    const onBytes = (n: number) => {
      if (firstByteAt === undefined && n > 0) firstByteAt = now();
      bytes += n;
      bytesReceived += n;
    };
    const record = (method: string, status: number, extra: Partial<CallRecord> = {}) => {
      const call: CallRecord = {
        method,
        httpMethod: req.method ?? "",
        status,
        bytesReceived: bytes,
        startedAt,
        at: now(),
        ...extra,
      };
      if (firstByteAt !== undefined) call.firstByteAt = firstByteAt;
      calls.push(call);
      signal.notify();
    };
    const answer = (
      method: string,
      status: number,
      body: Record<string, unknown>,
      headers: http.OutgoingHttpHeaders = {},
      extra: Partial<CallRecord> = {},
    ) => {
      if (typeof body.description === "string" && body.ok === false) extra.description = body.description;
      sendJson(res, status, body, headers);
      record(method, status, extra);
    };

    const m = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!m) {
      await drain(req, onBytes);
      answer(url.pathname, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }
    const [, reqToken = "", rawMethod = ""] = m;
    if (reqToken !== token) {
      await drain(req, onBytes);
      answer(rawMethod, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      return;
    }
    const method = canonical.get(rawMethod.toLowerCase());
    if (!method) {
      await drain(req, onBytes);
      answer(rawMethod, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }

    const fault = faults.take(method.toLowerCase());
    if (fault?.kind === "reset") {
      const kill = () => {
        resetSocket(req.socket);
        record(method, 0, { fault: "reset" });
      };
      if (req.complete) kill();
      else {
        req.once("data", (chunk: Buffer) => {
          onBytes(chunk.length);
          kill();
        });
        req.once("end", () => {
          if (!req.socket.destroyed) kill();
        });
      }
      return;
    }
    const tooLarge = () => {
      sendEarlyAndLinger(req, res, 413, NGINX_413_HTML, "text/html", {
        onDiscard: (n) => {
          bytesDiscarded += n;
        },
      });
      record(method, 413, fault?.kind === "413" ? { fault: "413" } : {});
    };
    if (fault?.kind === "413") {
      tooLarge();
      return;
    }
    const declared = Number(headerValue(req, "content-length") ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limitBytes) {
      tooLarge();
      return;
    }

    const parsed = await parseRequest(req, url.searchParams, onBytes);
    if (parsed.kind === "too_large") {
      tooLarge();
      return;
    }
    if (parsed.kind === "aborted") {
      record(method, 0);
      return;
    }
    if (parsed.kind === "bad") {
      const body = { ok: false, error_code: parsed.code, description: parsed.description };
      if (req.complete) answer(method, parsed.code, body);
      else {
        sendEarlyAndLinger(req, res, parsed.code, JSON.stringify(body), "application/json", {
          onDiscard: (n) => {
            bytesDiscarded += n;
          },
        });
        record(method, parsed.code, { description: parsed.description });
      }
      return;
    }
    const p = parsed.params;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    let chatId: number | undefined;
    try {
      chatId = p.has("chat_id") ? resolveChatId(p) : undefined;
    } catch {
      chatId = undefined; // reported by the handler itself
    }
    const extra: Partial<CallRecord> = chatId !== undefined ? { chatId } : {};

    if (fault?.kind === "hang") {
      record(method, 0, { ...extra, fault: "hang" });
      return; // never answered; close() destroys the socket
    }
    if (fault) {
      const f = faultBody(fault);
      answer(method, f.status, f.body, f.headers, { ...extra, fault: fault.kind });
      return;
    }

    if (method === "getUpdates") {
      handleGetUpdates(p, res, (status, body) => answer(method, status, body as Record<string, unknown>));
      return;
    }
    try {
      const sentBefore = sent.length;
      const out = handlers[method]!(p);
      // Handlers are synchronous: whatever they added to `sent` came from this request.
      for (let i = sentBefore; i < sent.length; i++) (sent[i] as SentRecord).startedAt = startedAt;
      const wrapped =
        out && typeof out === "object" && "result" in out && "description" in out
          ? { ok: true, ...(out as object) }
          : { ok: true, result: out };
      answer(method, 200, wrapped, {}, extra);
    } catch (err) {
      if (!(err instanceof TgApiError)) throw err;
      const body: Record<string, unknown> = { ok: false, error_code: err.code, description: err.description };
      if (err.parameters) body.parameters = err.parameters;
      answer(method, err.code, body, err.headers, extra);
    }
  };

  const handleGetUpdates = (
    p: Params,
    res: http.ServerResponse,
    reply: (status: number, body: unknown) => void,
  ) => {
    if (webhook) {
      reply(409, {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
      return;
    }
    terminatePoll(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    if (p.has("allowed_updates")) {
      const a = p.json("allowed_updates");
      if (Array.isArray(a)) allowedUpdates = a.map(String);
    }
    confirm(p.int("offset"));
    const limit = Math.min(100, Math.max(1, p.int("limit") ?? 100));
    // Fractional timeouts are accepted so tests can keep long polls short.
    const timeout = Math.max(0, p.num("timeout") ?? 0);
    const ready = deliverable(limit);
    if (ready.length > 0 || timeout === 0) {
      reply(200, { ok: true, result: ready });
      return;
    }
    const entry: NonNullable<typeof poll> = { answer: reply, limit, timer: undefined };
    entry.timer = setTimeout(() => {
      if (poll !== entry) return;
      poll = undefined;
      reply(200, { ok: true, result: deliverable(limit) });
    }, timeout * 1000);
    poll = entry;
    res.once("close", () => {
      if (poll === entry) {
        poll = undefined;
        clearTimeout(entry.timer);
        signal.notify();
      }
    });
    signal.notify();
  };

  const server = await startHttpServer(handle, {
    host: opts.host ?? "127.0.0.1",
    onInternalError: (err) => internalErrors.push(err),
    onCheckContinue: (req, res) => {
      // Expect: 100-continue with an oversized Content-Length: refuse before the body is sent.
      const declared = Number(headerValue(req, "content-length") ?? Number.NaN);
      if (Number.isFinite(declared) && declared > limitBytes) {
        sendBody(res, 413, NGINX_413_HTML, "text/html", { connection: "close" });
        return;
      }
      res.writeContinue();
      return handle(req, res);
    },
  });

  // ------------------------------------------------------------------ control API

  const fake: FakeTelegram = {
    url: server.url,
    token,
    botInfo,
    async close() {
      if (closed) return;
      closed = true;
      if (poll?.timer) clearTimeout(poll.timer);
      poll = undefined;
      for (const abort of [...fileAbort]) abort();
      await server.close();
      if (fileDir) await rm(fileDir, { recursive: true, force: true });
    },

    addChat,
    addUser(user) {
      const u: TgUser = { is_bot: false, ...user };
      users.set(u.id, u);
      return { ...u };
    },
    blockChat(chatId, description) {
      const c = mustChat(chatId);
      c.blocked =
        description ??
        (c.chat.type === "private"
          ? "Forbidden: bot was blocked by the user"
          : `Forbidden: bot was kicked from the ${c.chat.type === "channel" ? "channel" : c.chat.type} chat`);
    },
    unblockChat(chatId) {
      delete mustChat(chatId).blocked;
    },
    migrateChat(oldId, newId) {
      const old = mustChat(oldId);
      old.migratedTo = newId;
      if (!chats.has(newId)) {
        const input: AddChatInput = { id: newId, type: "supergroup", admins: old.admins };
        if (old.chat.title !== undefined) input.title = old.chat.title;
        if (old.creator !== undefined) input.creator = old.creator;
        if (old.members) input.members = old.members;
        addChat(input);
      }
    },

    addTopic(chatId, name) {
      const c = mustChat(chatId);
      if (!c.chat.is_forum) throw new Error(`fake-telegram: chat ${chatId} is not a forum`);
      return createTopic(c, name);
    },
    closeTopic(chatId, threadId) {
      mustTopic(mustChat(chatId), threadId).closed = true;
    },
    deleteTopic(chatId, threadId) {
      mustTopic(mustChat(chatId), threadId).deleted = true;
    },
    setBotMembership(chatId, bot) {
      mustChat(chatId).bot = { ...bot };
    },

    pushUpdate,
    userSharesChat({ chatId, from, requestId, sharedChatId }) {
      const user = userObject(from);
      const c = mustChat(chatId);
      const shared = mustChat(sharedChatId);
      const offered = [...c.messages.values()].some((m) => {
        if (!m.fromBot || m.deleted) return false;
        const rows = (m.replyMarkup as { keyboard?: Array<Array<Record<string, unknown>>> } | undefined)
          ?.keyboard;
        return (rows ?? []).flat().some((b) => {
          const request = b.request_chat as { request_id?: number; chat_is_channel?: boolean } | undefined;
          return (
            request?.request_id === requestId && request.chat_is_channel === (shared.chat.type === "channel")
          );
        });
      });
      if (!offered)
        throw new Error(
          `fake-telegram: no request_chat button ${requestId} for that kind of chat was offered in ${chatId}`,
        );
      const chatShared: Record<string, unknown> = { request_id: requestId, chat_id: sharedChatId };
      if (shared.chat.title !== undefined) chatShared.title = shared.chat.title;
      return postUserMessage(c, newUserMessage(c, user, { chat_shared: chatShared }));
    },
    userSends({ chatId, from, text, threadId, replyTo }) {
      const user = userObject(from);
      let c = chats.get(chatId);
      if (!c && chatId === user.id) {
        addChat({ id: chatId, type: "private", first_name: user.first_name });
        c = chats.get(chatId);
      }
      if (!c) throw new Error(`fake-telegram: unknown chat ${chatId}; call addChat() first`);
      const message = newUserMessage(c, user, { text });
      const cmd = /^\/[^\s]+/.exec(text);
      if (cmd) message.entities = [{ type: "bot_command", offset: 0, length: cmd[0].length }];
      if (threadId !== undefined) {
        mustTopic(c, threadId);
        message.message_thread_id = threadId;
        message.is_topic_message = true;
      }
      if (replyTo !== undefined) {
        const target = c.messages.get(replyTo);
        if (!target || target.deleted) throw new Error(`fake-telegram: no message ${replyTo} in ${chatId}`);
        const { reply_to_message: _nested, ...quoted } = target.api;
        message.reply_to_message = quoted;
      }
      return postUserMessage(c, message);
    },
    userPresses({ chatId, from, messageId, data }) {
      const user = userObject(from);
      const c = mustChat(chatId);
      const target = c.messages.get(messageId);
      const message =
        target && !target.deleted ? target.api : { message_id: messageId, chat: { ...c.chat }, date: 0 };
      const id = BigInt(`0x${randomBytes(8).toString("hex")}`)
        .toString()
        .slice(0, 19);
      callbackQueries.set(id, { answered: false });
      const chatInstance = String(Math.abs(chatId * 7919) % 9_000_000_000_000_000_000);
      return pushUpdate({ callback_query: { id, from: user, message, chat_instance: chatInstance, data } });
    },

    pressLoginButton({ chatId, from, messageId, decline }) {
      const user = userObject(from);
      const target = mustChat(chatId).messages.get(messageId);
      if (!target || target.deleted) throw new Error(`fake-telegram: no message ${messageId} in ${chatId}`);
      const rows = (inlineMarkup(target.replyMarkup) as { inline_keyboard?: unknown[][] } | undefined)
        ?.inline_keyboard;
      const button = rows
        ?.flat()
        .find(
          (b): b is { login_url: { url: string } } => typeof b === "object" && b !== null && "login_url" in b,
        );
      if (!button) throw new Error(`fake-telegram: message ${messageId} has no login_url button`);
      const url = new URL(button.login_url.url);
      if (linkedDomain !== undefined && url.hostname !== linkedDomain) throw new Error("Bot domain invalid");
      if (decline) return url.toString();
      for (const [key, value] of Object.entries(signLoginData(token, user, seconds()))) {
        url.searchParams.append(key, value);
      }
      return url.toString();
    },
    setDomain(domain) {
      linkedDomain = domain;
    },
    setChatAdmins(chatId, admins) {
      const c = mustChat(chatId);
      c.admins = [...admins];
      if (c.creator !== undefined && !admins.includes(c.creator)) delete c.creator;
    },

    inject(method, fault, times = 1) {
      faults.add(method.toLowerCase(), fault, times);
    },
    clearFaults() {
      faults.clear();
    },

    sent,
    calls,
    chatActions,
    callbackAnswers,
    messages(chatId) {
      const c = chats.get(chatId);
      if (!c) return [];
      return [...c.messages.values()]
        .filter((m) => m.fromBot && !m.deleted)
        .map(({ deleted: _d, fromBot: _f, ...m }) => m);
    },
    get pendingUpdates() {
      return [...queue];
    },
    get webhook() {
      return webhook ? { ...webhook } : undefined;
    },
    commands(scope, languageCode) {
      return commandStore.get(scopeKey(scope, languageCode));
    },
    stats: {
      get uploadsInFlight() {
        return uploadsInFlight;
      },
      get maxConcurrentUploads() {
        return maxConcurrentUploads;
      },
      get bytesReceived() {
        return bytesReceived;
      },
      get bytesDiscarded() {
        return bytesDiscarded;
      },
    },
    get pollPending() {
      return poll !== undefined;
    },
    waitFor: (check, timeoutMs) => signal.waitFor(check, timeoutMs, "fake Telegram state"),
    waitForSent: (predicate = () => true, timeoutMs) =>
      signal.waitFor(() => sent.find(predicate), timeoutMs, "a matching sent message"),
    internalErrors,
  };
  return fake;
}

/**
 * Telegram's signed login data for `user` at `authDate` (Unix seconds), as a login_url button or
 * the Login Widget sends it: `hash = hex(HMAC_SHA256(data_check_string, SHA256(bot token)))`, where
 * `data_check_string` is the other fields as `key=value`, sorted by key, joined by "\n".
 */
export function signLoginData(
  botToken: string,
  user: { id: number; first_name: string; last_name?: string; username?: string },
  authDate: number,
): Record<string, string> {
  const fields: Record<string, string> = {
    id: String(user.id),
    first_name: user.first_name,
    auth_date: String(authDate),
  };
  if (user.last_name !== undefined) fields.last_name = user.last_name;
  if (user.username !== undefined) fields.username = user.username;
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("\n");
  const secretKey = createHash("sha256").update(botToken).digest();
  fields.hash = createHmac("sha256", secretKey).update(dataCheckString).digest("hex");
  return fields;
}

/**
 * A bot's `getMe` result as a bot created in BotFather with the defaults has it (joins groups,
 * privacy mode on, no inline mode, no topics): grammY's `botInfo`, so no `getMe` is sent.
 */
export function fakeBotInfo(bot: {
  id: number;
  first_name: string;
  username: string;
}): FakeTelegram["botInfo"] {
  return {
    ...bot,
    is_bot: true,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
