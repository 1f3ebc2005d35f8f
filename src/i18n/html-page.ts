import { createHash } from "node:crypto";
import type { Locale } from "./locales.js";
import type { TranslationVariables, Translator } from "./translator.js";

export type PageTone = "ok" | "error";

export interface PageOptions {
  locale: Locale;
  title: string;
  /** Plain text; a blank line starts a new paragraph, a single newline breaks the line. */
  body: string;
  tone: PageTone;
  /** Optional button, e.g. back to the bot (`https://t.me/<bot>`). Only http(s) and tg: links are shown. */
  action?: { label: string; href: string };
}

// Kept as one constant so its hash can go into the Content-Security-Policy:
// the page needs no other resource, so everything else can be refused.
const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6474;--ok:#1a7f37;--error:#c62828;--button:#2481cc}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--card:#1e232b;--text:#e8ebf0;--muted:#a0a8b6;--ok:#3fb950;--error:#f16b6b;--button:#3a95dd}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{width:100%;max-width:440px;background:var(--card);border-radius:16px;padding:32px 28px;box-shadow:0 4px 24px rgba(0,0,0,.08);text-align:center}
.icon{width:56px;height:56px;margin:0 auto 16px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:28px;font-weight:700;color:#fff}
.ok .icon{background:var(--ok)}
.error .icon{background:var(--error)}
h1{margin:0 0 12px;font-size:1.35rem;line-height:1.3}
p{margin:0 0 12px;color:var(--muted);overflow-wrap:anywhere}
.action{display:inline-block;margin-top:12px;padding:12px 22px;border-radius:10px;background:var(--button);color:#fff;text-decoration:none;font-weight:600}
footer{margin-top:24px;font-size:.8rem;color:var(--muted)}
`.trim();

/**
 * Headers to send with every page: inline CSS only, nothing else loads, no framing.
 * `no-referrer` matters because /zoom/callback carries the OAuth `code` and `state`
 * in its URL, which must not leak to whatever the user opens next.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": [
    "default-src 'none'",
    `style-src 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

/** A small, self-contained HTML5 page for the connect flow. Every piece of text is escaped. */
export function renderPage({ locale, title, body, tone, action }: PageOptions): string {
  const paragraphs = body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== "")
    .map((paragraph) => `<p>${paragraph.split(/\r?\n/).map(escapeHtml).join("<br>")}</p>`)
    .join("\n");
  const button =
    action && isSafeHref(action.href)
      ? `\n<a class="action" href="${escapeHtml(action.href)}">${escapeHtml(action.label)}</a>`
      : "";
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Zoomgram</title>
<style>${STYLE}</style>
</head>
<body>
<main class="${tone === "ok" ? "ok" : "error"}">
<div class="icon" aria-hidden="true">${tone === "ok" ? "✓" : "!"}</div>
<h1>${escapeHtml(title)}</h1>
${paragraphs}${button}
<footer>Zoomgram</footer>
</main>
</body>
</html>
`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

// A `javascript:` URL would run script even from an escaped attribute.
function isSafeHref(href: string): boolean {
  try {
    return ["https:", "http:", "tg:"].includes(new URL(href).protocol);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
}

/** The outcomes of /zoom/connect and /zoom/callback, each a `page-<kind>-title` / `-body` pair. */
export const RESULT_PAGES = [
  "confirm",
  "confirm-private",
  "identity-missing",
  "identity-mismatch",
  "not-admin",
  "link-used",
  "connected",
  "link-invalid",
  "link-expired",
  "access-denied",
  "state-invalid",
  "failed",
  "rate-limited",
] as const;

export type ResultPage = (typeof RESULT_PAGES)[number];

export interface ResultPageOptions {
  locale: Locale;
  page: ResultPage;
  /** `email` for "connected", `ref` for "failed". */
  vars?: TranslationVariables;
  /** Where "Back to Telegram" leads, e.g. `https://t.me/<bot username>`; no button without it. */
  telegramUrl?: string;
  /** Zoom's authorize URL: the confirmation page's "Continue to Zoom" button (replaces the other). */
  continueUrl?: string;
}

const OK_PAGES: ReadonlySet<ResultPage> = new Set(["connected", "confirm", "confirm-private"]);

/** Translated title and body for one connect-flow outcome, rendered with `renderPage`. */
export function renderResultPage(translator: Pick<Translator, "t">, opts: ResultPageOptions): string {
  const { locale, page, vars, telegramUrl, continueUrl } = opts;
  const action = continueUrl
    ? { label: translator.t(locale, "page-continue-to-zoom"), href: continueUrl }
    : telegramUrl
      ? { label: translator.t(locale, "page-back-to-telegram"), href: telegramUrl }
      : undefined;
  return renderPage({
    locale,
    title: translator.t(locale, `page-${page}-title`, vars),
    body: translator.t(locale, `page-${page}-body`, vars),
    tone: OK_PAGES.has(page) ? "ok" : "error",
    action,
  });
}
