/**
 * Shortens text to at most `budget` UTF-16 code units by cutting out the middle. Meetings state
 * their purpose at the start and their decisions and next steps at the end, so for summarizing a
 * transcript too long for a model's context the head and tail are worth more than the middle.
 * Cuts prefer line breaks near the cut points and never split a surrogate pair. `marker` (with
 * `{omitted}` replaced by the number of characters removed) marks the gap and counts towards the
 * budget.
 */
export function truncateMiddle(
  text: string,
  budget: number,
  marker = "\n\n[… {omitted} characters omitted …]\n\n",
): string {
  if (text.length <= budget) return text;
  // The marker's length depends on the number it carries; the text length bounds that number.
  const markerLength = marker.replace("{omitted}", String(text.length)).length;
  const room = budget - markerLength;
  if (room <= 0) return safeSlice(text, 0, Math.max(0, budget));
  const reach = Math.floor(room * 0.05);
  const headEnd = preferLineBreak(text, safeEnd(text, Math.ceil(room * 0.6)), reach, "back");
  const tailStart = preferLineBreak(text, safeStart(text, text.length - (room - headEnd)), reach, "forward");
  const omitted = tailStart - headEnd;
  return text.slice(0, headEnd) + marker.replace("{omitted}", String(omitted)) + text.slice(tailStart);
}

// Move a cut to a nearby line break (within `reach`, 5 % of the budget) to keep lines whole. Only
// ever shrinks the kept piece, so the budget holds.
function preferLineBreak(text: string, at: number, reach: number, direction: "back" | "forward"): number {
  if (direction === "back") {
    const nl = text.lastIndexOf("\n", at - 1);
    return nl > 0 && at - nl <= reach ? nl + 1 : at;
  }
  const nl = text.indexOf("\n", at);
  return nl !== -1 && nl - at <= reach ? nl + 1 : at;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function safeEnd(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at - 1 : at;
}

function safeStart(text: string, at: number): number {
  return at > 0 && at < text.length && isLowSurrogate(text.charCodeAt(at)) ? at + 1 : at;
}

function safeSlice(text: string, start: number, end: number): string {
  return text.slice(start, safeEnd(text, end));
}
