/**
 * Telegram's service messages of a group that became a supergroup: `migrate_to_chat_id` in the old
 * group, `migrate_from_chat_id` in the new supergroup. Either one moves the chat (its row,
 * connections, settings and destinations; src/settings/chat-migration.ts); the second finds the
 * move done and changes nothing.
 */
import { Composer } from "grammy";
import type { Services } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import { moveMigratedChat } from "./chat-migration.js";

export function createChatMigrationComposer(services: Services): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const move = async (fromId: number, toId: number) => {
    await moveMigratedChat(services.db, fromId, toId, services.clock.now());
    services.logger.info({ from: fromId, to: toId }, "group became a supergroup; its settings moved along");
  };
  composer.on("message:migrate_to_chat_id", async (ctx, next) => {
    await move(ctx.chat.id, ctx.message.migrate_to_chat_id);
    await next();
  });
  composer.on("message:migrate_from_chat_id", async (ctx, next) => {
    await move(ctx.message.migrate_from_chat_id, ctx.chat.id);
    await next();
  });
  return composer;
}
