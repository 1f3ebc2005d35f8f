import { describe, expect, it } from "vitest";
import {
  extractiveMarkdown,
  renderSummaryMessage,
  summaryCaptionLine,
  zoomSummaryMarkdown,
} from "../../src/delivery/meeting-summary.js";
import type { Locale } from "../../src/i18n/locales.js";
import { createTranslator, type TranslationVariables } from "../../src/i18n/translator.js";
import { normalizeMeetingSummary } from "../../src/zoom/events.js";
import { loadZoomFixture } from "../support/fixtures.js";

const translator = createTranslator({ onWarning: (m) => expect.fail(m) });
const tFor = (locale: Locale) => (key: string, vars?: TranslationVariables) =>
  translator.t(locale, key, vars);

const rivet = normalizeMeetingSummary(
  loadZoomFixture<{ payload: { object: unknown } }>("meeting.summary_completed.SYNTHETIC.json").payload
    .object,
);
// ZoomNet's newer shape (reference/zoom.md §2.4): one Markdown string and a doc link.
const content = normalizeMeetingSummary({
  summary_title: "Meeting summary for Weekly sync",
  summary_content:
    "## Key takeaways\n- The **2.4 release** ships on 12 March.\n- Docs move to the wiki.\n\n## Next steps\n- Anna writes the notes.",
  summary_doc_url: "https://docs.zoom.us/doc/abc",
});

describe("stored summary", () => {
  it("stores Rivet's shape as headed Markdown with localized headings", () => {
    expect(zoomSummaryMarkdown(rivet, tFor("de"))).toBe(
      [
        "## Überblick",
        "Synthetic overview text.",
        "",
        "## Release planning",
        "Synthetic detail text.",
        "",
        "## Nächste Schritte",
        "- Synthetic next step one.",
      ].join("\n"),
    );
  });

  it("keeps ZoomNet's summary_content as Zoom wrote it", () => {
    expect(zoomSummaryMarkdown(content, tFor("en"))).toBe(content.markdown);
  });

  it("has nothing to store for an empty summary", () => {
    expect(zoomSummaryMarkdown(normalizeMeetingSummary({ summary_title: "x" }), tFor("en"))).toBeUndefined();
    expect(extractiveMarkdown([])).toBeUndefined();
  });

  it("gives the caption the first real sentence, whatever the source", () => {
    expect(summaryCaptionLine(zoomSummaryMarkdown(rivet, tFor("en")), "zoom")).toBe(
      "Synthetic overview text.",
    );
    expect(summaryCaptionLine(content.markdown, "zoom")).toBe("The 2.4 release ships on 12 March.");
    expect(
      summaryCaptionLine(
        extractiveMarkdown(["We agreed to ship the release next week.", "Second."]),
        "extractive",
      ),
    ).toBe("We agreed to ship the release next week.");
    expect(summaryCaptionLine(null, null)).toBe("");
  });
});

describe("renderSummaryMessage", () => {
  it("renders Zoom's summary as plain text under the topic, naming the source", () => {
    const text = renderSummaryMessage({
      text: content.markdown ?? "",
      source: "zoom",
      topic: "Weekly sync",
      locale: "en",
      t: tFor("en"),
    });
    expect(text).toBe(
      [
        "🧠 Summary: Weekly sync",
        "Summary by Zoom AI Companion",
        "",
        "Key takeaways",
        "• The 2.4 release ships on 12 March.",
        "• Docs move to the wiki.",
        "",
        "Next steps",
        "• Anna writes the notes.",
      ].join("\n"),
    );
  });

  it("adds speaking time with Intl durations and shares in the chat's language", () => {
    const text = renderSummaryMessage({
      text: extractiveMarkdown(["Wir veröffentlichen am Donnerstag."], "Wichtigste Punkte") ?? "",
      source: "extractive",
      topic: "Planung",
      speakers: [
        { speaker: "Anna", ms: 3_930_000, share: 0.655 },
        { ms: 75_000, share: 0.345 },
      ],
      locale: "de",
      t: tFor("de"),
    });
    expect(text).toBe(
      [
        "🧠 Zusammenfassung: Planung",
        "Automatisch aus dem Transkript erstellt",
        "",
        "Wichtigste Punkte",
        "• Wir veröffentlichen am Donnerstag.",
        "",
        "Redezeit",
        "• Anna: 1 Std. 6 Min. (66\u00A0%)",
        "• Unbekannte Person: 1 Min. 15 Sek. (35\u00A0%)",
      ].join("\n"),
    );
  });
});
