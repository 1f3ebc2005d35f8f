import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  PAGE_HEADERS,
  RESULT_PAGES,
  renderPage,
  renderResultPage,
} from "../../src/i18n/html-page.js";
import { SUPPORTED_LOCALES } from "../../src/i18n/locales.js";
import { createTranslator } from "../../src/i18n/translator.js";

const HOSTILE = `</title><script>alert("x")</script><img src=x onerror='alert(1)'> & co`;

describe("renderPage", () => {
  it("is a complete HTML5 page in the given language, usable on a phone", () => {
    const html = renderPage({ locale: "de", title: "Zoom ist verbunden", body: "Alles gut.", tone: "ok" });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const part of [
      '<html lang="de">',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      "<title>Zoom ist verbunden · Zoomgram</title>",
      "<h1>Zoom ist verbunden</h1>",
      "<p>Alles gut.</p>",
      '<main class="ok">',
    ])
      expect(html).toContain(part);
  });

  it("loads nothing from elsewhere", () => {
    const html = renderPage({ locale: "en", title: "T", body: "B", tone: "error" });
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('<main class="error">');
  });

  it("escapes user-controlled text in the title, the body and the action", () => {
    const html = renderPage({
      locale: "en",
      title: HOSTILE,
      body: `Connected as ${HOSTILE}`,
      tone: "ok",
      action: { label: HOSTILE, href: `https://t.me/bot?start="><script>` },
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).not.toContain(`onerror='`);
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("onerror=&#39;alert(1)&#39;&gt; &amp; co");
    expect(html).toContain('href="https://t.me/bot?start=&quot;&gt;&lt;script&gt;"');
    expect(html.match(/<title>/g)).toHaveLength(1);
  });

  it("drops an action link that could run script", () => {
    for (const href of ["javascript:alert(1)", "data:text/html,hi", "not a url", "//evil.example"]) {
      const html = renderPage({
        locale: "en",
        title: "T",
        body: "B",
        tone: "ok",
        action: { label: "Go", href },
      });
      expect(html).not.toContain('class="action"');
    }
    const html = renderPage({
      locale: "en",
      title: "T",
      body: "B",
      tone: "ok",
      action: { label: "Back", href: "https://t.me/zoomgram_bot" },
    });
    expect(html).toContain('<a class="action" href="https://t.me/zoomgram_bot">Back</a>');
  });

  it("turns blank lines into paragraphs and single newlines into line breaks", () => {
    const html = renderPage({ locale: "en", title: "T", body: "one\ntwo\n\nthree", tone: "ok" });
    expect(html).toContain("<p>one<br>two</p>\n<p>three</p>");
  });

  it("comes with a Content-Security-Policy that allows exactly its inline style", () => {
    const html = renderPage({ locale: "en", title: "T", body: "B", tone: "ok" });
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    expect(PAGE_HEADERS["content-security-policy"]).toContain(`style-src 'sha256-${hash}'`);
    expect(PAGE_HEADERS["content-security-policy"]).toContain("default-src 'none'");
    expect(PAGE_HEADERS["referrer-policy"]).toBe("no-referrer");
    expect(PAGE_HEADERS["content-type"]).toBe("text/html; charset=utf-8");
  });
});

describe("escapeHtml", () => {
  it("escapes the five significant characters and nothing else", () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a> — ок`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt; — ок",
    );
  });
});

describe("renderResultPage", () => {
  const translator = createTranslator({ onWarning: (message) => expect.fail(message) });

  it("renders every outcome in every language with a translated title and body", () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const page of RESULT_PAGES) {
        const html = renderResultPage(translator, {
          locale,
          page,
          vars: { email: "ann@example.com", ref: "ERR-1", requester: "Ann", chat_title: "Team" },
          telegramUrl: "https://t.me/zoomgram_bot",
        });
        expect(html).toContain(`<html lang="${locale}">`);
        expect(html).toContain(`<h1>${escapeHtml(translator.t(locale, `page-${page}-title`))}</h1>`);
        expect(html).toContain(
          `<main class="${["connected", "confirm", "confirm-private"].includes(page) ? "ok" : "error"}">`,
        );
        expect(html).toContain(escapeHtml(translator.t(locale, "page-back-to-telegram")));
        expect(html).not.toMatch(/page-[a-z-]+-(title|body)/);
      }
    }
  });

  it("escapes the email Zoom returned", () => {
    const html = renderResultPage(translator, {
      locale: "en",
      page: "connected",
      vars: { email: "<b>x</b>@e.com" },
    });
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;@e.com");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain('class="action"');
  });
});
