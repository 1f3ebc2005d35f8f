/**
 * What a chat chose in /settings, stored per chat (table `chat_settings`). Each choice is stored
 * only once the chat made it: an unset column means "the environment default", so a chat that never
 * chose gets {@link defaultChatSettings} (src/settings/default-chat-settings.ts), and a chat that
 * changed one toggle still follows the operator's defaults for the rest.
 *
 * Where deliveries go (a forum topic, a channel) is here too, apart from `ChatSettings`: see
 * {@link getChatDestination}.
 *
 * A group that became a supergroup takes its row along ({@link moveChatSettings}); reads and writes
 * under the old id follow the move (`currentChatId`), so work queued for the old id sees what the
 * chat chose.
 */

import type { Updateable } from "kysely";
import type { Executor } from "../db/database.js";
import type { ChatSettingsTable } from "../db/schema.js";
import { currentChatId } from "../telegram/chat.repository.js";

type SettingsColumns = Omit<Updateable<ChatSettingsTable>, "chat_id" | "created_at" | "updated_at">;

export type TopicFilterMode = "all" | "contains" | "excludes";

export interface ChatParts {
  audio: boolean;
  video: boolean;
  transcript: boolean;
  summary: boolean;
  /** Zoom's in-meeting chat file. */
  chat: boolean;
}

export interface ChatSettings {
  parts: ChatParts;
  topicFilter: { mode: TopicFilterMode; phrase: string | null };
  trashAfterDelivery: boolean;
}

export interface ChatSettingsPatch {
  parts?: Partial<ChatParts>;
  topicFilter?: { mode: TopicFilterMode; phrase: string | null };
  trashAfterDelivery?: boolean;
}

export const PART_NAMES = ["audio", "video", "transcript", "summary", "chat"] as const;
export type PartName = (typeof PART_NAMES)[number];

const PART_COLUMNS = {
  audio: "part_audio",
  video: "part_video",
  transcript: "part_transcript",
  summary: "part_summary",
  chat: "part_chat",
} as const satisfies Record<PartName, keyof ChatSettingsTable>;

/** Longest topic phrase kept (a filter, not a document). */
export const TOPIC_PHRASE_MAX = 100;

function flag(value: number | null, fallback: boolean): boolean {
  return value === null ? fallback : Number(value) === 1;
}

function isMode(value: string | null): value is TopicFilterMode {
  return value === "all" || value === "contains" || value === "excludes";
}

/** The chat's settings: what it chose, the defaults for everything it did not. */
export async function getChatSettings(
  db: Executor,
  chatId: number,
  defaults: ChatSettings,
): Promise<ChatSettings> {
  const row = await findSettingsRow(db, await currentChatId(db, chatId));
  if (!row) return structuredClone(defaults);
  const parts = { ...defaults.parts };
  for (const name of PART_NAMES) parts[name] = flag(row[PART_COLUMNS[name]], defaults.parts[name]);
  const mode = isMode(row.topic_mode) ? row.topic_mode : undefined;
  const topicFilter =
    mode === undefined
      ? { ...defaults.topicFilter }
      : mode === "all" || !row.topic_phrase
        ? { mode: "all" as const, phrase: null }
        : { mode, phrase: row.topic_phrase };
  return {
    parts,
    topicFilter,
    trashAfterDelivery: flag(row.trash_after_delivery, defaults.trashAfterDelivery),
  };
}

/** Stores the choices in `patch` (the others keep following the defaults). */
export async function updateChatSettings(
  db: Executor,
  chatId: number,
  patch: ChatSettingsPatch,
  now: number,
): Promise<void> {
  const set: SettingsColumns = {};
  for (const name of PART_NAMES) {
    const value = patch.parts?.[name];
    if (value !== undefined) set[PART_COLUMNS[name]] = value ? 1 : 0;
  }
  if (patch.topicFilter) {
    const phrase = patch.topicFilter.phrase?.trim().slice(0, TOPIC_PHRASE_MAX) || null;
    const mode = phrase === null ? "all" : patch.topicFilter.mode;
    set.topic_mode = mode;
    set.topic_phrase = mode === "all" ? null : phrase;
  }
  if (patch.trashAfterDelivery !== undefined) set.trash_after_delivery = patch.trashAfterDelivery ? 1 : 0;
  await upsertSettingsRow(db, chatId, set, now);
}

function findSettingsRow(db: Executor, chatId: number) {
  return db.selectFrom("chat_settings").selectAll().where("chat_id", "=", chatId).executeTakeFirst();
}

/** Writes under the id the chat has now (a write for a migrated group lands on its supergroup). */
async function upsertSettingsRow(
  db: Executor,
  chatId: number,
  set: SettingsColumns,
  now: number,
): Promise<void> {
  const current = await currentChatId(db, chatId);
  await db
    .insertInto("chat_settings")
    .values({ chat_id: current, ...set, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column("chat_id").doUpdateSet({ ...set, updated_at: now }))
    .execute();
}

/** Whether a meeting with this topic passes the chat's filter (case-insensitive substring). */
export function topicPasses(filter: ChatSettings["topicFilter"], topic: string | null | undefined): boolean {
  if (filter.mode === "all" || !filter.phrase) return true;
  const contains = (topic ?? "").toLocaleLowerCase().includes(filter.phrase.toLocaleLowerCase());
  return filter.mode === "contains" ? contains : !contains;
}

/** Where a chat's deliveries go. */
export interface ChatDestination {
  /** A channel or group picked in /settings; null: the chat itself. */
  chatId: number | null;
  /** Forum topic in the destination (message_thread_id); null: none or General. */
  threadId: number | null;
  title: string | null;
  /** Why deliveries are paused (topic closed or deleted, channel lost); null: not paused. */
  pausedReason: string | null;
}

export async function getChatDestination(db: Executor, chatId: number): Promise<ChatDestination> {
  const row = await findSettingsRow(db, await currentChatId(db, chatId));
  return {
    chatId: row?.destination_chat_id == null ? null : Number(row.destination_chat_id),
    threadId: row?.destination_thread_id == null ? null : Number(row.destination_thread_id),
    title: row?.destination_title ?? null,
    pausedReason: row?.destination_paused_reason ?? null,
  };
}

/** Sets where deliveries go (and lifts any pause: a new destination is a fresh start). */
export async function setChatDestination(
  db: Executor,
  chatId: number,
  destination: { chatId: number | null; threadId: number | null; title: string | null },
  now: number,
): Promise<void> {
  await upsertSettingsRow(
    db,
    chatId,
    {
      destination_chat_id: destination.chatId,
      destination_thread_id: destination.threadId,
      destination_title: destination.title,
      destination_paused_reason: null,
    },
    now,
  );
}

/** The destination stopped accepting posts: deliveries wait until an administrator picks again. */
export async function pauseChatDestination(
  db: Executor,
  chatId: number,
  reason: string,
  now: number,
): Promise<void> {
  await upsertSettingsRow(db, chatId, { destination_paused_reason: reason.slice(0, 500) }, now);
}

/** Remembers, on a private chat, which chat's destination its `request_chat` button picks for. */
export async function setDestinationRequest(
  db: Executor,
  privateChatId: number,
  forChatId: number,
  now: number,
): Promise<void> {
  await upsertSettingsRow(db, privateChatId, { destination_request_for: forChatId }, now);
}

/** The chat a `chat_shared` in this private chat picks for (the private chat itself if none). */
export async function takeDestinationRequest(
  db: Executor,
  privateChatId: number,
  now: number,
): Promise<number> {
  const row = await db
    .selectFrom("chat_settings")
    .select("destination_request_for")
    .where("chat_id", "=", privateChatId)
    .executeTakeFirst();
  if (row?.destination_request_for == null) return privateChatId;
  await upsertSettingsRow(db, privateChatId, { destination_request_for: null }, now);
  return Number(row.destination_request_for);
}

/** The columns a chat chose (everything but its key and times). */
const CHOICE_COLUMNS = [
  "part_audio",
  "part_video",
  "part_transcript",
  "part_summary",
  "part_chat",
  "topic_mode",
  "topic_phrase",
  "trash_after_delivery",
  "destination_chat_id",
  "destination_thread_id",
  "destination_title",
  "destination_paused_reason",
  "destination_request_for",
] as const satisfies ReadonlyArray<keyof SettingsColumns>;

/** The settings columns that name another chat: the destination, and the one being picked. */
const CHAT_REFERENCE_COLUMNS = [
  "destination_chat_id",
  "destination_request_for",
] as const satisfies ReadonlyArray<keyof SettingsColumns>;

/**
 * A group became a supergroup (`fromId` → `toId`): its settings row moves to the new id (a choice
 * the supergroup already made wins over the group's), and every chat that delivers into the group,
 * or is picking it as its destination, points at the new id.
 */
export async function moveChatSettings(
  db: Executor,
  fromId: number,
  toId: number,
  now: number,
): Promise<void> {
  const [from, to] = await Promise.all([findSettingsRow(db, fromId), findSettingsRow(db, toId)]);
  if (from && !to) {
    await db
      .updateTable("chat_settings")
      .set({ chat_id: toId, updated_at: now })
      .where("chat_id", "=", fromId)
      .execute();
  } else if (from && to) {
    const set: SettingsColumns = {};
    for (const column of CHOICE_COLUMNS)
      if (to[column] === null) Object.assign(set, { [column]: from[column] });
    await db
      .updateTable("chat_settings")
      .set({ ...set, updated_at: now })
      .where("chat_id", "=", toId)
      .execute();
    await db.deleteFrom("chat_settings").where("chat_id", "=", fromId).execute();
  }
  for (const column of CHAT_REFERENCE_COLUMNS) {
    await db
      .updateTable("chat_settings")
      .set({ [column]: toId, updated_at: now })
      .where(column, "=", fromId)
      .execute();
  }
}
