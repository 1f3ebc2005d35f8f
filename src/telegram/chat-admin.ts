/**
 * Who may change what a group receives: in a group only its administrators may connect or
 * disconnect Zoom or change the group's language (issue #3). Private chats belong to their user.
 */
import type { BotContext } from "./context.js";

export async function isChatAdmin(ctx: BotContext): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat || chat.type === "private") return true;
  // An anonymous administrator writes as the group itself.
  if (ctx.message?.sender_chat?.id === chat.id) return true;
  if (!ctx.from) return false;
  const member = await ctx.api.getChatMember(chat.id, ctx.from.id);
  return member.status === "creator" || member.status === "administrator";
}

/** Whether `userId` administers `chatId` right now (asked of Telegram, never cached). */
export async function isAdministratorNow(
  api: { getChatMember(chatId: number, userId: number): Promise<{ status: string }> },
  chatId: number,
  userId: number,
): Promise<boolean> {
  const member = await api.getChatMember(chatId, userId);
  return member.status === "creator" || member.status === "administrator";
}

/** Whether the sender may change the chat; when not, says so in a reply (for commands and messages). */
export async function isChatAdminOrReply(ctx: BotContext): Promise<boolean> {
  if (await isChatAdmin(ctx)) return true;
  await ctx.reply(ctx.t("error-group-admin-only"));
  return false;
}

/** Whether the sender may change the chat; when not, says so in an alert (for button presses). */
export async function isChatAdminOrAlert(ctx: BotContext): Promise<boolean> {
  if (await isChatAdmin(ctx)) return true;
  await ctx.answerCallbackQuery({ text: ctx.t("error-group-admin-only"), show_alert: true });
  return false;
}
