/**
 * Remembers who talks to the bot and where: users (their language) and chats (type, title,
 * language), so later messages — deliveries, "connected", "deauthorized" — speak the right
 * language. A chat that paused deliveries (bot blocked) is active again once it writes to us.
 */
import { Composer } from "grammy";
import { resolveLocale } from "../i18n/locales.js";
import type { Services } from "../services.js";
import { reactivateChat, upsertChat, upsertTelegramUser } from "../telegram/chat.repository.js";
import type { BotContext } from "../telegram/context.js";

export function createTrackChatComposer(services: Services): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on(["message", "callback_query"], async (ctx, next) => {
    const chat = ctx.chat;
    const from = ctx.from;
    if (chat && chat.type !== "channel") {
      const db = services.db.kysely;
      const now = services.clock.now();
      if (from && !from.is_bot) await upsertTelegramUser(db, from, now);
      const title = "title" in chat ? chat.title : undefined;
      await upsertChat(
        db,
        { id: chat.id, type: chat.type, title },
        ctx.locale ?? resolveLocale(from?.language_code),
        now,
      );
      await reactivateChat(db, chat.id, now);
    }
    await next();
  });
  return composer;
}
