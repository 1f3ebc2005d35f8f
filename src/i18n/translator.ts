import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import { I18n, type LocaleNegotiator, type Warning } from "@grammyjs/i18n";
import type { Context } from "grammy";
import { formatDateTime } from "./format.js";
import { DEFAULT_LOCALE, isLocale, type Locale, resolveLocale } from "./locales.js";

export type TranslationVariables = Readonly<Record<string, string | number | Date>>;

export interface Translator<C extends Context = Context> {
  /**
   * The message `key` in `locale`, else in English, else `key` itself: a missing
   * translation must never stop a delivery. Dates passed directly are shown in UTC;
   * pass `formatDateTime(locale, date, zone)` to show the Zoom user's zone.
   */
  t(locale: Locale, key: string, vars?: TranslationVariables): string;
  /** The grammY plugin (`bot.use(translator.i18n)`, then `ctx.t(key, vars)`), same files and options. */
  readonly i18n: I18n<C>;
  /** Every message id of the English source, sorted. */
  keys(): string[];
}

export interface TranslatorOptions<C extends Context = Context> {
  /** Folder holding `<locale>.ftl` files. Default: the `locales` folder next to this module. */
  directory?: string;
  /** Receives missing keys and formatting errors (missing variables). Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Chooses the locale of an update for the bot middleware, e.g. from a stored
   * /language choice. Default: the sender's Telegram `language_code` via `resolveLocale`.
   */
  localeNegotiator?: LocaleNegotiator<C>;
}

/** `src/i18n/locales` (or the same folder next to a compiled file). No trailing slash: the plugin's loader needs none. */
export const DEFAULT_LOCALES_DIRECTORY = fileURLToPath(new URL("locales", import.meta.url));

export function createTranslator<C extends Context = Context>(
  opts: TranslatorOptions<C> = {},
): Translator<C> {
  const directory = resolve(opts.directory ?? DEFAULT_LOCALES_DIRECTORY);
  const warn = opts.onWarning ?? ((message: string) => console.warn(message));
  // Isolation marks (U+2068/U+2069) around every placeable would end up inside
  // Telegram entities and links and break them (reference/telegram.md §5.7).
  const bundleOptions = { useIsolating: false };

  const bundles = new Map<Locale, FluentBundle>();
  let sourceKeys: string[] = [];
  for (const file of readdirSync(directory)) {
    if (extname(file) !== ".ftl") continue;
    const locale = basename(file, ".ftl");
    if (!isLocale(locale)) continue;
    const resource = new FluentResource(readFileSync(join(directory, file), "utf8"));
    const bundle = new FluentBundle(locale, bundleOptions);
    for (const error of bundle.addResource(resource)) warn(`i18n: ${file}: ${error.message}`);
    bundles.set(locale, bundle);
    if (locale === DEFAULT_LOCALE) {
      sourceKeys = resource.body
        .map((entry) => entry.id)
        .filter((id) => !id.startsWith("-"))
        .sort();
    }
  }
  const fallback = bundles.get(DEFAULT_LOCALE);
  if (!fallback) throw new Error(`i18n: no ${DEFAULT_LOCALE}.ftl in ${directory}`);

  const i18n = new I18n<C>({
    defaultLocale: DEFAULT_LOCALE,
    directory,
    fluentBundleOptions: bundleOptions,
    fluentOptions: { warningHandler: (warning) => warn(`i18n: ${describeWarning(warning)}`) },
    localeNegotiator: opts.localeNegotiator ?? ((ctx) => resolveLocale(ctx.from?.language_code)),
  });

  function t(locale: Locale, key: string, vars?: TranslationVariables): string {
    let bundle = bundles.get(locale) ?? fallback!;
    let message = bundle.getMessage(key);
    if (!message?.value && bundle !== fallback) {
      message = fallback!.getMessage(key);
      if (message?.value) warn(`i18n: "${key}" is missing in ${locale}, using ${DEFAULT_LOCALE}`);
      bundle = fallback!;
    }
    if (!message?.value) {
      warn(`i18n: unknown message "${key}"`);
      return key;
    }
    const errors: Error[] = [];
    const text = bundle.formatPattern(message.value, toFluentArgs(locale, vars), errors);
    for (const error of errors) warn(`i18n: ${locale} "${key}": ${error.message}`);
    return text;
  }

  return { t, i18n, keys: () => [...sourceKeys] };
}

function toFluentArgs(
  locale: Locale,
  vars?: TranslationVariables,
): Record<string, FluentVariable> | undefined {
  if (!vars) return undefined;
  const args: Record<string, FluentVariable> = {};
  for (const [name, value] of Object.entries(vars)) {
    // Fluent's own Date formatting prints only the date, in the server's zone.
    args[name] = value instanceof Date ? formatDateTime(locale, value) : value;
  }
  return args;
}

function describeWarning(warning: Warning): string {
  const where = "bundle" in warning ? warning.bundle.locales.join(",") : warning.locales.join(",");
  return `"${warning.path}" is missing in ${where}`;
}
