/**
 * The bot's command menu (setMyCommands), one list per locale, descriptions from `cmd-<name>` in
 * the locale files. The commands come from the features that handle them (`FeatureParts.commands`).
 */
import type { Api } from "grammy";
import { SUPPORTED_LOCALES } from "../i18n/locales.js";
import type { Translator } from "../i18n/translator.js";

/** Default list (English, for languages without their own) plus one list per supported locale. */
export async function registerBotCommands(
  api: Api,
  translator: Pick<Translator, "transient">,
  commands: readonly string[],
): Promise<void> {
  // Rendered once in all six locales: the bundles of those no user speaks are dropped after.
  const { t } = translator.transient();
  const list = (locale: (typeof SUPPORTED_LOCALES)[number]) =>
    commands.map((command) => ({
      command,
      description: t(locale, `cmd-${command}`).slice(0, 256),
    }));
  await api.setMyCommands(list("en"));
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(list(locale), { language_code: locale });
  }
}
