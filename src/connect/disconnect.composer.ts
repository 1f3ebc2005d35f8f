/**
 * /disconnect asks first (one confirmation per Zoom account connected to the chat), then revokes
 * our access at Zoom and deletes the tokens and that Zoom user's data. In a group only an
 * administrator may do it; the button's connection id is checked against the chat it was pressed in.
 */
import { Composer, InlineKeyboard } from "grammy";
import type { Services } from "../services.js";
import { isChatAdminOrAlert, isChatAdminOrReply } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";
import { findConnectionById, findConnectionsByChatId } from "./connection.repository.js";
import { disconnectZoomUser } from "./disconnect.js";
import type { TokenService } from "./token-service.js";

const CONFIRM = /^zg:disc:y:(\d{1,15})$/;
const CANCEL = "zg:disc:n";

export function createDisconnectComposer(
  services: Services,
  deps: { tokens: TokenService },
): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const apiBase = services.config.zoom.apiBaseUrl;

  composer.command("disconnect", async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    if (!(await isChatAdminOrReply(ctx))) return;
    const connections = await findConnectionsByChatId(services.db.kysely, chat.id, apiBase, {
      includeBroken: true,
    });
    if (connections.length === 0) {
      await ctx.reply(ctx.t("disconnect-nothing"));
      return;
    }
    for (const connection of connections) {
      await ctx.reply(ctx.t("disconnect-confirm", { email: connection.email }), {
        reply_markup: new InlineKeyboard()
          .text(ctx.t("disconnect-button-confirm"), `zg:disc:y:${connection.id}`)
          .text(ctx.t("disconnect-button-cancel"), CANCEL),
      });
    }
  });

  composer.callbackQuery(CONFIRM, async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    if (!(await isChatAdminOrAlert(ctx))) return;
    const id = Number(ctx.match[1]);
    const connection = await findConnectionById(services.db.kysely, id, apiBase);
    if (!connection || connection.chatId !== chat.id) {
      // Already disconnected (a second press), or a button that does not belong to this chat.
      await ctx.answerCallbackQuery({ text: ctx.t("disconnect-nothing") });
      return;
    }
    // Answer the button at once: the revocation may take a few seconds if Zoom is slow.
    await ctx.answerCallbackQuery();
    const { revocation } = await disconnectZoomUser(services, deps.tokens, connection.zoomUserId);
    await ctx.editMessageText(
      ctx.t(revocation === "local_only" ? "disconnect-done-local-only" : "disconnect-done"),
    );
  });

  composer.callbackQuery(CANCEL, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("disconnect-cancelled"));
  });
  return composer;
}
