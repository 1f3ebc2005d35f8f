import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderTranscriptText, transcriptFileName } from "../../src/transcript/render.js";
import { type Cue, parseVtt } from "../../src/transcript/vtt.js";

const cues = parseVtt(readFileSync(new URL("./fixtures/weekly-sync.zoom.vtt", import.meta.url), "utf8"));

const cue = (startS: number, endS: number, text: string, speaker?: string): Cue =>
  speaker === undefined
    ? { startMs: startS * 1000, endMs: endS * 1000, text }
    : { startMs: startS * 1000, endMs: endS * 1000, speaker, text };

describe("renderTranscriptText", () => {
  const text = renderTranscriptText(cues, { title: "Weekly sync", startedAt: "1 March 2026, 10:00" });

  it("starts with the title and date, then a blank line", () => {
    expect(text.startsWith("Weekly sync\n1 March 2026, 10:00\n\n[00:00:02] Anna Keller:\n")).toBe(true);
    expect(text.endsWith("\n")).toBe(true);
  });

  it("merges a speaker's consecutive cues into one paragraph", () => {
    expect(text).toContain(
      "[00:00:26] Ben Ortiz:\nSure. The migration script for PostgreSQL is finished and it passed on the staging database last night. The full migration",
    );
  });

  it("removes filler cues and repeated fragments", () => {
    expect(text).not.toMatch(/\bUm\.|\bUh\.|Mhm|Hmm/);
    expect(text.match(/passed on the staging database last night/g)).toHaveLength(1);
    expect(text.match(/runs out of memory/g)).toHaveLength(1);
    // A filler-only cue between two cues of one speaker does not split the paragraph.
    expect(text).toContain("Okay, I think everyone is here. Let's get started. Today we need to decide");
  });

  it("starts a new paragraph after a pause longer than 30 s", () => {
    expect(text).toContain(
      "[00:02:14] Anna Keller:\nSorry, I lost my notes for a second.\n\n[00:02:52] Anna Keller:\nOkay, back to the release.",
    );
  });

  it("splits a paragraph that grows too long and labels the continuation", () => {
    const long = Array.from({ length: 10 }, (_, i) =>
      cue(i * 5, i * 5 + 5, `Sentence number ${i} is here.`, "A"),
    );
    const out = renderTranscriptText(long, { title: "T", maxParagraphChars: 100 });
    const headers = out.match(/^\[\d\d:\d\d:\d\d\] A:$/gm) ?? [];
    expect(headers.length).toBeGreaterThan(2);
    for (const paragraph of out.split("\n\n").slice(1)) {
      expect(paragraph.split("\n")[1]!.length).toBeLessThanOrEqual(100);
    }
  });

  it("labels cues without a speaker, or omits labels when no cue has one", () => {
    const mixed = renderTranscriptText([cue(0, 1, "hi", "A"), cue(2, 3, "who?")], {
      title: "T",
      labels: { unknownSpeaker: "Unbekannt" },
    });
    expect(mixed).toBe("T\n\n[00:00:00] A:\nhi\n\n[00:00:02] Unbekannt:\nwho?\n");
    const none = renderTranscriptText([cue(3661, 3662, "hello")], { title: "T" });
    expect(none).toBe("T\n\n[01:01:01]\nhello\n");
  });

  it("keeps the title on one line and copes with no cues", () => {
    expect(renderTranscriptText([], { title: "  Multi\nline\u0000 title " })).toBe("Multi line title\n");
  });
});

describe("transcriptFileName", () => {
  it("builds '<local date> <topic> - transcript.txt'", () => {
    expect(transcriptFileName("Weekly sync", "2026-03-01T10:00:00Z", "Europe/Berlin")).toBe(
      "2026-03-01 Weekly sync - transcript.txt",
    );
  });

  it("uses the meeting's local date, not UTC's", () => {
    expect(transcriptFileName("Late call", "2026-03-01T23:30:00Z", "Asia/Tokyo")).toBe(
      "2026-03-02 Late call - transcript.txt",
    );
    expect(transcriptFileName("Early call", "2026-03-01T02:00:00Z", "America/Los_Angeles")).toBe(
      "2026-02-28 Early call - transcript.txt",
    );
  });

  it("removes path separators, reserved and control characters, keeps Unicode letters", () => {
    expect(transcriptFileName('../../etc/passwd: "Q1" <plan>|*?', "2026-03-01T10:00:00Z", "UTC")).toBe(
      "2026-03-01 etc passwd Q1 plan - transcript.txt",
    );
    expect(transcriptFileName("Планёрка\u202E\tотдела 🚀", "2026-03-01T10:00:00Z", "UTC")).toBe(
      "2026-03-01 Планёрка отдела 🚀 - transcript.txt",
    );
  });

  it("limits the length in bytes without breaking characters", () => {
    const name = transcriptFileName("Совещание ".repeat(40), "2026-03-01T10:00:00Z", "UTC");
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(160);
    expect(name).toMatch(/^2026-03-01 (Совещание ?)+ - transcript\.txt$/);
    const emoji = transcriptFileName("👨‍👩‍👧".repeat(30), undefined, "UTC");
    expect(emoji).toMatch(/^(👨‍👩‍👧)+ - transcript\.txt$/u);
  });

  it("falls back for an empty topic, a bad date and an unknown time zone", () => {
    expect(transcriptFileName("  ...  ", "not a date", "UTC")).toBe("Zoom meeting - transcript.txt");
    expect(transcriptFileName("", undefined, "UTC", { fallbackTopic: "Встреча", label: "стенограмма" })).toBe(
      "Встреча - стенограмма.txt",
    );
    expect(transcriptFileName("Sync", "2026-03-01T23:30:00Z", "Mars/Olympus")).toBe(
      "2026-03-01 Sync - transcript.txt",
    );
  });
});
