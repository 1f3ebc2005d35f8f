/**
 * Reads a transcription answer in each `response_format` an OpenAI-compatible server may send:
 * `verbose_json` (segments with start/end seconds), `json` and `text` (no timings: one segment
 * spanning the piece), `srt` and `vtt` (cues). Times are milliseconds from the piece's start.
 */
import { z } from "zod";
import { parseJsonOrUndefined } from "../json.js";
import { parseVtt } from "../transcript/vtt.js";

export type SpeechResponseFormat = "json" | "text" | "srt" | "verbose_json" | "vtt";

export const SPEECH_RESPONSE_FORMATS: readonly SpeechResponseFormat[] = [
  "json",
  "text",
  "srt",
  "verbose_json",
  "vtt",
];

export interface SpeechSegment {
  startMs: number;
  endMs: number;
  text: string;
}

const Verbose = z.looseObject({
  text: z.string().optional(),
  language: z.string().optional(),
  segments: z.array(z.looseObject({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

/** Undefined when the body is not what `format` promises. */
export function parseTranscription(
  format: SpeechResponseFormat,
  body: string,
  durationMs: number,
): { segments: SpeechSegment[]; language?: string } | undefined {
  const whole = (text: string): SpeechSegment[] => {
    const clean = text.replace(/\s+/g, " ").trim();
    return clean === "" ? [] : [{ startMs: 0, endMs: Math.max(0, Math.round(durationMs)), text: clean }];
  };
  switch (format) {
    case "text":
      return { segments: whole(body) };
    case "srt":
    case "vtt":
      return {
        segments: parseVtt(format === "srt" ? `WEBVTT\n\n${body}` : body).map((c) => ({
          startMs: c.startMs,
          endMs: c.endMs,
          text: c.speaker ? `${c.speaker}: ${c.text}` : c.text,
        })),
      };
    case "json":
    case "verbose_json": {
      const json = parseJsonOrUndefined(body);
      if (json === undefined) return undefined;
      const parsed = Verbose.safeParse(json);
      if (!parsed.success) return undefined;
      const { segments, text, language } = parsed.data;
      const lang = language ? { language } : {};
      if (segments && segments.length > 0) {
        return {
          ...lang,
          segments: segments
            .map((s) => ({
              startMs: Math.max(0, Math.round(s.start * 1000)),
              endMs: Math.max(0, Math.round(s.end * 1000)),
              text: s.text.replace(/\s+/g, " ").trim(),
            }))
            .filter((s) => s.text !== ""),
        };
      }
      if (text === undefined) return undefined;
      return { ...lang, segments: whole(text) };
    }
  }
}
