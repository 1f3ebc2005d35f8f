import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import type { Context, MiddlewareFn } from "grammy";
import { formatDateTime } from "./format.js";
import { DEFAULT_LOCALE, isLocale, type Locale, resolveLocale } from "./locales.js";

export type TranslationVariables = Readonly<Record<string, string | number | Date>>;

/** What the bot middleware (`Translator.i18n`) adds to each update's context. */
export interface TranslatorFlavor {
  /** The message `key` in this update's locale, with the same fallbacks as `Translator.t`. */
  t(key: string, vars?: TranslationVariables): string;
  readonly i18n: {
    /** Speaks `locale` for the rest of this update (after a /language choice). */
    useLocale(locale: string): void;
  };
}

/** Chooses an update's locale (e.g. a stored /language choice); an unknown tag means English. */
export type LocaleNegotiator<C extends Context = Context> = (ctx: C) => string | Promise<string>;

export interface Translator<C extends Context = Context> {
  /**
   * The message `key` in `locale`, else in English, else `key` itself: a missing
   * translation must never stop a delivery. Dates passed directly are shown in UTC;
   * pass `formatDateTime(locale, date, zone)` to show the Zoom user's zone.
   */
  t(locale: Locale, key: string, vars?: TranslationVariables): string;
  /**
   * The bot middleware (`bot.use(translator.i18n)`, then `ctx.t(key, vars)`): negotiates each
   * update's locale, then translates with `t` above (the same bundles).
   */
  readonly i18n: MiddlewareFn<C & TranslatorFlavor>;
  /** Every message id of the English source, sorted. */
  keys(): string[];
  /**
   * A `t` for texts rendered once in every locale (the bot menu at start-up): a locale no one has
   * spoken yet is parsed into a cache of its own, dropped with it, so the process keeps only the
   * bundles of the languages its users speak.
   */
  transient(): Pick<Translator, "t">;
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

/** `src/i18n/locales` (or the same folder next to a compiled file). */
export const DEFAULT_LOCALES_DIRECTORY = fileURLToPath(new URL("locales", import.meta.url));

/**
 * English (the source and the fallback) is parsed at once; every other locale when it is first
 * spoken, so a process holds the bundles of the languages its users speak, not all six.
 */
export function createTranslator<C extends Context = Context>(
  opts: TranslatorOptions<C> = {},
): Translator<C> {
  const directory = resolve(opts.directory ?? DEFAULT_LOCALES_DIRECTORY);
  const warn = opts.onWarning ?? ((message: string) => console.warn(message));
  const negotiate: LocaleNegotiator<C> =
    opts.localeNegotiator ?? ((ctx) => resolveLocale(ctx.from?.language_code));

  const files = new Map<Locale, string>();
  for (const file of readdirSync(directory)) {
    const locale = basename(file, ".ftl");
    if (extname(file) === ".ftl" && isLocale(locale)) files.set(locale, file);
  }
  // Isolation marks (U+2068/U+2069) around every placeable would end up inside
  // Telegram entities and links and break them (reference/telegram.md §5.7).
  const bundleOptions = { useIsolating: false };
  const bundles = new Map<Locale, FluentBundle>();
  function parse(
    locale: Locale,
    file: string,
    cache: Map<Locale, FluentBundle>,
  ): { bundle: FluentBundle; resource: FluentResource } {
    const resource = new FluentResource(readFileSync(join(directory, file), "utf8"));
    const bundle = new FluentBundle(locale, bundleOptions);
    for (const error of bundle.addResource(resource)) warn(`i18n: ${file}: ${error.message}`);
    cache.set(locale, bundle);
    return { bundle, resource };
  }

  const sourceFile = files.get(DEFAULT_LOCALE);
  if (!sourceFile) throw new Error(`i18n: no ${DEFAULT_LOCALE}.ftl in ${directory}`);
  const source = parse(DEFAULT_LOCALE, sourceFile, bundles);
  const fallback = source.bundle;
  const sourceKeys = source.resource.body
    .map((entry) => entry.id)
    .filter((id) => !id.startsWith("-"))
    .sort();

  /** The bundle of `locale`: the process's own, else one parsed into `cache`. */
  function bundleFor(locale: Locale, cache: Map<Locale, FluentBundle>): FluentBundle {
    const bundle = bundles.get(locale) ?? cache.get(locale);
    if (bundle) return bundle;
    const file = files.get(locale);
    return file ? parse(locale, file, cache).bundle : fallback;
  }

  const t = (locale: Locale, key: string, vars?: TranslationVariables) =>
    translate(bundles, locale, key, vars);

  function translate(
    cache: Map<Locale, FluentBundle>,
    locale: Locale,
    key: string,
    vars?: TranslationVariables,
  ): string {
    let bundle = isLocale(locale) ? bundleFor(locale, cache) : fallback;
    let message = bundle.getMessage(key);
    if (!message?.value && bundle !== fallback) {
      message = fallback.getMessage(key);
      if (message?.value) warn(`i18n: "${key}" is missing in ${locale}, using ${DEFAULT_LOCALE}`);
      bundle = fallback;
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

  const i18n: MiddlewareFn<C & TranslatorFlavor> = async (ctx, next) => {
    let locale = resolveLocale(await negotiate(ctx));
    const flavor: TranslatorFlavor = {
      t: (key, vars) => t(locale, key, vars),
      i18n: {
        useLocale: (wanted) => {
          locale = resolveLocale(wanted);
        },
      },
    };
    Object.assign(ctx, flavor);
    await next();
  };

  function transient(): Pick<Translator, "t"> {
    const cache = new Map<Locale, FluentBundle>();
    return { t: (locale, key, vars) => translate(cache, locale, key, vars) };
  }

  return { t, i18n, keys: () => [...sourceKeys], transient };
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
