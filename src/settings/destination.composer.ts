/**
 * Where a chat's deliveries go (issue #15, reference/telegram.md §10.2–10.3):
 *
 * - `/connect` sent by an administrator inside a forum topic makes that topic the destination
 *   (sent in General: the General topic, addressed by omitting `message_thread_id`).
 * - From /settings an administrator picks a channel or group with a reply-keyboard
 *   `request_chat` button. Telegram offers those in private chats only, so for a group the
 *   button goes to the administrator's private chat, which remembers which chat it picks for.
 *   When the `chat_shared` arrives the bot checks, with getChatMember, that it may post there
 *   (in a channel: an administrator with `can_post_messages`) and that the person administers
 *   both chats, and says plainly what is missing when not.
 */
import { Composer, GrammyError, Keyboard } from "grammy";
import type { ChatMember } from "grammy/types";
import type { Services } from "../services.js";
import { isChatAdmin } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";
import {
  setChatDestination,
  setDestinationRequest,
  takeDestinationRequest,
} from "./chat-settings.repository.js";

/** request_id of the two buttons (any 32-bit number; the pending target is stored, not encoded). */
export const REQUEST_CHANNEL = 1501;
export const REQUEST_GROUP = 1502;

export function createDestinationComposer(services: Services): {
  composer: Composer<BotContext>;
  pickDestination(ctx: BotContext, chat: { id: number; type: string; title?: string }): Promise<void>;
  onConnectCommand(ctx: BotContext): Promise<void>;
} {
  const composer = new Composer<BotContext>();

  composer.on("message:chat_shared", async (ctx) => {
    const shared = ctx.message.chat_shared;
    if (ctx.chat.type !== "private") return;
    if (shared.request_id !== REQUEST_CHANNEL && shared.request_id !== REQUEST_GROUP) return;
    await saveSharedChat(services, ctx, shared, { here: ctx.chat.id, userId: ctx.from.id });
  });

  // The Cancel button of the reply keyboard: remove it.
  composer.on("message:text", async (ctx, next) => {
    if (ctx.chat.type !== "private" || ctx.message.text !== ctx.t("settings-destination-cancel"))
      return next();
    await takeDestinationRequest(services.db.kysely, ctx.chat.id, services.clock.now());
    await ctx.reply(ctx.t("settings-destination-cancelled"), { reply_markup: { remove_keyboard: true } });
  });

  return {
    composer,
    pickDestination: (ctx, chat) => pickDestination(services, ctx, chat),
    onConnectCommand: (ctx) => onConnectCommand(services, ctx),
  };
}

function pickKeyboard(ctx: BotContext): Keyboard {
  return new Keyboard()
    .requestChat(ctx.t("settings-destination-pick-channel"), REQUEST_CHANNEL, {
      chat_is_channel: true,
      request_title: true,
    })
    .row()
    .requestChat(ctx.t("settings-destination-pick-group"), REQUEST_GROUP, {
      chat_is_channel: false,
      bot_is_member: true,
      request_title: true,
    })
    .row()
    .text(ctx.t("settings-destination-cancel"))
    .oneTime()
    .resized();
}

/** The settings button: a request_chat keyboard in this private chat, or the presser's private chat. */
async function pickDestination(
  services: Services,
  ctx: BotContext,
  chat: { id: number; type: string; title?: string },
): Promise<void> {
  const db = services.db.kysely;
  const now = services.clock.now();
  const userId = ctx.from?.id;
  if (userId === undefined) return;
  if (chat.type === "private") {
    await setDestinationRequest(db, chat.id, chat.id, now);
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("settings-destination-pick"), { reply_markup: pickKeyboard(ctx) });
    return;
  }
  try {
    await ctx.api.sendMessage(
      userId,
      ctx.t("settings-destination-pick-for", { chat: chat.title ?? String(chat.id) }),
      {
        reply_markup: pickKeyboard(ctx),
      },
    );
  } catch (error) {
    if (!(error instanceof GrammyError) || error.error_code !== 403) throw error;
    await ctx.answerCallbackQuery({ text: ctx.t("settings-destination-need-private"), show_alert: true });
    return;
  }
  await setDestinationRequest(db, userId, chat.id, now);
  await ctx.answerCallbackQuery({ text: ctx.t("settings-destination-sent-private"), show_alert: true });
}

/** The chat picked with the request_chat keyboard: checked, stored as the destination, both chats told. */
async function saveSharedChat(
  services: Services,
  ctx: BotContext,
  shared: { request_id: number; chat_id: number; title?: string },
  /** The private chat it was picked in, and who picked it. */
  by: { here: number; userId: number },
): Promise<void> {
  const db = services.db.kysely;
  const { here, userId } = by;
  const now = services.clock.now();
  const forChatId = await takeDestinationRequest(db, here, now);
  const title = shared.title ?? (await chatTitle(ctx, shared.chat_id)) ?? String(shared.chat_id);
  const remove = { reply_markup: { remove_keyboard: true as const } };
  const problem = await destinationProblem(ctx, {
    forChatId,
    sharedChatId: shared.chat_id,
    userId,
    channel: shared.request_id === REQUEST_CHANNEL,
  });
  if (problem) {
    await ctx.reply(ctx.t(problem, { title, chat: await chatName(ctx, forChatId) }), remove);
    return;
  }
  await setChatDestination(db, forChatId, { chatId: shared.chat_id, threadId: null, title }, now);
  const origin = await chatName(ctx, forChatId);
  await ctx.reply(ctx.t("settings-destination-set", { chat: origin, title }), remove);
  if (forChatId !== here) {
    await ctx.api
      .sendMessage(forChatId, ctx.t("settings-destination-set-notice", { title }))
      .catch((error: unknown) => {
        services.logger.info({ err: String(error), chatId: forChatId }, "could not tell the chat");
      });
  }
}

/** Why the picked chat cannot be the destination (a locale key), or undefined when it can. */
async function destinationProblem(
  ctx: BotContext,
  input: { forChatId: number; sharedChatId: number; userId: number; channel: boolean },
): Promise<string | undefined> {
  const bot = await memberOf(ctx, input.sharedChatId, ctx.me.id);
  if (!bot || bot.status === "left" || bot.status === "kicked") return "settings-destination-bot-missing";
  if (!canPost(bot, input.channel)) return "settings-destination-bot-cannot-post";
  const person = await memberOf(ctx, input.sharedChatId, input.userId);
  if (!isAdmin(person)) return "settings-destination-not-admin";
  if (input.forChatId !== ctx.chat?.id) {
    const origin = await memberOf(ctx, input.forChatId, input.userId);
    if (!isAdmin(origin)) return "settings-destination-not-admin-of-origin";
  }
  return undefined;
}

/** After an administrator's /connect (connect's hook): a forum topic becomes the destination. */
async function onConnectCommand(services: Services, ctx: BotContext): Promise<void> {
  const chat = ctx.chat;
  const message = ctx.message;
  if (chat?.type !== "supergroup" || !chat.is_forum || !message) return;
  if (!(await isChatAdmin(ctx))) return;
  const threadId = message.is_topic_message ? (message.message_thread_id ?? null) : null;
  await setChatDestination(
    services.db.kysely,
    chat.id,
    { chatId: null, threadId, title: null },
    services.clock.now(),
  );
  if (threadId !== null) await ctx.reply(ctx.t("settings-destination-topic-set"));
}

async function memberOf(ctx: BotContext, chatId: number, userId: number): Promise<ChatMember | undefined> {
  try {
    return await ctx.api.getChatMember(chatId, userId);
  } catch (error) {
    // Not in the chat (400 chat not found, 403 not a member / kicked): no membership to speak of.
    if (error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403))
      return undefined;
    throw error;
  }
}

function isAdmin(member: ChatMember | undefined): boolean {
  return member?.status === "creator" || member?.status === "administrator";
}

/** In a channel only an administrator with can_post_messages posts; in a group any member who may write. */
function canPost(member: ChatMember, channel: boolean): boolean {
  if (member.status === "creator") return true;
  if (member.status === "administrator") return channel ? member.can_post_messages === true : true;
  if (channel) return false;
  if (member.status === "restricted") return member.can_send_messages;
  return member.status === "member";
}

async function chatTitle(ctx: BotContext, chatId: number): Promise<string | undefined> {
  try {
    const chat = await ctx.api.getChat(chatId);
    return "title" in chat && chat.title ? chat.title : undefined;
  } catch (error) {
    if (error instanceof GrammyError) return undefined;
    throw error;
  }
}

async function chatName(ctx: BotContext, chatId: number): Promise<string> {
  if (chatId === ctx.chat?.id) return ctx.t("settings-this-chat");
  return (await chatTitle(ctx, chatId)) ?? String(chatId);
}
