import { describe, expect, it } from "vitest";
import { oneLineSummary, renderSummary, type SummaryLabels } from "../../src/transcript/summary-text.js";

const labels: SummaryLabels = {
  heading: "Meeting summary",
  source: { zoom: "Zoom AI Companion", extractive: "Key sentences from the transcript" },
  overview: "Overview",
  keyPoints: "Key points",
  nextSteps: "Next steps",
  speakingTime: "Speaking time",
  unknownSpeaker: "Unknown speaker",
};

const speakers = [
  { speaker: "Anna Keller", ms: 70_180, share: 0.369 },
  { ms: 3_661_000, share: 0.628 },
  { speaker: "Ben", ms: 400, share: 0.003 },
];

describe("renderSummary", () => {
  it("renders Zoom's structured summary with localized headings", () => {
    const text = renderSummary(
      {
        source: "zoom",
        overview: "The team agreed to release 2.4 on 12 March.",
        sections: [{ label: "Release planning", summary: "Release on 12 March.\nNotes by Anna." }],
        nextSteps: ["Anna writes the release notes", "  ", "Ben asks for disk space"],
        speakers,
      },
      labels,
    );
    expect(text).toBe(
      [
        "Meeting summary",
        "Zoom AI Companion",
        "",
        "Overview",
        "The team agreed to release 2.4 on 12 March.",
        "",
        "Release planning",
        "Release on 12 March.",
        "Notes by Anna.",
        "",
        "Next steps",
        "• Anna writes the release notes",
        "• Ben asks for disk space",
        "",
        "Speaking time",
        "• Anna Keller — 1:10 (37%)",
        "• Unknown speaker — 1:01:01 (63%)",
        "• Ben — 0:00 (<1%)",
      ].join("\n"),
    );
  });

  it("renders Zoom's Markdown shape and API text as plain text", () => {
    const text = renderSummary(
      { source: "api", markdown: "## Key takeaways\n- **Ship** it\n\n\n\nDone." },
      { ...labels, source: { api: "AI summary" } },
    );
    expect(text).toBe("Meeting summary\nAI summary\n\nKey takeaways\n• Ship it\n\nDone.");
  });

  it("renders extractive sentences as key points and strips control characters", () => {
    const text = renderSummary(
      { source: "extractive", sentences: ["First point.", "Second\u0007 point\u202E."] },
      labels,
    );
    expect(text).toBe(
      "Meeting summary\nKey sentences from the transcript\n\nKey points\n• First point.\n• Second point.",
    );
  });

  it("prints only the heading when there is nothing else", () => {
    expect(renderSummary({ source: "api" }, labels)).toBe("Meeting summary");
  });
});

describe("oneLineSummary", () => {
  it("prefers the overview", () => {
    expect(
      oneLineSummary({ source: "zoom", overview: "Release on 12 March.\nAll agreed.", nextSteps: ["x"] }),
    ).toBe("Release on 12 March. All agreed.");
  });

  it("skips Markdown and API headings to reach the first sentence", () => {
    expect(oneLineSummary({ source: "zoom", markdown: "## Key takeaways\n- **Ship** 2.4 on Friday." })).toBe(
      "Ship 2.4 on Friday.",
    );
    expect(oneLineSummary({ source: "api", markdown: "Overview:\nKey points\nThe team met to plan." })).toBe(
      "The team met to plan.",
    );
  });

  it("falls back to sections, sentences, then next steps", () => {
    expect(oneLineSummary({ source: "zoom", sections: [{ label: "L", summary: "From a section." }] })).toBe(
      "From a section.",
    );
    expect(oneLineSummary({ source: "extractive", sentences: ["One.", "Two."] })).toBe("One. Two.");
    expect(oneLineSummary({ source: "zoom", nextSteps: ["Do it"] })).toBe("Do it");
    expect(oneLineSummary({ source: "zoom" })).toBe("");
  });

  it("fits 200 characters, cutting at a sentence end when one fits", () => {
    const first = `${"a".repeat(120)}.`;
    const out = oneLineSummary({ source: "zoom", overview: `${first} ${"b".repeat(150)}.` });
    expect(out).toBe(first);
    const long = oneLineSummary({ source: "zoom", overview: "word ".repeat(100) });
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.endsWith("word…")).toBe(true);
    expect(oneLineSummary({ source: "zoom", overview: "😀".repeat(150) }, 11)).toBe("😀😀😀😀😀…");
  });
});
