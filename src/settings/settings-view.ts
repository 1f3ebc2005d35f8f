/**
 * The /settings message: its text (what the chat chose, in the chat's language) and its inline
 * keyboard. One message, edited in place on each press; the same lines appear in /status.
 * Callback data is `zg:set:<action>[:<value>]` (at most 64 bytes, as Telegram requires).
 */
import { InlineKeyboard } from "grammy";
import { LOCALE_NAMES, type Locale } from "../i18n/locales.js";
import type { ChatDestination, ChatSettings, PartName } from "./chat-settings.repository.js";

export const SETTINGS_PREFIX = "zg:set:";

type T = (key: string, vars?: Record<string, string | number>) => string;

const PART_ROWS: ReadonlyArray<readonly PartName[]> = [
  ["audio", "video"],
  ["transcript", "summary"],
  ["chat"],
];

const partLabel = (t: T, part: PartName) => t(`settings-part-${part}`);

/** The lines describing the chat's choices (also shown by /status). */
export function settingsLines(t: T, settings: ChatSettings, destination: ChatDestination): string[] {
  const parts = PART_ROWS.flat()
    .filter((part) => settings.parts[part])
    .map((part) => partLabel(t, part));
  const filter = settings.topicFilter;
  const lines = [
    t("settings-parts", { parts: parts.length > 0 ? parts.join(", ") : t("settings-parts-none") }),
    filter.mode === "all" || !filter.phrase
      ? t("settings-meetings-all")
      : t(`settings-meetings-${filter.mode}`, { phrase: filter.phrase }),
    t(settings.trashAfterDelivery ? "settings-trash-on" : "settings-trash-off"),
    destinationLine(t, destination),
  ];
  if (destination.pausedReason !== null) {
    lines.push(t("settings-destination-paused", { reason: destination.pausedReason }));
  }
  return lines;
}

export function destinationLine(t: T, destination: ChatDestination): string {
  if (destination.chatId !== null) {
    return t("settings-destination-chat", { title: destination.title ?? String(destination.chatId) });
  }
  return t(destination.threadId !== null ? "settings-destination-topic" : "settings-destination-here");
}

export function settingsText(
  t: T,
  settings: ChatSettings,
  destination: ChatDestination,
  locale: Locale,
): string {
  return [
    t("settings-title"),
    "",
    ...settingsLines(t, settings, destination),
    t("settings-language", { language: LOCALE_NAMES[locale].name }),
    "",
    t("settings-trash-explain"),
  ].join("\n");
}

export function settingsKeyboard(t: T, settings: ChatSettings, destination: ChatDestination): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const row of PART_ROWS) {
    for (const part of row) {
      const label = t(settings.parts[part] ? "settings-button-on" : "settings-button-off", {
        part: partLabel(t, part),
      });
      keyboard.text(label, `${SETTINGS_PREFIX}part:${part}`);
    }
    keyboard.row();
  }
  const mode = settings.topicFilter.phrase ? settings.topicFilter.mode : "all";
  for (const choice of ["all", "contains", "excludes"] as const) {
    const label = t(`settings-button-${choice}`);
    keyboard.text(
      choice === mode ? t("settings-button-selected", { label }) : label,
      `${SETTINGS_PREFIX}topic:${choice}`,
    );
  }
  keyboard.row();
  keyboard
    .text(
      t(settings.trashAfterDelivery ? "settings-button-trash-on" : "settings-button-trash-off"),
      `${SETTINGS_PREFIX}trash`,
    )
    .row();
  keyboard.text(t("settings-button-destination"), `${SETTINGS_PREFIX}dest:pick`);
  if (destination.chatId !== null || destination.threadId !== null || destination.pausedReason !== null) {
    keyboard.text(t("settings-button-destination-here"), `${SETTINGS_PREFIX}dest:here`);
  }
  keyboard.row();
  keyboard.text(t("settings-button-language"), `${SETTINGS_PREFIX}lang`);
  return keyboard;
}
