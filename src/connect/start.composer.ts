/** /start (what Zoomgram does and how to begin) and /help (every command, how delivery works). */
import { Composer } from "grammy";
import type { Services } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import { findConnectionsByChatId } from "./connection.repository.js";

export function createStartComposer(services: Services): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("start", async (ctx) => {
    if (!ctx.chat) return;
    const [connection] = await findConnectionsByChatId(
      services.db.kysely,
      ctx.chat.id,
      services.config.zoom.apiBaseUrl,
    );
    await ctx.reply(connection ? ctx.t("start-connected", { email: connection.email }) : ctx.t("start-text"));
  });
  composer.command("help", async (ctx) => {
    await ctx.reply(ctx.t("help-text"));
  });
  return composer;
}
