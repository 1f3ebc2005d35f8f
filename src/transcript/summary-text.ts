import { formatDuration } from "./clock.js";
import { truncateUnits } from "./graphemes.js";
import { markdownToPlain } from "./markdown-to-plain.js";
import { splitSentences } from "./sentences.js";
import type { SpeakerTime } from "./speaking-time.js";

/** Where a summary came from: Zoom's AI Companion, our summary API, or `extractiveSummary`. */
export type SummarySource = "zoom" | "api" | "extractive";

/**
 * Everything a summary message can show; every field is optional because Zoom sends two shapes
 * (`summary_overview` + `summary_details` + `next_steps`, or one Markdown `summary_content`;
 * reference/zoom.md §2.4), the API returns free text (pass it as `markdown`), and the extractive
 * fallback has only sentences.
 */
export type SummaryContent = {
  source: SummarySource;
  overview?: string;
  /** Zoom's `summary_details`: `{ label, summary }` per topic. */
  sections?: ReadonlyArray<{ label: string; summary: string }>;
  nextSteps?: readonly string[];
  /** Zoom's `summary_content` or the summary API's answer. */
  markdown?: string;
  /** From `extractiveSummary`. */
  sentences?: readonly string[];
  speakers?: readonly SpeakerTime[];
};

/** Localized headings, supplied by the caller's translator. */
export type SummaryLabels = {
  /** First line, e.g. "Meeting summary". */
  heading: string;
  /** Optional second line naming the source, e.g. `{ zoom: "Zoom AI Companion" }`. */
  source?: Partial<Record<SummarySource, string>>;
  overview: string;
  /** Heading over the extractive sentences. */
  keyPoints: string;
  nextSteps: string;
  speakingTime: string;
  unknownSpeaker: string;
};

/**
 * The summary as plain text (send it without `parse_mode`; nothing in it needs escaping):
 *
 * ```text
 * Meeting summary
 * Zoom AI Companion
 *
 * Overview
 * The team agreed to release 2.4 on 12 March.
 *
 * Next steps
 * • Anna writes the release notes
 *
 * Speaking time
 * • Anna Keller — 1:10 (37%)
 * ```
 *
 * Blocks appear in this order when present: overview, sections, markdown, sentences, next steps,
 * speaking time. The result may exceed one message; split it with `splitMessage`.
 */
export function renderSummary(content: SummaryContent, labels: SummaryLabels): string {
  const blocks: string[] = [];
  const sourceLine = labels.source?.[content.source];
  blocks.push(lines([labels.heading, sourceLine]));

  const overview = cleanBlock(content.overview);
  if (overview) blocks.push(lines([labels.overview, overview]));
  for (const section of content.sections ?? []) {
    const summary = cleanBlock(section.summary);
    if (summary) blocks.push(lines([cleanLine(section.label), summary]));
  }
  const markdown = cleanBlock(content.markdown === undefined ? undefined : markdownToPlain(content.markdown));
  if (markdown) blocks.push(markdown);
  const sentences = bullets(content.sentences);
  if (sentences) blocks.push(lines([labels.keyPoints, sentences]));
  const nextSteps = bullets(content.nextSteps);
  if (nextSteps) blocks.push(lines([labels.nextSteps, nextSteps]));
  const speakers = (content.speakers ?? []).map(
    (s) =>
      `• ${cleanLine(s.speaker ?? "") || labels.unknownSpeaker} — ${formatDuration(s.ms)} (${percent(s.share)})`,
  );
  if (speakers.length > 0) blocks.push(lines([labels.speakingTime, ...speakers]));

  return blocks.filter(Boolean).join("\n\n");
}

/**
 * One line for an audio caption: the first sentence(s) of the overview, else of the first section,
 * the Markdown or API text (headings skipped), the extractive sentences or the next steps. Cut at
 * a sentence end when one fits, otherwise between graphemes with "…". Empty when there is nothing.
 *
 * @param max UTF-16 code units; default 200.
 */
export function oneLineSummary(content: SummaryContent, max = 200): string {
  const candidates = [
    content.overview,
    content.sections?.[0]?.summary,
    content.markdown === undefined ? undefined : firstProseLine(content.markdown),
    content.sentences?.join(" "),
    content.nextSteps?.[0],
  ];
  const text = candidates.map((c) => cleanLine(c ?? "")).find((c) => c !== "");
  if (text === undefined) return "";
  if (text.length <= max) return text;
  let fitted = "";
  for (const sentence of splitSentences(text)) {
    const next = fitted ? `${fitted} ${sentence}` : sentence;
    if (next.length > max) break;
    fitted = next;
  }
  return fitted || truncateUnits(text, max);
}

// Skips headings ("## Key takeaways", "Overview:", "Key points") to reach the first real sentence.
function firstProseLine(markdown: string): string | undefined {
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || /^#/.test(line) || /:$/.test(line)) continue;
    const plain = markdownToPlain(line).replace(/^•\s*/, "");
    const isShortLabel = plain.split(/\s+/).length <= 3 && !/[.!?…。]$/.test(plain);
    if (plain !== "" && !isShortLabel) return plain;
  }
  return undefined;
}

function bullets(items: readonly string[] | undefined): string {
  return (items ?? [])
    .map(cleanLine)
    .filter(Boolean)
    .map((s) => `• ${s}`)
    .join("\n");
}

function lines(parts: ReadonlyArray<string | undefined>): string {
  return parts.filter(Boolean).join("\n");
}

function percent(share: number): string {
  const value = Math.round(share * 100);
  return value === 0 && share > 0 ? "<1%" : `${value}%`;
}

// Controls become spaces (they often stand where a separator was); bidi overrides and isolates,
// which could reorder the text around them, disappear.
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;

function cleanLine(s: string): string {
  return s.replace(CONTROLS, " ").replace(BIDI, "").replace(/\s+/g, " ").trim();
}

// Keeps line structure (Zoom's section summaries have several lines) but no stray controls.
function cleanBlock(s: string | undefined): string {
  if (s === undefined) return "";
  return s
    .replace(/\r\n?/g, "\n")
    .replace(CONTROLS, " ")
    .replace(BIDI, "")
    .split("\n")
    .map((l) => l.replace(/[^\S\n]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
