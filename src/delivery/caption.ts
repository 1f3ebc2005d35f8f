/**
 * The caption under a delivered recording: topic, start time in the Zoom user's time zone and the
 * chat's language, duration, the summary's first line when one is already stored, and "Part k/n"
 * for split recordings. Plain text sent without parse_mode (reference/telegram.md §7.7): user text
 * is never escaped into markup, only stripped of control and bidi characters, and the whole
 * caption stays within Telegram's 1024 characters (§2.1), shortening user text first.
 */
import { formatDateTime, formatDuration } from "../i18n/format.js";
import type { Locale } from "../i18n/locales.js";
import type { Translator } from "../i18n/translator.js";
import { stripControlChars, truncate } from "../telegram/text/escape.js";
import { oneLineSummary } from "../transcript/summary-text.js";

/** All a caption needs of the translator (any Translator<C> fits). */
export type TextTranslator = Pick<Translator, "t">;

/** Telegram's caption limit, in UTF-16 code units (the conservative reading, telegram.md §2.1). */
export const CAPTION_LIMIT = 1024;
/** Longest topic shown in a caption or used as the audio title. */
const TOPIC_MAX = 300;
const SUMMARY_MAX = 300;

export interface CaptionInput {
  locale: Locale;
  topic: string;
  /** ISO-8601 start of the meeting. */
  startTime?: string | null;
  /** IANA zone of the Zoom user (falls back to UTC when unknown). */
  timeZone?: string | null;
  durationSec?: number;
  /** `meetings.summary_text`, when a summary already arrived. */
  summaryText?: string | null;
  part?: { index: number; total: number };
}

/** User-supplied text made safe to show: no control or bidi characters, single spaces, trimmed. */
export function cleanUserText(text: string, max: number): string {
  const flat = stripControlChars(text).replace(/\s+/g, " ").trim();
  return truncate(flat, max);
}

/** The topic as shown (and as the audio's title); the localized "Untitled meeting" when empty. */
export function displayTopic(translator: TextTranslator, locale: Locale, topic: string): string {
  return cleanUserText(topic, TOPIC_MAX) || translator.t(locale, "meeting-untitled");
}

export function buildCaption(translator: TextTranslator, input: CaptionInput): string {
  const t = (key: string, vars?: Record<string, string | number>) => translator.t(input.locale, key, vars);
  const topic = displayTopic(translator, input.locale, input.topic);
  const lines: string[] = [];
  if (input.part) lines.push(t("delivery-part", { index: input.part.index, total: input.part.total }));
  lines.push(t("delivery-caption-topic", { topic }));
  const start = input.startTime ? Date.parse(input.startTime) : Number.NaN;
  if (!Number.isNaN(start)) {
    const date = formatDateTime(input.locale, new Date(start), input.timeZone ?? undefined);
    lines.push(t("delivery-caption-date", { date }));
  }
  if (input.durationSec !== undefined && input.durationSec > 0) {
    lines.push(t("delivery-caption-duration", { duration: formatDuration(input.locale, input.durationSec) }));
  }
  const summary = input.summaryText
    ? cleanUserText(oneLineSummary({ source: "zoom", markdown: input.summaryText }, SUMMARY_MAX), SUMMARY_MAX)
    : "";
  if (summary) lines.push(t("delivery-caption-summary", { summary }));
  // Only an absurd translation could still overflow; cut between graphemes as the last resort.
  return truncate(lines.join("\n"), CAPTION_LIMIT);
}
