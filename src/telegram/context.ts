import type { Context } from "grammy";
import type { Locale } from "../i18n/locales.js";
import type { TranslatorFlavor } from "../i18n/translator.js";

/** The bot's context: grammY's, plus ctx.t from the translator's middleware and the locale we resolved. */
export type BotContext = Context & TranslatorFlavor & { locale?: Locale };
