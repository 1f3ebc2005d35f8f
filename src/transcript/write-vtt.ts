/**
 * Cues back to WebVTT: how a transcript made by speech to text is stored, so it goes through the
 * same parser, renderer and summary as Zoom's (`Speaker: text` when a speaker is known).
 */
import type { Cue } from "./vtt.js";

export function writeVtt(cues: readonly Cue[]): string {
  const blocks = cues.map((cue, i) => {
    const text = cue.text.replace(/\s+/g, " ").replace(/-->/g, "→").trim();
    const line = cue.speaker ? `${cue.speaker}: ${text}` : text;
    return `${i + 1}\n${timestamp(cue.startMs)} --> ${timestamp(Math.max(cue.startMs, cue.endMs))}\n${line}`;
  });
  return `WEBVTT\n\n${blocks.join("\n\n")}\n`;
}

function timestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const frac = total % 1000;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(m)}:${two(s)}.${String(frac).padStart(3, "0")}`;
}
