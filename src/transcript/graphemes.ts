/**
 * Grapheme-safe shortening for transcript-derived strings (file names, one-line summaries). Kept
 * local to `transcript/` so this folder depends on nothing Telegram-specific; `telegram/text`
 * has the caption-facing `truncate`.
 */

let segmenter: Intl.Segmenter | undefined;

export function graphemes(s: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(segmenter.segment(s), (part) => part.segment);
}

/** At most `max` UTF-16 code units including the ellipsis, cut between graphemes. */
export function truncateUnits(s: string, max: number, ellipsis = "…"): string {
  if (s.length <= max) return s;
  const budget = max - ellipsis.length;
  if (budget <= 0) return "";
  let out = "";
  for (const g of graphemes(s)) {
    if (out.length + g.length > budget) break;
    out += g;
  }
  return out.trimEnd() + ellipsis;
}

const encoder = new TextEncoder();

/** At most `maxBytes` of UTF-8, cut between graphemes (file systems limit names in bytes). */
export function truncateUtf8(s: string, maxBytes: number): string {
  let out = "";
  let bytes = 0;
  for (const g of graphemes(s)) {
    const size = encoder.encode(g).length;
    if (bytes + size > maxBytes) break;
    out += g;
    bytes += size;
  }
  return out;
}
