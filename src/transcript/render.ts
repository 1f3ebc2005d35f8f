import { cleanCues, normalizeText } from "./clean-cues.js";
import { formatClock } from "./clock.js";
import type { Cue } from "./vtt.js";

export { transcriptFileName } from "./file-name.js";

export type RenderTranscriptOptions = {
  /** Meeting topic, printed as the first line. */
  title: string;
  /** Already formatted for the reader (locale and time zone applied by the caller). */
  startedAt?: string;
  labels?: { unknownSpeaker: string };
  /** A silence longer than this starts a new paragraph even for the same speaker. Default 30 s. */
  pauseMs?: number;
  /** A paragraph that would grow beyond this many characters is continued in a new one. Default 1200. */
  maxParagraphChars?: number;
};

type Paragraph = {
  startMs: number;
  endMs: number;
  speaker: string | undefined;
  parts: string[];
  length: number;
};

/**
 * Renders cues as a readable plain-text transcript:
 *
 * ```text
 * Weekly sync
 * 1 March 2026, 10:00
 *
 * [00:00:02] Anna Keller:
 * Okay, I think everyone is here. Today we need to decide …
 *
 * [00:00:15] Ben Ortiz:
 * Sounds good.
 * ```
 *
 * Noise is removed first (`cleanCues`), then consecutive cues of one speaker are merged into a
 * paragraph until the speaker changes, a pause exceeds `pauseMs`, or the paragraph would exceed
 * `maxParagraphChars`. A cue without a speaker is labelled `labels.unknownSpeaker` (default
 * "Unknown speaker"); when no cue has a speaker at all, headers carry only the time.
 */
export function renderTranscriptText(cues: readonly Cue[], options: RenderTranscriptOptions): string {
  const pauseMs = options.pauseMs ?? 30_000;
  const maxChars = options.maxParagraphChars ?? 1200;
  const unknown = options.labels?.unknownSpeaker ?? "Unknown speaker";
  const cleaned = cleanCues(cues);
  const anySpeaker = cleaned.some((c) => c.speaker !== undefined);

  const paragraphs: Paragraph[] = [];
  for (const cue of cleaned) {
    const last = paragraphs.at(-1);
    const continues =
      last !== undefined &&
      last.speaker === cue.speaker &&
      cue.startMs - last.endMs <= pauseMs &&
      last.length + 1 + cue.text.length <= maxChars;
    if (continues) {
      last.parts.push(cue.text);
      last.length += 1 + cue.text.length;
      last.endMs = Math.max(last.endMs, cue.endMs);
    } else {
      paragraphs.push({
        startMs: cue.startMs,
        endMs: cue.endMs,
        speaker: cue.speaker,
        parts: [cue.text],
        length: cue.text.length,
      });
    }
  }

  const header = [normalizeText(options.title), normalizeText(options.startedAt ?? "")]
    .filter(Boolean)
    .join("\n");
  const body = paragraphs.map((p) => {
    const who = anySpeaker ? ` ${p.speaker ?? unknown}:` : "";
    return `[${formatClock(p.startMs)}]${who}\n${p.parts.join(" ")}`;
  });
  return `${[header, ...body].filter(Boolean).join("\n\n")}\n`;
}
