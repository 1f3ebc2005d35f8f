/**
 * Turns the small Markdown subset Zoom's AI Companion (`summary_content`, reference/zoom.md §2.4)
 * and chat models produce into plain text for Telegram, which we send without `parse_mode` so
 * that nothing in a summary can break entity parsing (reference/telegram.md §2.2, §7.7).
 * Headings lose their `#`s, list markers become "• ", emphasis and code markers are dropped,
 * `[text](url)` becomes `text (url)`. Anything else passes through unchanged.
 */
export function markdownToPlain(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  for (const raw of lines) {
    if (/^\s*```/.test(raw)) continue;
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(raw)) continue; // horizontal rule
    let line = raw.replace(/^\s{0,3}#{1,6}\s+/, "").replace(/\s+#+\s*$/, "");
    const indent = /^(\s*)/.exec(line)?.[1]?.length ?? 0;
    line = line
      .replace(/^\s*[-*+]\s+\[[ xX]\]\s+/, `${"  ".repeat(Math.floor(indent / 2))}• `)
      .replace(/^\s*[-*+]\s+/, `${"  ".repeat(Math.floor(indent / 2))}• `)
      .replace(/^\s*>\s?/, "");
    out.push(inline(line).trimEnd());
  }
  return out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function inline(s: string): string {
  return s
    .replace(/!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_, text: string, url: string) =>
      text && text !== url ? `${text} (${url})` : url,
    )
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2")
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, "$1$2")
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, "$1$2")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1")
    .replace(/`([^`]+)`/g, "$1");
}
