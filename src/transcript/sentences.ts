/**
 * Sentence splitting and word tokenizing for transcript text in the bot's six languages. Zoom's
 * recognizer punctuates its output, so terminal punctuation followed by whitespace is a reliable
 * boundary; decimals ("version 2.4") and common abbreviations are not boundaries.
 */

const ABBREVIATIONS = new Set([
  "e.g",
  "i.e",
  "etc",
  "vs",
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "approx",
  "z.b",
  "bzw",
  "usw",
  "ca",
  "d.h",
  "т.е",
  "т.д",
  "т.п",
  "др",
  "г",
  "sr",
  "sra",
  "p.ej",
  "mme",
  "env",
  "cf",
]);

const BOUNDARY = /[.!?…。！？]+["'»”’)\]]*(?=\s|$)/g;

/** Splits text into trimmed, non-empty sentences. Text without terminal punctuation is one sentence. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(BOUNDARY)) {
    const end = m.index + m[0].length;
    if (m[0].startsWith(".") && isAbbreviation(text.slice(start, m.index))) continue;
    push(out, text.slice(start, end));
    start = end;
  }
  push(out, text.slice(start));
  return out;
}

function push(out: string[], sentence: string): void {
  const trimmed = sentence.trim();
  if (trimmed !== "") out.push(trimmed);
}

// The word right before a period: an abbreviation from the list, or a single-letter initial ("J.").
function isAbbreviation(before: string): boolean {
  const word = /(\S+)$/.exec(before)?.[1]?.toLowerCase();
  if (word === undefined) return false;
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word);
}

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
// French elision: "l'équipe" counts as "équipe".
const ELISION = /^(?:l|d|j|n|s|c|m|t|qu)'(?=\p{L})/u;

/** Lowercased words, apostrophes normalized to `'`, French elisions removed. */
export function words(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(WORD), (m) => m[0].replace(/’/g, "'").replace(ELISION, ""));
}
