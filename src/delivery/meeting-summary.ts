/**
 * The meeting summary as stored on the meeting (`meetings.summary_text` / `summary_source`) and as
 * shown in the chat. The stored text is small Markdown in every case — Zoom's summary in either
 * documented shape (reference/zoom.md §2.4), the summary API's answer, or the extractive key
 * sentences — so one renderer (markdownToPlain via renderSummary) shows all of them, and the audio
 * caption takes its one-line version with {@link summaryCaptionLine}.
 */
import { formatDuration, formatPercent } from "../i18n/format.js";
import type { Locale } from "../i18n/locales.js";
import type { TranslationVariables } from "../i18n/translator.js";
import type { SpeakerTime } from "../transcript/speaking-time.js";
import { oneLineSummary, renderSummary, type SummarySource } from "../transcript/summary-text.js";
import type { NormalizedMeetingSummary } from "../zoom/events.js";

export type { SummarySource };

export function isSummarySource(value: unknown): value is SummarySource {
  return value === "zoom" || value === "api" || value === "extractive";
}

type T = (key: string, vars?: TranslationVariables) => string;

/**
 * Zoom's summary as Markdown. Rivet's shape (`summary_overview`, `summary_details[]`,
 * `next_steps[]`) becomes headed blocks with localized headings; ZoomNet's `summary_content` is
 * Markdown already and is kept as Zoom wrote it. Undefined when the summary holds no text at all.
 */
export function zoomSummaryMarkdown(summary: NormalizedMeetingSummary, t: T): string | undefined {
  const blocks: string[] = [];
  if (summary.overview) blocks.push(`## ${t("summary-overview")}\n${summary.overview}`);
  for (const section of summary.sections) {
    blocks.push(section.label ? `## ${oneLine(section.label)}\n${section.text}` : section.text);
  }
  if (summary.markdown) blocks.push(summary.markdown);
  if (summary.nextSteps.length > 0) {
    blocks.push(
      `## ${t("summary-next-steps")}\n${summary.nextSteps.map((s) => `- ${oneLine(s)}`).join("\n")}`,
    );
  }
  const text = blocks.join("\n\n").trim();
  return text === "" ? undefined : text;
}

/** The extractive key sentences as the Markdown list that is stored, under a "Key points" heading. */
export function extractiveMarkdown(sentences: readonly string[], heading?: string): string | undefined {
  const list = sentences
    .map(oneLine)
    .filter(Boolean)
    .map((s) => `- ${s}`)
    .join("\n");
  if (list === "") return undefined;
  return heading ? `## ${oneLine(heading)}\n${list}` : list;
}

/**
 * One line of a stored summary for the audio caption: the first real sentence(s), at most `max`
 * UTF-16 units, "" when there is none. This is the function the caption should use on
 * `meetings.summary_text`.
 */
export function summaryCaptionLine(
  text: string | null | undefined,
  source: string | null | undefined,
  max = 200,
): string {
  if (!text) return "";
  return oneLineSummary({ source: isSummarySource(source) ? source : "api", markdown: text }, max);
}

/**
 * The summary message (plain text; split it with splitMessage): heading with the topic, where it
 * came from, the summary, and — when a transcript was at hand — speaking time per speaker with
 * durations and shares formatted by Intl in the chat's locale.
 */
export function renderSummaryMessage(input: {
  text: string;
  source: SummarySource;
  topic: string;
  speakers?: readonly SpeakerTime[];
  locale: Locale;
  t: T;
}): string {
  const { t, locale } = input;
  const body = renderSummary(
    { source: input.source, markdown: input.text },
    {
      heading: t("summary-header", { topic: oneLine(input.topic) }),
      source: {
        zoom: t("summary-source-zoom"),
        api: t("summary-source-generated"),
        extractive: t("summary-source-generated"),
      },
      overview: t("summary-overview"),
      keyPoints: t("summary-key-points"),
      nextSteps: t("summary-next-steps"),
      speakingTime: t("summary-speaking-time"),
      unknownSpeaker: t("transcript-unknown-speaker"),
    },
  );
  const speakers = (input.speakers ?? []).map(
    (s) =>
      `• ${t("summary-speaking-time-item", {
        speaker: oneLine(s.speaker ?? "") || t("transcript-unknown-speaker"),
        duration: formatDuration(locale, s.ms / 1000),
        share: formatPercent(locale, s.share),
      })}`,
  );
  if (speakers.length === 0) return body;
  return `${body}\n\n${t("summary-speaking-time")}\n${speakers.join("\n")}`;
}

// Names and labels are one line; stray controls and bidi overrides go (they could reorder text).
function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")
    .replace(/[\u202A-\u202E\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}
