/**
 * The summary API's structured answer: read leniently, rendered with the caller's headings;
 * free text stays free text.
 */
import { describe, expect, it } from "vitest";
import {
  parseStructuredSummary,
  structuredSummaryMarkdown,
} from "../../src/transcript/structured-summary.js";

const LABELS = {
  overview: "Überblick",
  keyPoints: "Kernpunkte",
  decisions: "Entscheidungen",
  actionItems: "Aufgaben",
  openQuestions: "Offene Fragen",
};

describe("structured summary", () => {
  it("reads the object inside code fences and renders decisions, owned action items and open questions", () => {
    const answer = [
      "```json",
      JSON.stringify({
        overview: "Das Team hat den Termin festgelegt.",
        key_points: ["Migration lief auf Staging."],
        decisions: ["Release 2.4 am Donnerstag."],
        action_items: [
          { task: "Release Notes schreiben", owner: "Ben", due: "Mittwoch" },
          { task: "Kunden informieren", owner: "unknown", due: null },
          { action: "Staging aufräumen", assignee: "Anna" },
          "Backup prüfen",
        ],
        open_questions: ["Wer aktualisiert die Datenbank?"],
      }),
      "```",
    ].join("\n");
    const parsed = parseStructuredSummary(answer);
    expect(parsed?.actionItems).toEqual([
      { task: "Release Notes schreiben", owner: "Ben", due: "Mittwoch" },
      { task: "Kunden informieren" },
      { task: "Staging aufräumen", owner: "Anna" },
      { task: "Backup prüfen" },
    ]);
    expect(structuredSummaryMarkdown(parsed!, LABELS)).toBe(
      [
        "## Überblick\nDas Team hat den Termin festgelegt.",
        "## Kernpunkte\n- Migration lief auf Staging.",
        "## Entscheidungen\n- Release 2.4 am Donnerstag.",
        "## Aufgaben\n- Ben: Release Notes schreiben (Mittwoch)\n- Kunden informieren\n- Anna: Staging aufräumen\n- Backup prüfen",
        "## Offene Fragen\n- Wer aktualisiert die Datenbank?",
      ].join("\n\n"),
    );
  });

  it("leaves out empty sections and tolerates missing or malformed lists", () => {
    const parsed = parseStructuredSummary(
      'Here it is: {"overview":"Short.","decisions":"none","action_items":[]}',
    );
    expect(parsed).toEqual({
      overview: "Short.",
      keyPoints: [],
      decisions: [],
      actionItems: [],
      openQuestions: [],
    });
    expect(structuredSummaryMarkdown(parsed!, LABELS)).toBe("## Überblick\nShort.");
  });

  it("keeps free text as free text", () => {
    expect(parseStructuredSummary("A short summary.")).toBeUndefined();
    expect(parseStructuredSummary("Overview: {not json}")).toBeUndefined();
    expect(parseStructuredSummary('{"unrelated": true}')).toBeUndefined();
  });

  it("a value cannot smuggle Markdown structure in", () => {
    const parsed = parseStructuredSummary(JSON.stringify({ decisions: ["## Heading\n- injected", "ok"] }));
    expect(structuredSummaryMarkdown(parsed!, LABELS)).toBe("## Entscheidungen\n- Heading - injected\n- ok");
  });
});
