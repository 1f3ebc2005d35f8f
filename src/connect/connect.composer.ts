/**
 * /connect: a `login_url` button (reference telegram.md §10.1) whose URL is the signed connect link
 * (chat id, Telegram user id, expiry of 15 minutes, the chat's language). Telegram adds the signed
 * identity of whoever presses it, and /zoom/connect goes on only for the user who asked (in a
 * group: an administrator at that moment). The operator links PUBLIC_URL's domain to the bot with
 * BotFather's /setdomain. An anonymous administrator cannot be told apart from the others, so is
 * asked to send /connect under their own name.
 */
import { Composer, InlineKeyboard } from "grammy";
import type { Services } from "../services.js";
import { isChatAdminOrReply } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";
import { CONNECT_LINK_MAX_TTL_SECONDS, signConnectParams } from "./connect-link.js";
import { findConnectionsByChatId } from "./connection.repository.js";

/** The connect link for a chat and user, valid for the maximum 15 minutes from `nowMs`. */
export function connectLink(
  services: Services,
  input: { chatId: number; userId: number; locale: string },
  nowMs: number,
) {
  const params = signConnectParams(
    {
      chatId: input.chatId,
      userId: input.userId,
      expiresAt: Math.floor(nowMs / 1000) + CONNECT_LINK_MAX_TTL_SECONDS,
      locale: input.locale,
    },
    services.config.stateSecret,
  );
  return `${services.config.http.publicUrl.replace(/\/+$/, "")}/zoom/connect?${params.toString()}`;
}

export function createConnectComposer(
  services: Services,
  deps: { onConnect: ReadonlyArray<(ctx: BotContext) => Promise<void>> } = { onConnect: [] },
): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("connect", async (ctx) => {
    const chat = ctx.chat;
    const from = ctx.from;
    if (!chat || !from || chat.type === "channel") return;
    if (!(await isChatAdminOrReply(ctx))) return;
    if (ctx.message?.sender_chat !== undefined) {
      await ctx.reply(ctx.t("connect-anonymous-admin"));
      return;
    }
    const url = connectLink(
      services,
      { chatId: chat.id, userId: from.id, locale: ctx.locale ?? "en" },
      services.clock.now(),
    );
    const connections = await findConnectionsByChatId(
      services.db.kysely,
      chat.id,
      services.config.zoom.apiBaseUrl,
    );
    const mine =
      connections.find((c) => c.telegramUserId === from.id) ??
      (chat.type === "private" ? connections[0] : undefined);
    const text = mine
      ? ctx.t("connect-already-connected", { email: mine.email })
      : ctx.t("connect-prompt", { minutes: CONNECT_LINK_MAX_TTL_SECONDS / 60 });
    const label = ctx.t(mine ? "connect-button-reconnect" : "connect-button");
    await ctx.reply(text, { reply_markup: new InlineKeyboard().login(label, { url }) });
    for (const hook of deps.onConnect) await hook(ctx);
  });
  return composer;
}
