import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { extractiveSummary } from "../../src/transcript/extractive-summary.js";
import { type Cue, parseVtt } from "../../src/transcript/vtt.js";

const cues = parseVtt(readFileSync(new URL("./fixtures/weekly-sync.zoom.vtt", import.meta.url), "utf8"));

const say = (speaker: string, ...texts: string[]): Cue[] =>
  texts.map((text, i) => ({ startMs: i * 1000, endMs: i * 1000 + 900, speaker, text }));

describe("extractiveSummary on a three-person weekly sync", () => {
  const { sentences } = extractiveSummary(cues);

  it("returns at most five sentences, in the order they were said", () => {
    expect(sentences).toHaveLength(5);
    const transcript = cues.map((c) => c.text).join(" ");
    const positions = sentences.map((s) => transcript.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("picks the sentences about the meeting's subjects: migration, upload fix, release", () => {
    expect(sentences).toContain(
      "Today we need to decide on the release date for version 2.4 and review the database migration plan.",
    );
    expect(sentences).toContain(
      "Alright, so to recap: migration on Saturday, upload fix reviewed by Wednesday, release on the twelfth of March.",
    );
    expect(sentences.some((s) => /upload/i.test(s) && /(stream|fix)/i.test(s))).toBe(true);
    const joined = sentences.join(" ");
    for (const topic of [/migration/i, /upload/i, /release/i]) expect(joined).toMatch(topic);
  });

  it("skips small talk, fillers and very short turns", () => {
    for (const noise of [
      /everyone is here/,
      /Let's get started/,
      /Sounds good/,
      /lost my notes/,
      /Thanks/,
      /^Nice/,
      /^Um/,
      /works for me/,
    ]) {
      expect(sentences.some((s) => noise.test(s))).toBe(false);
    }
  });

  it("is deterministic and honours maxSentences", () => {
    expect(extractiveSummary(cues)).toEqual({ sentences });
    const two = extractiveSummary(cues, { maxSentences: 2 }).sentences;
    expect(two).toHaveLength(2);
    expect(two.every((s) => sentences.includes(s))).toBe(true);
    expect(extractiveSummary(cues, { maxSentences: 0 })).toEqual({ sentences: [] });
  });
});

describe("extractiveSummary edge cases", () => {
  it("returns nothing for no cues or only noise", () => {
    expect(extractiveSummary([])).toEqual({ sentences: [] });
    expect(extractiveSummary(say("A", "Um.", "Uh.", "Okay, yeah."))).toEqual({ sentences: [] });
  });

  it("joins a sentence that Zoom split across cues", () => {
    const { sentences } = extractiveSummary(
      say(
        "A",
        "The invoice export for the accounting",
        "team fails every night since the invoice schema changed.",
        "The accounting team needs the invoice export fixed before the audit.",
        "Nice weather today, right?",
      ),
      { maxSentences: 2 },
    );
    expect(sentences).toEqual([
      "The invoice export for the accounting team fails every night since the invoice schema changed.",
      "The accounting team needs the invoice export fixed before the audit.",
    ]);
  });

  it("skips near-duplicate sentences", () => {
    const { sentences } = extractiveSummary(
      [
        ...say("A", "The database migration to PostgreSQL runs on Saturday morning."),
        ...say("B", "So the database migration to PostgreSQL runs on Saturday morning, right."),
        ...say("A", "The support team gets a briefing about the database migration on Friday."),
      ],
      { maxSentences: 3 },
    );
    expect(sentences).toHaveLength(2);
  });

  it("ignores stop words in other languages", () => {
    const german = say(
      "Anna",
      "Also, ich denke, wir sind jetzt alle da und können anfangen.",
      "Die Migration der Datenbank auf PostgreSQL ist für Samstag geplant.",
      "Die Datenbank braucht vor der Migration mehr Speicherplatz.",
      "Ja, das ist gut so, danke euch allen für heute.",
    );
    expect(extractiveSummary(german, { maxSentences: 2 }).sentences).toEqual([
      "Die Migration der Datenbank auf PostgreSQL ist für Samstag geplant.",
      "Die Datenbank braucht vor der Migration mehr Speicherplatz.",
    ]);
    const russian = say(
      "Мария",
      "Ну что, я думаю, что мы все уже здесь и можно начинать.",
      "Миграция базы данных на PostgreSQL запланирована на субботу утром.",
      "Перед миграцией базы данных нужно добавить место на диске.",
      "Да, это хорошо, всем спасибо за сегодня.",
    );
    expect(extractiveSummary(russian, { maxSentences: 2 }).sentences).toEqual([
      "Миграция базы данных на PostgreSQL запланирована на субботу утром.",
      "Перед миграцией базы данных нужно добавить место на диске.",
    ]);
  });
});
