/** Locales with a complete `.ftl` file in `./locales`; `en` is the source and the fallback. */
export const SUPPORTED_LOCALES = ["en", "ru", "es", "de", "pt", "fr"] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "en";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * Maps an IETF language tag (Telegram's `language_code`, a stored preference, an
 * `Accept-Language` entry) to a supported locale: `pt-BR` → `pt`, `de_AT` → `de`,
 * anything unknown or empty → `en`. Only the base language matters because each
 * language ships in one variant.
 */
export function resolveLocale(languageCode?: string | null): Locale {
  if (!languageCode) return DEFAULT_LOCALE;
  const base = languageCode.trim().toLowerCase().split(/[-_]/, 1)[0];
  return isLocale(base) ? base : DEFAULT_LOCALE;
}

export interface LocaleName {
  /** The language's name in that language, so people recognise their own. */
  readonly name: string;
  readonly flag: string;
  /** `flag + " " + name`, ready for a /language keyboard button. */
  readonly label: string;
}

function localeName(flag: string, name: string): LocaleName {
  return { name, flag, label: `${flag} ${name}` };
}

// Portuguese is written in its Brazilian variant (most Portuguese-speaking
// Telegram users), hence the Brazilian flag.
export const LOCALE_NAMES: Readonly<Record<Locale, LocaleName>> = {
  en: localeName("🇬🇧", "English"),
  ru: localeName("🇷🇺", "Русский"),
  es: localeName("🇪🇸", "Español"),
  de: localeName("🇩🇪", "Deutsch"),
  pt: localeName("🇧🇷", "Português"),
  fr: localeName("🇫🇷", "Français"),
};
