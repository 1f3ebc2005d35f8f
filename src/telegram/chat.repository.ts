/**
 * Telegram users and chats: who we talk to, in which language, and whether a chat can receive
 * messages right now (paused when the bot was blocked or kicked; moved when a group became a
 * supergroup).
 */

import type { Insertable } from "kysely";
import type { Executor } from "../db/database.js";
import type { ChatRow, ChatsTable, UserRow } from "../db/schema.js";
import { type Locale, resolveLocale } from "../i18n/locales.js";

export interface TelegramUserInput {
  id: number;
  username?: string | undefined;
  first_name?: string | undefined;
  language_code?: string | undefined;
}

/** Records a user; their locale starts from Telegram's language_code and is kept once chosen. */
export async function upsertTelegramUser(
  db: Executor,
  user: TelegramUserInput,
  now: number,
): Promise<UserRow> {
  await db
    .insertInto("users")
    .values({
      telegram_user_id: user.id,
      username: user.username ?? null,
      first_name: user.first_name ?? null,
      language_code: user.language_code ?? null,
      locale: resolveLocale(user.language_code),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column("telegram_user_id").doUpdateSet({
        username: user.username ?? null,
        first_name: user.first_name ?? null,
        language_code: user.language_code ?? null,
        updated_at: now,
      }),
    )
    .execute();
  return db.selectFrom("users").selectAll().where("telegram_user_id", "=", user.id).executeTakeFirstOrThrow();
}

export async function findTelegramUser(db: Executor, id: number): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("telegram_user_id", "=", id).executeTakeFirst();
}

export async function setUserLocale(db: Executor, id: number, locale: Locale, now: number): Promise<void> {
  await db.updateTable("users").set({ locale, updated_at: now }).where("telegram_user_id", "=", id).execute();
}

export interface ChatInput {
  id: number;
  type: string;
  title?: string | undefined;
}

/** A chat as it is first recorded: active, never moved. */
function newChat(chat: ChatInput, locale: string, now: number): Insertable<ChatsTable> {
  return {
    chat_id: chat.id,
    type: chat.type,
    title: chat.title ?? null,
    locale,
    status: "active",
    status_reason: null,
    migrated_to: null,
    created_at: now,
    updated_at: now,
  };
}

/** Records a chat (locale given for a new chat only); reactivates it if it was paused. */
export async function upsertChat(
  db: Executor,
  chat: ChatInput,
  locale: Locale,
  now: number,
): Promise<ChatRow> {
  await db
    .insertInto("chats")
    .values(newChat(chat, locale, now))
    .onConflict((oc) =>
      oc.column("chat_id").doUpdateSet({ type: chat.type, title: chat.title ?? null, updated_at: now }),
    )
    .execute();
  return db.selectFrom("chats").selectAll().where("chat_id", "=", chat.id).executeTakeFirstOrThrow();
}

export async function findChat(db: Executor, chatId: number): Promise<ChatRow | undefined> {
  return db.selectFrom("chats").selectAll().where("chat_id", "=", chatId).executeTakeFirst();
}

/** The id a chat has now: follows `migrated_to` (a group that became a supergroup; a loop is cut). */
export async function currentChatId(db: Executor, chatId: number): Promise<number> {
  let current = chatId;
  for (let hops = 0; hops < 5; hops++) {
    const row = await db
      .selectFrom("chats")
      .select(["status", "migrated_to"])
      .where("chat_id", "=", current)
      .executeTakeFirst();
    if (row?.status !== "migrated" || row.migrated_to === null) return current;
    current = Number(row.migrated_to);
  }
  return current;
}

export async function setChatLocale(
  db: Executor,
  chatId: number,
  locale: Locale,
  now: number,
): Promise<void> {
  await db.updateTable("chats").set({ locale, updated_at: now }).where("chat_id", "=", chatId).execute();
}

/** The locale to speak in a chat: the chat's (set from whoever connected it), else English. */
export async function chatLocale(db: Executor, chatId: number): Promise<Locale> {
  const row = await db.selectFrom("chats").select("locale").where("chat_id", "=", chatId).executeTakeFirst();
  return resolveLocale(row?.locale);
}

/** The bot was blocked or kicked: stop sending there until the chat talks to us again. */
export async function pauseChat(db: Executor, chatId: number, reason: string, now: number): Promise<void> {
  await db
    .updateTable("chats")
    .set({ status: "paused", status_reason: reason.slice(0, 500), updated_at: now })
    .where("chat_id", "=", chatId)
    .execute();
}

export async function reactivateChat(db: Executor, chatId: number, now: number): Promise<void> {
  await db
    .updateTable("chats")
    .set({ status: "active", status_reason: null, updated_at: now })
    .where("chat_id", "=", chatId)
    .where("status", "=", "paused")
    .execute();
}

/**
 * A group became a supergroup: the old id is dead. Record the move, create the new chat row (in
 * the old one's language), and point every connection that delivered to the old id at the new one.
 * The chat's settings move with it (src/settings/chat-migration.ts does both in one transaction).
 */
export async function migrateChat(db: Executor, fromId: number, toId: number, now: number): Promise<void> {
  const old = await findChat(db, fromId);
  // Already recorded (both service messages arrive, and a send may meet the 400 too): nothing to do.
  if (old?.status === "migrated" && Number(old.migrated_to) === toId) return;
  await db
    .insertInto("chats")
    .values(
      newChat({ id: toId, type: "supergroup", title: old?.title ?? undefined }, old?.locale ?? "en", now),
    )
    // The supergroup's own service message (`migrate_from_chat_id`) may have created its row first,
    // in the language of whoever was there: the chat keeps the language it had.
    .onConflict((oc) =>
      old
        ? oc.column("chat_id").doUpdateSet({ locale: old.locale, updated_at: now })
        : oc.column("chat_id").doNothing(),
    )
    .execute();
  await db
    .updateTable("chats")
    .set({ status: "migrated", migrated_to: toId, updated_at: now })
    .where("chat_id", "=", fromId)
    .execute();
  await db
    .updateTable("zoom_connections")
    .set({ chat_id: toId, updated_at: now })
    .where("chat_id", "=", fromId)
    .execute();
}
