/**
 * Text hygiene for user-supplied strings (meeting topics, participant names) that end up in
 * Telegram captions, cards and our HTML pages. See reference/telegram.md §2.2 and §7.7: one
 * unescaped `<` or `&` in a topic turns a delivery into `400 can't parse entities`.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
};

/**
 * Escapes `&`, `<`, `>` and `"` for Telegram's HTML parse mode and for HTML pages. `"` is escaped
 * everywhere (not only in attributes) because Telegram accepts `&quot;` in text too, so one
 * function is safe in both positions. Only these four named entities are supported by Telegram.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

// C0 controls except \t (U+0009) and \n (U+000A), DEL, C1 controls, and the bidi embedding /
// override / isolate controls that let a crafted topic reorder the text around it on screen.
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Removes C0/C1 control characters (keeping `\n` and `\t`) and bidi overrides/isolates. */
export function stripControlChars(s: string): string {
  return s.replace(CONTROL_CHARS, "");
}

let segmenter: Intl.Segmenter | undefined;

function graphemes(s: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(segmenter.segment(s), (part) => part.segment);
}

/**
 * Shortens `s` to at most `max` UTF-16 code units (Telegram counts entity offsets in UTF-16, so this
 * is the conservative unit), ellipsis included. Cuts only between grapheme clusters, so an emoji,
 * a flag or a letter with combining accents is never torn apart. Whitespace before the ellipsis is
 * dropped. When even the ellipsis does not fit, returns as many whole graphemes as fit without it.
 */
export function truncate(s: string, max: number, ellipsis = "…"): string {
  if (s.length <= max) return s;
  if (max <= 0) return "";
  const tail = ellipsis.length <= max ? ellipsis : "";
  const budget = max - tail.length;
  let out = "";
  for (const g of graphemes(s)) {
    if (out.length + g.length > budget) break;
    out += g;
  }
  return tail === "" ? out : out.trimEnd() + tail;
}
