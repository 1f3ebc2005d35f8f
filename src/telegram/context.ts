import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Locale } from "../i18n/locales.js";

/** The bot's context: grammY's, plus ctx.t from the i18n plugin and the locale we resolved. */
export type BotContext = Context & I18nFlavor & { locale?: Locale };
