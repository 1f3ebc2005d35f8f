import type { Cue } from "./vtt.js";

/**
 * Removes the noise speech recognition leaves in Zoom transcripts before anything is rendered or
 * summarized: filler-only cues ("Um.", "Uh."), and the repeated fragments Zoom emits when it
 * re-segments a sentence (the tail of one cue repeated as the next cue, or a cue that restates and
 * extends the previous one). Only consecutive cues of the same speaker are compared, so two people
 * saying the same thing are both kept.
 */
export function cleanCues(cues: readonly Cue[]): Cue[] {
  const out: Cue[] = [];
  for (const cue of cues) {
    const text = normalizeText(cue.text);
    if (text === "" || isFillerOnly(text)) continue;
    const current: Cue = { ...cue, text };
    const prev = out.at(-1);
    if (!prev || prev.speaker !== current.speaker) {
      out.push(current);
      continue;
    }
    const merged = mergeRepeat(prev, current);
    if (merged) out[out.length - 1] = merged;
    else out.push(current);
  }
  return out;
}

// Whitespace collapsed; control characters (other than the spaces they collapse into) dropped,
// because transcripts end up in files and messages where they would garble the display.
export function normalizeText(s: string): string {
  return s
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")
    .replace(/[\u202A-\u202E\u2066-\u2069\u200B]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

// Hesitation sounds in the six languages the bot speaks (en, ru, es, de, pt, fr). Words that are
// also real words ("so", "like", "ну", "este", "é") are not here: removing them changes meaning.
const FILLER =
  /^(?:u+h*m+|u+h+|e+r+m*|a+h+|h+m+|m+-?h*m+|uh-?huh|mm-?hmm|ä+h+m*|ö+h*m+|e+h+|e+m+|e+u+h+|h+e+u+|h+u+m+|h+ã+|a+h+n+|э+м*|м+|х+м+|а+м+)$/iu;

/**
 * True when every word of the text is a hesitation sound ("Um.", "Uh, hmm…", "Ähm"), or when the
 * text has no letters or digits at all ("...", "-").
 */
export function isFillerOnly(text: string): boolean {
  if (!/[\p{L}\p{N}]/u.test(text)) return true;
  const words = text.toLowerCase().match(/[\p{L}\p{M}\p{N}-]+/gu) ?? [];
  // "uh-huh" is one filler; "э-э" and "uh-um" are fillers joined by a hyphen.
  return words.every((w) => FILLER.test(w) || w.split("-").every((part) => part === "" || FILLER.test(part)));
}

/** Minimum overlap, in words, for a shared tail/head to count as a re-segmentation artefact. */
const MIN_OVERLAP_WORDS = 3;

function mergeRepeat(prev: Cue, next: Cue): Cue | undefined {
  const a = comparableWords(prev.text);
  const b = comparableWords(next.text);
  const aJoined = a.join(" ");
  const bJoined = b.join(" ");
  const extend = (text: string): Cue => ({ ...prev, text, endMs: Math.max(prev.endMs, next.endMs) });
  // Next restates something already said (exact repeat, or a repeated fragment of 3+ words).
  if (aJoined === bJoined || (b.length >= MIN_OVERLAP_WORDS && ` ${aJoined} `.includes(` ${bJoined} `))) {
    return extend(prev.text);
  }
  // Next restates the whole previous cue and goes on: keep only the longer version.
  if (a.length >= MIN_OVERLAP_WORDS && bJoined.startsWith(`${aJoined} `)) return extend(next.text);
  // The tail of prev is repeated at the head of next: append only what is new.
  for (let k = Math.min(a.length, b.length - 1); k >= MIN_OVERLAP_WORDS; k--) {
    if (a.slice(-k).join(" ") === b.slice(0, k).join(" ")) {
      const rest = next.text.split(" ").slice(k).join(" ");
      return extend(`${prev.text} ${rest}`);
    }
  }
  return undefined;
}

// One entry per space-separated token (so indices line up with `text.split(" ")`), lowercased and
// without punctuation, so "night." and "night" compare equal.
function comparableWords(text: string): string[] {
  return text.split(" ").map((w) => w.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]/gu, ""));
}
