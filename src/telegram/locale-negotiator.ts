/**
 * Which language to answer an update in: in a private chat the user's (their /language choice,
 * first taken from Telegram's language_code); in a group the chat's, set by /language or by
 * whoever connected it. Falls back to the sender's language_code, then English.
 */
import type { Executor } from "../db/database.js";
import { type Locale, resolveLocale } from "../i18n/locales.js";
import { findChat, findTelegramUser } from "./chat.repository.js";
import type { BotContext } from "./context.js";

export async function negotiateLocale(db: Executor, ctx: BotContext): Promise<Locale> {
  const chat = ctx.chat;
  const from = ctx.from;
  let stored: string | undefined;
  if (chat && chat.type !== "private") stored = (await findChat(db, chat.id))?.locale;
  if (stored === undefined && from) stored = (await findTelegramUser(db, from.id))?.locale;
  const locale = resolveLocale(stored ?? from?.language_code);
  ctx.locale = locale;
  return locale;
}
