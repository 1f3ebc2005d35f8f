/**
 * Splits long text into Telegram messages. `sendMessage.text` allows 4096 characters
 * (reference/telegram.md §2.1); whether Telegram counts code points or UTF-16 code units is
 * unconfirmed, so we count UTF-16 code units (JS `.length`), which is never less than the number of
 * code points: a chunk that fits here fits there.
 */

export const TELEGRAM_MESSAGE_LIMIT = 4096;

type BoundaryFinder = (window: string) => number[];

// Each finder returns the candidate cut offsets within the window, in increasing order. A cut at
// offset i means the chunk is window[0, i); whitespace around a cut is dropped.
const PARAGRAPH: BoundaryFinder = (w) => matchOffsets(w, /\n[^\S\n]*\n/g, false);
const LINE: BoundaryFinder = (w) => matchOffsets(w, /\n/g, false);
// After terminal punctuation (and closing quotes/brackets) that is followed by whitespace.
const SENTENCE: BoundaryFinder = (w) => matchOffsets(w, /[.!?…。！？]+["'»”’)\]]*(?=\s)/g, true);
const WORD: BoundaryFinder = (w) => matchOffsets(w, /\s/g, false);

const FINDERS: readonly BoundaryFinder[] = [PARAGRAPH, LINE, SENTENCE, WORD];

function matchOffsets(window: string, re: RegExp, atEnd: boolean): number[] {
  const out: number[] = [];
  for (const m of window.matchAll(re)) {
    out.push(atEnd ? m.index + m[0].length : m.index);
  }
  return out;
}

const WHITESPACE = /\s/;

/**
 * Splits `text` into chunks of at most `max` UTF-16 code units. Prefers, in order, paragraph
 * breaks, line breaks, sentence ends and spaces; a preferred boundary is only taken when it keeps
 * the chunk at least half full, so one early blank line does not produce a tiny message. A word
 * longer than `max` is cut between grapheme clusters (never inside a surrogate pair, and not
 * between a letter and its combining marks).
 *
 * Whitespace at each cut is dropped; everything else is kept in order, so the chunks joined with
 * the dropped whitespace reproduce the text. Blank text yields no chunks (Telegram rejects empty
 * messages).
 *
 * @param max chunk size in UTF-16 code units, at least 2 (one code point); default 4096.
 */
export function splitMessage(text: string, max: number = TELEGRAM_MESSAGE_LIMIT): string[] {
  if (!Number.isInteger(max) || max < 2) {
    throw new RangeError(`splitMessage: max must be an integer >= 2, got ${max}`);
  }
  const chunks: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (text.length - pos <= max) {
      const last = text.slice(pos);
      if (last.trim() !== "") chunks.push(last);
      break;
    }
    let contentStart = pos;
    while (contentStart < text.length && WHITESPACE.test(text[contentStart]!)) contentStart++;
    if (contentStart > pos) {
      // Whitespace that starts a chunk is dropped, as at every cut: it must not take the room of
      // the first code point (a surrogate pair after one space in a 2-unit chunk).
      pos = contentStart;
      continue;
    }
    const cut = findCut(text, pos, contentStart, max);
    chunks.push(text.slice(pos, cut).trimEnd());
    pos = cut;
    while (pos < text.length && WHITESPACE.test(text[pos]!)) pos++;
  }
  return chunks;
}

function findCut(text: string, pos: number, contentStart: number, max: number): number {
  // One extra unit so a whitespace right after a full chunk still counts as a boundary.
  const window = text.slice(pos, pos + max + 1);
  const minContent = contentStart - pos;
  for (const minOffset of [Math.floor(max / 2), minContent + 1]) {
    for (const find of FINDERS) {
      const offsets = find(window).filter((i) => i <= max && i > minContent && i >= minOffset);
      const best = offsets.at(-1);
      if (best !== undefined) return pos + best;
    }
  }
  return hardCut(text, pos + minContent, pos + max);
}

let segmenter: Intl.Segmenter | undefined;

// Largest grapheme boundary in (from, limit]. Segmenting only a short stretch around the limit keeps
// this cheap on long words; grapheme rules look at a few neighbouring code points only, so a
// 64-unit lead-in is enough except for pathological clusters, which fall back to code points.
function hardCut(text: string, from: number, limit: number): number {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const start = Math.max(from, limit - 64);
  const stretch = text.slice(start, Math.min(text.length, limit + 16));
  let best = -1;
  for (const { index } of segmenter.segment(stretch)) {
    // Offset 0 is only where we started segmenting, not necessarily a real boundary.
    if (index === 0) continue;
    const at = start + index;
    if (at > limit) break;
    if (at > from) best = at;
  }
  if (best > from) return best;
  // No grapheme boundary fits: at least keep surrogate pairs whole.
  const code = text.charCodeAt(limit - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return isHighSurrogate && limit - 1 > from ? limit - 1 : limit;
}
