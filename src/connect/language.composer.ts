/**
 * /language: one button per supported language. The choice is stored for the user (their private
 * chat) and for the chat (a group's deliveries); in a group only an administrator may change it.
 */
import { Composer, InlineKeyboard } from "grammy";
import { isLocale, LOCALE_NAMES, type Locale, SUPPORTED_LOCALES } from "../i18n/locales.js";
import type { Services } from "../services.js";
import { setChatLocale, setUserLocale } from "../telegram/chat.repository.js";
import { isChatAdminOrAlert, isChatAdminOrReply } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";

const CHOICE = /^zg:lang:([a-z]{2})$/;

/** One button per language; `prefix` + the code is each button's callback data (default /language's). */
export function languageKeyboard(prefix = "zg:lang:"): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  SUPPORTED_LOCALES.forEach((locale, index) => {
    keyboard.text(LOCALE_NAMES[locale].label, `${prefix}${locale}`);
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard;
}

/**
 * Stores a language choice for the user (private chat) and the chat, and speaks it from now on.
 * The caller has checked that the person may change it (an administrator in a group); /settings
 * uses the same function.
 */
export async function chooseLanguage(
  services: Services,
  ctx: BotContext,
  chat: { id: number; type: string },
  userId: number,
  locale: Locale,
): Promise<void> {
  const now = services.clock.now();
  if (chat.type === "private") await setUserLocale(services.db.kysely, userId, locale, now);
  await setChatLocale(services.db.kysely, chat.id, locale, now);
  ctx.i18n.useLocale(locale);
  ctx.locale = locale;
}

export function createLanguageComposer(services: Services): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const choose = (ctx: BotContext, chat: { id: number; type: string }, userId: number, locale: Locale) =>
    chooseLanguage(services, ctx, chat, userId, locale);

  composer.command("language", async (ctx) => {
    // `/language de` sets it at once; a bare /language (or an unknown code) shows the buttons.
    const wanted = ctx.match.trim().toLowerCase();
    if (ctx.chat && ctx.from && isLocale(wanted)) {
      if (!(await isChatAdminOrReply(ctx))) return;
      await choose(ctx, ctx.chat, ctx.from.id, wanted);
      await ctx.reply(ctx.t("language-changed", { language: LOCALE_NAMES[wanted].name }));
      return;
    }
    await ctx.reply(ctx.t("language-prompt"), { reply_markup: languageKeyboard() });
  });

  composer.callbackQuery(CHOICE, async (ctx) => {
    const chat = ctx.chat;
    const locale = ctx.match[1];
    if (!chat || !isLocale(locale)) {
      await ctx.answerCallbackQuery();
      return;
    }
    if (!(await isChatAdminOrAlert(ctx))) return;
    await choose(ctx, chat, ctx.from.id, locale);
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.t("language-changed", { language: LOCALE_NAMES[locale].name }));
  });
  return composer;
}
