import { createHash, createHmac, randomBytes } from "node:crypto";
import http from "node:http";
import { Readable } from "node:stream";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { describe, expect, it } from "vitest";
import { closingAfterEachTest } from "../support/each-test.js";
import {
  type FakeTelegram,
  type FakeTelegramOptions,
  NGINX_413_HTML,
  startFakeTelegram,
} from "./fake-telegram.js";

/** A fake for one test: closed after it, having seen no internal error. */
const start = closingAfterEachTest(
  (opts: FakeTelegramOptions = {}): Promise<FakeTelegram> => startFakeTelegram(opts),
  (tg) => expect(tg.internalErrors).toEqual([]),
);

interface ApiResult {
  status: number;
  body: {
    ok: boolean;
    // biome-ignore lint/suspicious/noExplicitAny: Bot API results are checked structurally with toMatchObject
    result?: any;
    error_code?: number;
    description?: string;
    parameters?: Record<string, unknown>;
  };
  headers: Headers;
}

/** Bot API form encoding: objects as JSON strings. */
function wireParams(params: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [
      k,
      typeof v === "object" ? JSON.stringify(v) : String(v),
    ]),
  );
}

async function call(
  tg: FakeTelegram,
  method: string,
  params: Record<string, unknown> = {},
  as: "json" | "form" | "get" = "json",
): Promise<ApiResult> {
  const base = `${tg.url}/bot${tg.token}/${method}`;
  let res: Response;
  if (as === "get") {
    res = await fetch(`${base}?${wireParams(params)}`);
  } else if (as === "form") {
    res = await fetch(base, { method: "POST", body: wireParams(params) });
  } else {
    res = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
  }
  return { status: res.status, body: (await res.json()) as ApiResult["body"], headers: res.headers };
}

type Part =
  | { name: string; value: string }
  | { name: string; filename: string; size: number; quoteFilename?: boolean };

interface MultipartOutcome {
  status: number;
  contentType: string;
  text: string;
  /** sha256 of each file part as the client sent it. */
  sent: Array<{ size: number; sha256: string }>;
}

/**
 * POSTs a hand-built multipart body through node:http, streaming file parts in 256 KiB chunks
 * (grammY style: unquoted filename unless asked). With `contentLength` the size is announced up
 * front, otherwise the body goes out chunked. Stops writing if the server answers early.
 */
async function postMultipart(
  url: string,
  parts: Part[],
  opts: {
    contentLength?: boolean /** awaited after the first file chunk went out */;
    gate?: Promise<unknown>;
  } = {},
): Promise<MultipartOutcome> {
  const boundary = `----------fake${randomBytes(8).toString("hex")}`;
  const chunk = randomBytes(256 * 1024);
  const headerOf = (p: Part, i: number) =>
    Buffer.from(
      `${i === 0 ? "" : "\r\n"}--${boundary}\r\n` +
        ("value" in p
          ? `content-disposition:form-data;name="${p.name}"\r\n\r\n${p.value}`
          : `content-disposition:form-data;name="${p.name}";filename=${p.quoteFilename ? `"${p.filename}"` : p.filename}\r\ncontent-type:application/octet-stream\r\n\r\n`),
    );
  const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total =
    parts.reduce((n, p, i) => n + headerOf(p, i).length + ("size" in p ? p.size : 0), 0) + closing.length;
  const headers: http.OutgoingHttpHeaders = { "content-type": `multipart/form-data; boundary=${boundary}` };
  if (opts.contentLength) headers["content-length"] = total;

  const req = http.request(url, { method: "POST", headers });
  let answered = false;
  const response = new Promise<{ status: number; contentType: string; text: string }>((resolve, reject) => {
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"]),
          text: Buffer.concat(chunks).toString(),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  const write = async (buf: Buffer) => {
    if (!req.write(buf)) await new Promise<void>((r) => req.once("drain", () => r()));
  };
  const sent: MultipartOutcome["sent"] = [];
  try {
    outer: for (const [i, p] of parts.entries()) {
      if (answered) break;
      await write(headerOf(p, i));
      if ("size" in p) {
        const hash = createHash("sha256");
        let left = p.size;
        while (left > 0) {
          if (answered) break outer;
          const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
          hash.update(piece);
          await write(piece);
          if (left === p.size && opts.gate) await opts.gate;
          left -= piece.length;
        }
        sent.push({ size: p.size, sha256: hash.digest("hex") });
      }
    }
    if (!answered) req.end(closing);
  } catch (err) {
    if (!answered) throw err;
  }
  const out = await response;
  if (!req.writableEnded) req.destroy();
  return { ...out, sent };
}

describe("fake Telegram: routing and envelope", () => {
  it("answers getMe for any method case and HTTP verb, 401 for a wrong token, 404 for unknown methods", async () => {
    const tg = await start();
    const get = await call(tg, "GETME", {}, "get");
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({
      ok: true,
      result: { id: tg.botInfo.id, is_bot: true, username: tg.botInfo.username },
    });
    expect((await call(tg, "getme", {}, "form")).body.ok).toBe(true);

    const wrong = await fetch(`${tg.url}/bot123:nope/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });

    const unknown = await call(tg, "sendCarrierPigeon");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    expect(tg.calls.map((c) => [c.method, c.status])).toEqual([
      ["getMe", 200],
      ["getMe", 200],
      ["getMe", 401],
      ["sendCarrierPigeon", 404],
    ]);
  });
});

describe("fake Telegram: sendMessage and chats", () => {
  it("stores text, markup and reply target from JSON, urlencoded and query bodies", async () => {
    const tg = await start();
    tg.addChat({ id: 42, type: "private", first_name: "Ann" });
    const markup = { inline_keyboard: [[{ text: "Open", callback_data: "open:1" }]] };
    const first = await call(tg, "sendMessage", {
      chat_id: 42,
      text: "hello",
      reply_markup: markup,
      parse_mode: "HTML",
    });
    expect(first.body.result).toMatchObject({
      message_id: 1,
      chat: { id: 42, type: "private" },
      text: "hello",
      reply_markup: markup,
    });
    const second = await call(
      tg,
      "sendMessage",
      { chat_id: "42", text: "re", reply_parameters: { message_id: 1 } },
      "form",
    );
    expect(second.body.result.reply_to_message).toMatchObject({ message_id: 1, text: "hello" });
    const third = await call(tg, "sendMessage", { chat_id: 42, text: "q", reply_to_message_id: 2 }, "get");
    expect(third.body.result.message_id).toBe(3);

    expect(tg.sent.map((s) => [s.method, s.chatId, s.messageId, s.text, s.replyTo])).toEqual([
      ["sendMessage", 42, 1, "hello", undefined],
      ["sendMessage", 42, 2, "re", 1],
      ["sendMessage", 42, 3, "q", 2],
    ]);
    expect(tg.sent[0]?.replyMarkup).toEqual(markup);
    expect(tg.sent[0]?.parseMode).toBe("HTML");
    expect(tg.sent[1]?.fields).toMatchObject({
      chat_id: "42",
      text: "re",
      reply_parameters: '{"message_id":1}',
    });
  });

  it("rejects empty and too long texts, unknown chats, missing reply targets and oversized callback data", async () => {
    const tg = await start();
    tg.addChat({ id: 1, type: "private" });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ chat_id: 1, text: "" }, "Bad Request: message text is empty"],
      [{ chat_id: 1, text: "x".repeat(4097) }, "Bad Request: message is too long"],
      [{ chat_id: 999, text: "hi" }, "Bad Request: chat not found"],
      [
        { chat_id: 1, text: "hi", reply_parameters: { message_id: 77 } },
        "Bad Request: message to be replied not found",
      ],
      [
        {
          chat_id: 1,
          text: "hi",
          reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "x".repeat(65) }]] },
        },
        "Bad Request: BUTTON_DATA_INVALID",
      ],
    ];
    for (const [params, description] of cases) {
      const r = await call(tg, "sendMessage", params);
      expect(r.status, description).toBe(400);
      expect(r.body).toEqual({ ok: false, error_code: 400, description });
    }
    // 4096 visible characters are fine; HTML tags do not count.
    expect(
      (await call(tg, "sendMessage", { chat_id: 1, text: `<b>${"x".repeat(4096)}</b>`, parse_mode: "HTML" }))
        .status,
    ).toBe(200);
    expect(tg.sent).toHaveLength(1);
  });

  it("answers 403 for a blocked chat and 400 with migrate_to_chat_id for a migrated group", async () => {
    const tg = await start();
    tg.addChat({ id: 5, type: "private" });
    tg.addChat({ id: -100, type: "group", title: "Team", admins: [5] });
    tg.blockChat(5);
    const blocked = await call(tg, "sendMessage", { chat_id: 5, text: "hi" });
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });

    tg.migrateChat(-100, -1001234567890);
    const moved = await call(tg, "sendMessage", { chat_id: -100, text: "hi" });
    expect(moved.status).toBe(400);
    expect(moved.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      parameters: { migrate_to_chat_id: -1001234567890 },
    });
    const ok = await call(tg, "sendMessage", { chat_id: -1001234567890, text: "hi" });
    expect(ok.body.result.chat).toEqual({ id: -1001234567890, type: "supergroup", title: "Team" });
    // Admin rights carry over to the supergroup.
    const member = await call(tg, "getChatMember", { chat_id: -1001234567890, user_id: 5 });
    expect(member.body.result.status).toBe("creator");
  });

  it("reports chat member statuses from admins and refuses administrators of private chats", async () => {
    const tg = await start();
    tg.addUser({ id: 10, first_name: "Owner", language_code: "ru" });
    tg.addChat({ id: -5, type: "supergroup", title: "G", admins: [10, 11], members: [12] });
    tg.addChat({ id: 10, type: "private" });
    const status = async (userId: number) =>
      (await call(tg, "getChatMember", { chat_id: -5, user_id: userId })).body.result.status;
    expect(await status(10)).toBe("creator");
    expect(await status(11)).toBe("administrator");
    expect(await status(12)).toBe("member");
    expect(await status(13)).toBe("left");
    const admins = await call(tg, "getChatAdministrators", { chat_id: -5 });
    expect(
      admins.body.result.map((m: { status: string; user: { id: number } }) => [m.user.id, m.status]),
    ).toEqual([
      [10, "creator"],
      [11, "administrator"],
    ]);
    const priv = await call(tg, "getChatAdministrators", { chat_id: 10 });
    expect(priv.body.description).toBe("Bad Request: there are no administrators in the private chat");
    expect((await call(tg, "getChat", { chat_id: -5 })).body.result).toMatchObject({
      id: -5,
      type: "supergroup",
      title: "G",
    });
  });
});

describe("fake Telegram: forum topics, channels, request_chat", () => {
  it("sends into an open topic with message_thread_id; General by omission; closed and deleted topics refused", async () => {
    const tg = await start();
    tg.addChat({ id: -1005, type: "supergroup", title: "Forum", isForum: true, admins: [1] });
    tg.addChat({ id: -1006, type: "supergroup", title: "Plain" });
    const topic = tg.addTopic(-1005, "Recordings");
    const inTopic = await call(tg, "sendMessage", { chat_id: -1005, message_thread_id: topic, text: "hi" });
    expect(inTopic.body.result).toMatchObject({ message_thread_id: topic, is_topic_message: true });
    expect(tg.sent.at(-1)?.threadId).toBe(topic);
    expect(tg.messages(-1005).at(-1)?.threadId).toBe(topic);
    const general = await call(tg, "sendMessage", { chat_id: -1005, text: "general" });
    expect(general.body.result.message_thread_id).toBeUndefined();
    for (const [chat, thread] of [
      [-1005, 1],
      [-1005, 999],
      [-1006, topic],
    ] as const) {
      const refused = await call(tg, "sendMessage", { chat_id: chat, message_thread_id: thread, text: "x" });
      expect(refused.body).toMatchObject({
        ok: false,
        error_code: 400,
        description: "Bad Request: message thread not found",
      });
    }
    expect((await call(tg, "closeForumTopic", { chat_id: -1005, message_thread_id: topic })).body.ok).toBe(
      true,
    );
    const closed = await call(tg, "sendMessage", { chat_id: -1005, message_thread_id: topic, text: "x" });
    expect(closed.body).toMatchObject({ error_code: 400, description: "Bad Request: TOPIC_CLOSED" });
    await call(tg, "reopenForumTopic", { chat_id: -1005, message_thread_id: topic });
    expect(
      (await call(tg, "sendMessage", { chat_id: -1005, message_thread_id: topic, text: "y" })).body.ok,
    ).toBe(true);
    tg.deleteTopic(-1005, topic);
    const deleted = await call(tg, "sendMessage", { chat_id: -1005, message_thread_id: topic, text: "x" });
    expect(deleted.body.description).toBe("Bad Request: message thread not found");
    const created = await call(tg, "createForumTopic", { chat_id: -1005, name: "Zoom" });
    expect(created.body.result).toMatchObject({ name: "Zoom" });
    expect((await call(tg, "createForumTopic", { chat_id: -1006, name: "Zoom" })).body.description).toBe(
      "Bad Request: the chat is not a forum",
    );
    const member = await call(tg, "getChatMember", { chat_id: -1005, user_id: 1 });
    expect(member.body.result).toMatchObject({ status: "creator" });
  });

  it("a user's message in a topic carries message_thread_id; a reply quotes its target", async () => {
    const tg = await start();
    tg.addChat({ id: -1005, type: "supergroup", isForum: true, admins: [1] });
    const topic = tg.addTopic(-1005, "Zoom");
    const update = tg.userSends({ chatId: -1005, from: 1, text: "/connect", threadId: topic });
    expect(update.message).toMatchObject({ message_thread_id: topic, is_topic_message: true });
    const sent = await call(tg, "sendMessage", { chat_id: -1005, text: "Reply with a phrase" });
    const reply = tg.userSends({
      chatId: -1005,
      from: 1,
      text: "standup",
      replyTo: sent.body.result.message_id,
    });
    expect(reply.message).toMatchObject({ reply_to_message: { text: "Reply with a phrase" } });
  });

  it("channels: only an administrator bot with can_post_messages posts; getChatMember tells", async () => {
    const tg = await start();
    tg.addChat({ id: -2001, type: "channel", title: "News", admins: [1] });
    expect((await call(tg, "sendMessage", { chat_id: -2001, text: "post" })).body.ok).toBe(true);
    const bot = await call(tg, "getChatMember", { chat_id: -2001, user_id: tg.botInfo.id });
    expect(bot.body.result).toMatchObject({ status: "administrator", can_post_messages: true });
    tg.setBotMembership(-2001, { status: "administrator", canPostMessages: false });
    expect(
      (await call(tg, "getChatMember", { chat_id: -2001, user_id: tg.botInfo.id })).body.result,
    ).toMatchObject({
      can_post_messages: false,
    });
    expect((await call(tg, "sendMessage", { chat_id: -2001, text: "post" })).body).toMatchObject({
      error_code: 400,
      description: "Bad Request: need administrator rights in the channel chat",
    });
    tg.setBotMembership(-2001, { status: "member" });
    expect((await call(tg, "sendMessage", { chat_id: -2001, text: "post" })).body.error_code).toBe(400);
    tg.setBotMembership(-2001, { status: "kicked" });
    expect((await call(tg, "sendMessage", { chat_id: -2001, text: "post" })).body).toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was kicked from the channel chat",
    });
    tg.setBotMembership(-2001, { status: "left" });
    expect((await call(tg, "sendMessage", { chat_id: -2001, text: "post" })).body.description).toBe(
      "Forbidden: bot is not a member of the channel chat",
    );
  });

  it("request_chat buttons in private chats only; chat_shared only for a button that was offered", async () => {
    const tg = await start();
    tg.addUser({ id: 1, first_name: "Ada" });
    tg.addChat({ id: 1, type: "private" });
    tg.addChat({ id: -1007, type: "supergroup" });
    tg.addChat({ id: -2001, type: "channel", title: "News" });
    const keyboard = {
      keyboard: [[{ text: "Pick a channel", request_chat: { request_id: 7, chat_is_channel: true } }]],
      one_time_keyboard: true,
    };
    const inGroup = await call(tg, "sendMessage", { chat_id: -1007, text: "pick", reply_markup: keyboard });
    expect(inGroup.body).toMatchObject({ error_code: 400, description: "Bad Request: BUTTON_TYPE_INVALID" });
    expect(() => tg.userSharesChat({ chatId: 1, from: 1, requestId: 7, sharedChatId: -2001 })).toThrow(
      /no request_chat/,
    );
    expect(
      (await call(tg, "sendMessage", { chat_id: 1, text: "pick", reply_markup: keyboard })).body.ok,
    ).toBe(true);
    // A group is not what a channel button picks.
    expect(() => tg.userSharesChat({ chatId: 1, from: 1, requestId: 7, sharedChatId: -1007 })).toThrow();
    const update = tg.userSharesChat({ chatId: 1, from: 1, requestId: 7, sharedChatId: -2001 });
    expect(update.message).toMatchObject({
      chat: { id: 1 },
      from: { id: 1 },
      chat_shared: { request_id: 7, chat_id: -2001, title: "News" },
    });
  });
});

describe("fake Telegram: edits, callbacks, commands", () => {
  it("edits text, refuses identical edits and unknown messages, and keeps the edit history", async () => {
    const tg = await start();
    tg.addChat({ id: 7, type: "private" });
    const kb = { inline_keyboard: [[{ text: "A", callback_data: "a" }]] };
    await call(tg, "sendMessage", { chat_id: 7, text: "Downloading…", reply_markup: kb });

    const same = await call(tg, "editMessageText", {
      chat_id: 7,
      message_id: 1,
      text: "Downloading…",
      reply_markup: kb,
    });
    expect(same.status).toBe(400);
    expect(same.body.description).toMatch(/^Bad Request: message is not modified: /);

    const edited = await call(tg, "editMessageText", {
      chat_id: 7,
      message_id: 1,
      text: "Uploading…",
      reply_markup: kb,
    });
    expect(edited.body.result).toMatchObject({ message_id: 1, text: "Uploading…", reply_markup: kb });
    expect(edited.body.result.edit_date).toBeTypeOf("number");
    // No reply_markup in an edit removes the keyboard, as on Telegram.
    await call(tg, "editMessageText", { chat_id: 7, message_id: 1, text: "Done" });

    const missing = await call(tg, "editMessageText", { chat_id: 7, message_id: 99, text: "x" });
    expect(missing.body).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: message to edit not found",
    });

    const [m] = tg.messages(7);
    expect(m).toMatchObject({ messageId: 1, text: "Done" });
    expect(m?.replyMarkup).toBeUndefined();
    expect(m?.edits.map((e) => e.text)).toEqual(["Uploading…", "Done"]);

    expect((await call(tg, "deleteMessage", { chat_id: 7, message_id: 1 })).body.result).toBe(true);
    expect(tg.messages(7)).toEqual([]);
    expect((await call(tg, "deleteMessage", { chat_id: 7, message_id: 1 })).body.description).toBe(
      "Bad Request: message to delete not found",
    );
  });

  it("delivers button presses and accepts one answer per callback query", async () => {
    const tg = await start();
    tg.addChat({ id: 3, type: "private" });
    await call(tg, "sendMessage", {
      chat_id: 3,
      text: "Pick",
      reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "lang:ru" }]] },
    });
    const update = tg.userPresses({ chatId: 3, from: 3, messageId: 1, data: "lang:ru" });
    const q = update.callback_query as {
      id: string;
      data: string;
      message: { message_id: number; text: string };
    };
    expect(q).toMatchObject({ data: "lang:ru", message: { message_id: 1, text: "Pick" } });
    expect(
      (await call(tg, "answerCallbackQuery", { callback_query_id: q.id, text: "Saved" })).body.result,
    ).toBe(true);
    const again = await call(tg, "answerCallbackQuery", { callback_query_id: q.id });
    expect(again.body.description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect(tg.callbackAnswers).toMatchObject([{ callbackQueryId: q.id, text: "Saved", showAlert: false }]);
  });

  it("stores commands by scope and language", async () => {
    const tg = await start();
    const en = [{ command: "start", description: "Start" }];
    const ru = [{ command: "start", description: "Начать" }];
    await call(tg, "setMyCommands", { commands: en });
    await call(tg, "setMyCommands", {
      commands: ru,
      language_code: "ru",
      scope: { type: "all_private_chats" },
    });
    expect((await call(tg, "getMyCommands", {})).body.result).toEqual(en);
    expect(
      (await call(tg, "getMyCommands", { language_code: "ru", scope: { type: "all_private_chats" } })).body
        .result,
    ).toEqual(ru);
    expect((await call(tg, "getMyCommands", { language_code: "ru" })).body.result).toEqual([]);
    expect(tg.commands({ type: "all_private_chats" }, "ru")).toEqual(ru);
    const bad = await call(tg, "setMyCommands", { commands: [{ command: "Start!", description: "x" }] });
    expect(bad.body.description).toBe("Bad Request: BOT_COMMAND_INVALID");
    await call(tg, "deleteMyCommands", {});
    expect(tg.commands()).toBeUndefined();
  });
});

describe("fake Telegram: updates", () => {
  it("confirms updates by offset, honours limit, and gives commands a bot_command entity", async () => {
    const tg = await start();
    tg.addUser({ id: 50, first_name: "Ann", language_code: "de" });
    const u1 = tg.userSends({ chatId: 50, from: 50, text: "/start abc" });
    tg.userSends({ chatId: 50, from: 50, text: "hello" });
    tg.userSends({ chatId: 50, from: 50, text: "/status" });

    const first = await call(tg, "getUpdates", { limit: 2 });
    expect(first.body.result).toHaveLength(2);
    expect(first.body.result[0]).toEqual(u1);
    expect(first.body.result[0].message).toMatchObject({
      from: { id: 50, language_code: "de" },
      chat: { id: 50, type: "private" },
      entities: [{ type: "bot_command", offset: 0, length: 6 }],
    });
    // Unconfirmed updates come again; an offset confirms everything below it.
    expect((await call(tg, "getUpdates", {})).body.result).toHaveLength(3);
    const rest = await call(tg, "getUpdates", { offset: first.body.result[1].update_id + 1 });
    expect(rest.body.result.map((u: { message: { text: string } }) => u.message.text)).toEqual(["/status"]);
    expect(tg.pendingUpdates).toHaveLength(1);
    await call(tg, "getUpdates", { offset: rest.body.result[0].update_id + 1 });
    expect(tg.pendingUpdates).toEqual([]);
  });

  it("wakes a long poll on a new update and answers a superseded poll with 409", async () => {
    const tg = await start();
    const firstPoll = call(tg, "getUpdates", { timeout: 30 });
    await tg.waitFor(() => tg.pollPending);
    const secondPoll = call(tg, "getUpdates", { timeout: 30 });
    const conflict = await firstPoll;
    expect(conflict.status).toBe(409);
    expect(conflict.body.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    await tg.waitFor(() => tg.pollPending);
    const update = tg.userSends({ chatId: 8, from: 8, text: "hi" });
    const woke = await secondPoll;
    expect(woke.body.result).toEqual([update]);
  });

  it("ends an idle long poll after its timeout with an empty list", async () => {
    const tg = await start();
    // The protocol needs real time here; the fake accepts fractional seconds to keep it short.
    const r = await call(tg, "getUpdates", { timeout: 0.05 });
    expect(r.body).toEqual({ ok: true, result: [] });
  });

  it("refuses getUpdates while a webhook is set and reports the webhook", async () => {
    const tg = await start();
    const set = await call(tg, "setWebhook", {
      url: "https://example.com/tg",
      secret_token: "s3cr3t_-",
      allowed_updates: ["message"],
    });
    expect(set.body).toEqual({ ok: true, result: true, description: "Webhook was set" });
    expect(tg.webhook).toEqual({
      url: "https://example.com/tg",
      secretToken: "s3cr3t_-",
      allowedUpdates: ["message"],
    });
    const r = await call(tg, "getUpdates", {});
    expect(r.status).toBe(409);
    expect(r.body.description).toBe(
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
    expect((await call(tg, "getWebhookInfo")).body.result).toMatchObject({
      url: "https://example.com/tg",
      pending_update_count: 0,
    });
    expect(
      (await call(tg, "setWebhook", { url: "https://x.test", secret_token: "bad token!" })).body.description,
    ).toBe("Bad Request: secret token contains unallowed characters");
    expect((await call(tg, "deleteWebhook")).body.description).toBe("Webhook was deleted");
    expect((await call(tg, "getUpdates", {})).status).toBe(200);
  });
});

describe("fake Telegram: uploads", () => {
  it("sendVideo answers a video with duration and picture size, and checks the field types", async () => {
    const tg = await start();
    tg.addChat({ id: 9, type: "private" });
    const out = await postMultipart(`${tg.url}/bot${tg.token}/sendVideo`, [
      { name: "chat_id", value: "9" },
      { name: "duration", value: "61" },
      { name: "width", value: "1280" },
      { name: "height", value: "720" },
      { name: "supports_streaming", value: "true" },
      { name: "video", filename: "Weekly sync.mp4", size: 4096 },
    ]);
    expect(out.status).toBe(200);
    const result = JSON.parse(out.text).result;
    expect(result.video).toMatchObject({ duration: 61, width: 1280, height: 720, file_size: 4096 });
    expect(result.video.mime_type).toBe("video/mp4");
    expect(tg.sent.at(-1)).toMatchObject({ method: "sendVideo", fields: { supports_streaming: "true" } });

    const bad = await postMultipart(`${tg.url}/bot${tg.token}/sendVideo`, [
      { name: "chat_id", value: "9" },
      { name: "width", value: "12.5" },
      { name: "video", filename: "v.mp4", size: 10 },
    ]);
    expect(bad.status).toBe(400);
    const badStreaming = await postMultipart(`${tg.url}/bot${tg.token}/sendVideo`, [
      { name: "chat_id", value: "9" },
      { name: "supports_streaming", value: "yes" },
      { name: "video", filename: "v.mp4", size: 10 },
    ]);
    expect(badStreaming.status).toBe(400);
    expect(tg.sent.filter((r) => r.method === "sendVideo")).toHaveLength(1);
  });

  it("hashes a streamed multi-megabyte multipart upload and resolves attach:// and unquoted file names", async () => {
    const tg = await start();
    tg.addChat({ id: 9, type: "private" });
    const size = 6 * 1024 * 1024 + 123;
    const filename = "Weekly sync — тест (1).m4a";
    const out = await postMultipart(`${tg.url}/bot${tg.token}/sendAudio`, [
      { name: "chat_id", value: "9" },
      { name: "audio", value: "attach://f1" },
      { name: "duration", value: "3725" },
      { name: "caption", value: "Weekly sync" },
      { name: "f1", filename, size },
    ]);
    expect(out.status).toBe(200);
    const result = JSON.parse(out.text).result;
    expect(result.audio).toMatchObject({
      duration: 3725,
      file_name: filename,
      file_size: size,
      mime_type: "audio/mp4",
    });
    expect(result.audio.file_id).toEqual(expect.any(String));
    expect(result.caption).toBe("Weekly sync");

    const [rec] = tg.sent;
    expect(rec?.files).toEqual([
      {
        field: "audio",
        partName: "f1",
        filename,
        contentType: "application/octet-stream",
        size,
        sha256: out.sent[0]?.sha256,
      },
    ]);
    expect(rec?.fields).toMatchObject({ chat_id: "9", duration: "3725", audio: "attach://f1" });
    expect(rec?.caption).toBe("Weekly sync");
    expect(tg.calls.at(-1)?.bytesReceived).toBeGreaterThan(size);

    // The returned file_id can be re-sent without an upload.
    const again = await call(tg, "sendDocument", { chat_id: 9, document: result.audio.file_id });
    expect(again.body.result.document).toMatchObject({
      file_id: result.audio.file_id,
      file_size: size,
      file_name: filename,
    });
  });

  it("counts concurrent uploads", async () => {
    const tg = await start();
    tg.addChat({ id: 9, type: "private" });
    const url = `${tg.url}/bot${tg.token}/sendDocument`;
    const parts = (n: number): Part[] => [
      { name: "chat_id", value: "9" },
      { name: "document", filename: `part${n}.vtt`, size: 1024 * 1024 },
    ];
    // Each upload sends its first chunk, then waits until the fake sees all three in flight.
    const allInFlight = tg.waitFor(() => tg.stats.uploadsInFlight === 3);
    const results = await Promise.all(
      [1, 2, 3].map((n) => postMultipart(url, parts(n), { contentLength: true, gate: allInFlight })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(tg.stats.maxConcurrentUploads).toBe(3);
    expect(tg.stats.uploadsInFlight).toBe(0);
    expect(tg.sent.map((s) => s.files[0]?.sha256).sort()).toEqual(
      results.map((r) => r.sent[0]?.sha256).sort(),
    );
  });

  it("answers 413 with nginx's HTML page when the body exceeds the limit (declared or streamed)", async () => {
    const tg = await start({ uploadLimitMb: 1 });
    tg.addChat({ id: 9, type: "private" });
    const url = `${tg.url}/bot${tg.token}/sendAudio`;
    const parts: Part[] = [
      { name: "chat_id", value: "9" },
      { name: "audio", filename: "big.m4a", size: 3_000_000 },
    ];

    const declared = await postMultipart(url, parts, { contentLength: true });
    expect(declared.status).toBe(413);
    expect(declared.contentType).toBe("text/html");
    expect(declared.text).toBe(NGINX_413_HTML);
    expect(declared.text).toContain("<title>413 Request Entity Too Large</title>");

    const streamed = await postMultipart(url, parts);
    expect(streamed.status).toBe(413);
    expect(streamed.text).toBe(NGINX_413_HTML);
    const call413 = tg.calls.at(-1);
    expect(call413?.status).toBe(413);
    // It stopped processing at the limit (plus at most one read chunk).
    expect(call413?.bytesReceived).toBeLessThan(1_000_000 + 256 * 1024);
    expect(tg.sent).toEqual([]);

    // Just under the limit is fine: the limit is on the whole body, 1 MB = 1,000,000 bytes.
    const fits = await postMultipart(
      url,
      [
        { name: "chat_id", value: "9" },
        { name: "audio", filename: "ok.m4a", size: 999_000 },
      ],
      {
        contentLength: true,
      },
    );
    expect(fits.status).toBe(200);
  });

  it("rejects a caption over 1024 characters and a request without the file", async () => {
    const tg = await start();
    tg.addChat({ id: 9, type: "private" });
    const url = `${tg.url}/bot${tg.token}/sendDocument`;
    const long = await postMultipart(url, [
      { name: "chat_id", value: "9" },
      { name: "caption", value: "c".repeat(1025) },
      { name: "document", filename: "t.vtt", size: 10 },
    ]);
    expect(long.status).toBe(400);
    expect(JSON.parse(long.text).description).toBe("Bad Request: message caption is too long");
    const none = await call(tg, "sendAudio", { chat_id: 9 });
    expect(none.body.description).toBe("Bad Request: there is no audio in the request");
    const byUrl = await call(tg, "sendAudio", {
      chat_id: 9,
      audio: "https://cdn.example/rec.mp3",
      duration: 5,
    });
    expect(byUrl.body.result.audio).toMatchObject({ file_name: "rec.mp3", duration: 5 });
  });

  it("saves uploaded parts to disk only with keepFiles", async () => {
    const tg = await start({ keepFiles: true });
    tg.addChat({ id: 9, type: "private" });
    const out = await postMultipart(`${tg.url}/bot${tg.token}/sendDocument`, [
      { name: "chat_id", value: "9" },
      { name: "document", filename: "notes.txt", size: 300_000, quoteFilename: true },
    ]);
    expect(out.status).toBe(200);
    const path = tg.sent[0]?.files[0]?.path;
    expect(path).toBeTypeOf("string");
    const { readFile } = await import("node:fs/promises");
    const bytes = await readFile(path!);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(out.sent[0]?.sha256);
  });
});

describe("fake Telegram: faults", () => {
  it("injects 429 with Retry-After, then 500, 403, migrate and custom statuses, each once", async () => {
    const tg = await start();
    tg.addChat({ id: 1, type: "private" });
    tg.inject("sendMessage", { kind: "429", retryAfter: 7 });
    tg.inject("SENDMESSAGE", { kind: "500" });
    tg.inject("sendMessage", { kind: "403" });
    tg.inject("sendMessage", { kind: "migrate", newChatId: -1009 });
    tg.inject("sendMessage", {
      kind: "status",
      status: 400,
      description: "Bad Request: can't parse entities: x",
    });
    const send = () => call(tg, "sendMessage", { chat_id: 1, text: "hi" });

    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
    expect((await send()).body).toEqual({ ok: false, error_code: 500, description: "Internal Server Error" });
    expect((await send()).body.description).toBe("Forbidden: bot was blocked by the user");
    expect((await send()).body.parameters).toEqual({ migrate_to_chat_id: -1009 });
    expect((await send()).body.description).toBe("Bad Request: can't parse entities: x");
    expect((await send()).status).toBe(200);
    expect(tg.calls.map((c) => c.fault)).toEqual(["429", "500", "403", "migrate", "status", undefined]);
    expect(tg.sent).toHaveLength(1);
  });

  it("injects a 413 page, a reset while reading the body, and a hang that close() ends", async () => {
    const tg = await start();
    tg.addChat({ id: 1, type: "private" });
    const url = `${tg.url}/bot${tg.token}/sendDocument`;
    const parts: Part[] = [
      { name: "chat_id", value: "1" },
      { name: "document", filename: "a.txt", size: 200_000 },
    ];
    tg.inject("sendDocument", { kind: "413" });
    const big = await postMultipart(url, parts);
    expect(big.status).toBe(413);
    expect(big.text).toBe(NGINX_413_HTML);

    tg.inject("sendDocument", { kind: "reset" });
    await expect(postMultipart(url, parts)).rejects.toThrow();
    expect(tg.calls.at(-1)).toMatchObject({ method: "sendDocument", status: 0, fault: "reset" });

    tg.inject("sendMessage", { kind: "hang" });
    const hung = call(tg, "sendMessage", { chat_id: 1, text: "hi" });
    const settled = hung.then(
      () => "answered",
      () => "failed",
    );
    await tg.waitFor(() => tg.calls.find((c) => c.fault === "hang"));
    await tg.close();
    expect(await settled).toBe("failed");
    expect(tg.sent).toEqual([]);
  });
});

describe("fake Telegram: grammY as the client", () => {
  it("records a grammY streamed sendAudio, and surfaces 429 as GrammyError and 413 as HttpError", async () => {
    const tg = await start({ uploadLimitMb: 2 });
    tg.addChat({ id: 77, type: "private" });
    const api = new Api(tg.token, { apiRoot: tg.url });
    const data = randomBytes(1_500_000);
    const name = "2026-03-01 Weekly sync — тест.m4a";
    const msg = await api.sendAudio(
      77,
      new InputFile(Readable.from([data.subarray(0, 700_000), data.subarray(700_000)]), name),
      {
        duration: 61,
        caption: "Weekly sync",
        title: "Weekly sync",
      },
    );
    expect(msg.audio).toMatchObject({
      duration: 61,
      file_name: name,
      file_size: data.length,
      title: "Weekly sync",
    });
    const file = tg.sent[0]?.files[0];
    expect(file).toMatchObject({ field: "audio", filename: name, size: data.length });
    expect(file?.sha256).toBe(createHash("sha256").update(data).digest("hex"));

    tg.inject("sendMessage", { kind: "429", retryAfter: 3 });
    const limited = await api.sendMessage(77, "hi").catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(GrammyError);
    expect((limited as GrammyError).parameters.retry_after).toBe(3);

    const tooBig = await api
      .sendAudio(77, new InputFile(Readable.from([randomBytes(2_500_000)]), "big.m4a"))
      .catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(HttpError);
    expect(tg.calls.at(-1)?.status).toBe(413);
  });
});

describe("fake Telegram: timing (benchmarks)", () => {
  it("records when a request arrived, when its first body byte came, and when it was answered", async () => {
    let t = 1_000;
    const tg = await start({ now: () => t });
    tg.addChat({ id: 9, type: "private" });
    const body = JSON.stringify({ chat_id: 9, text: "hi" });
    const req = http.request(`${tg.url}/bot${tg.token}/sendMessage`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        expect: "100-continue",
      },
    });
    const status = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
    });
    // The fake's handler starts in the same tick as it sends `100 Continue`: its arrival is now 1000.
    await new Promise<void>((resolve) => req.once("continue", () => resolve()));
    t = 2_000;
    req.end(body);
    expect(await status).toBe(200);
    expect(tg.calls.at(-1)).toMatchObject({
      method: "sendMessage",
      startedAt: 1_000,
      firstByteAt: 2_000,
      at: 2_000,
    });

    // The message it created says when its request began arriving, and when it was accepted.
    expect(tg.sent.at(-1)).toMatchObject({ method: "sendMessage", startedAt: 1_000, at: 2_000 });

    // A request without a body has no first-byte time.
    await call(tg, "getMe", {}, "get");
    expect(tg.calls.at(-1)?.startedAt).toBe(2_000);
    expect(tg.calls.at(-1)).not.toHaveProperty("firstByteAt");
  });

  it("delays each answer by latencyMs", async () => {
    const tg = await start({ latencyMs: 40 });
    tg.addChat({ id: 9, type: "private" });
    const began = performance.now();
    const out = await call(tg, "sendMessage", { chat_id: 9, text: "slow" });
    // Timers may fire up to a millisecond early; the delay is a floor, never a ceiling.
    expect(performance.now() - began).toBeGreaterThanOrEqual(39);
    expect(out.body.ok).toBe(true);
    expect(tg.sent.map((s) => s.text)).toEqual(["slow"]);
  });
});

describe("fake Telegram: login_url buttons (reference telegram.md §10.1)", () => {
  it("opens the button's URL with Telegram's fields, hashed with SHA256(bot token) over the sorted data-check-string", async () => {
    const tg = await start({ now: () => 1_800_000_000_000 });
    tg.addChat({ id: 7, type: "private" });
    tg.addUser({ id: 7, first_name: "Ada", last_name: "L", username: "ada" });
    const kb = {
      inline_keyboard: [
        [{ text: "Log in", login_url: { url: "https://bot.example.com/zoom/connect?c=7&sig=x" } }],
      ],
    };
    expect((await call(tg, "sendMessage", { chat_id: 7, text: "go", reply_markup: kb })).status).toBe(200);
    const opened = new URL(tg.pressLoginButton({ chatId: 7, messageId: 1, from: 7 }));
    const q = opened.searchParams;
    expect(q.get("c")).toBe("7");
    expect(q.get("sig")).toBe("x");
    expect([
      q.get("id"),
      q.get("first_name"),
      q.get("last_name"),
      q.get("username"),
      q.get("auth_date"),
    ]).toEqual(["7", "Ada", "L", "ada", "1800000000"]);
    // Computed independently, exactly as Telegram documents it.
    const check = "auth_date=1800000000\nfirst_name=Ada\nid=7\nlast_name=L\nusername=ada";
    const key = createHash("sha256").update(tg.token).digest();
    expect(q.get("hash")).toBe(createHmac("sha256", key).update(check).digest("hex"));
    // Declining opens the bare URL; a domain not linked with /setdomain is refused.
    expect(tg.pressLoginButton({ chatId: 7, messageId: 1, from: 7, decline: true })).toBe(
      "https://bot.example.com/zoom/connect?c=7&sig=x",
    );
    tg.setDomain("other.example.com");
    expect(() => tg.pressLoginButton({ chatId: 7, messageId: 1, from: 7 })).toThrow("Bot domain invalid");
  });

  it("refuses a login_url button without a URL", async () => {
    const tg = await start();
    tg.addChat({ id: 7, type: "private" });
    const bad = await call(tg, "sendMessage", {
      chat_id: 7,
      text: "go",
      reply_markup: { inline_keyboard: [[{ text: "Log in", login_url: {} }]] },
    });
    expect(bad.status).toBe(400);
  });
});
