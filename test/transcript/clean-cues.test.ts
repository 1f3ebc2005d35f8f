import { describe, expect, it } from "vitest";
import { cleanCues, isFillerOnly } from "../../src/transcript/clean-cues.js";
import type { Cue } from "../../src/transcript/vtt.js";

const cue = (startS: number, endS: number, text: string, speaker?: string): Cue =>
  speaker === undefined
    ? { startMs: startS * 1000, endMs: endS * 1000, text }
    : { startMs: startS * 1000, endMs: endS * 1000, speaker, text };

describe("isFillerOnly", () => {
  it.each(["Um.", "Uh, hmm…", "Ummm", "Mhm.", "uh-huh", "Ähm", "Э-э", "Хм.", "Euh...", "Eh", "...", "-"])(
    "%s is noise",
    (text) => {
      expect(isFillerOnly(text)).toBe(true);
    },
  );

  it.each(["Um, yeah.", "So", "Ну", "Hum, c'est bon", "OK", "42", "Uhr"])("%s is speech", (text) => {
    expect(isFillerOnly(text)).toBe(false);
  });
});

describe("cleanCues", () => {
  it("drops filler-only cues but keeps fillers inside speech", () => {
    const out = cleanCues([
      cue(0, 1, "Um."),
      cue(1, 3, "Um, I think we should ship.", "A"),
      cue(3, 4, "Uh", "A"),
    ]);
    expect(out.map((c) => c.text)).toEqual(["Um, I think we should ship."]);
  });

  it("normalizes whitespace and removes control characters", () => {
    expect(cleanCues([cue(0, 1, "  a\u0007b \n\t c\u202E ")])[0]?.text).toBe("a b c");
  });

  it("drops a cue that repeats the tail of the previous one", () => {
    const out = cleanCues([
      cue(26, 33, "Sure. The script passed on the staging database last night.", "Ben"),
      cue(33, 37, "passed on the staging database last night.", "Ben"),
    ]);
    expect(out).toEqual([cue(26, 37, "Sure. The script passed on the staging database last night.", "Ben")]);
  });

  it("drops an exact repeat, even a short one", () => {
    expect(cleanCues([cue(0, 1, "Okay.", "A"), cue(1, 2, "okay", "A")])).toEqual([cue(0, 2, "Okay.", "A")]);
  });

  it("keeps the longer version when a cue restates the previous one and goes on", () => {
    const out = cleanCues([
      cue(0, 2, "the migration script is", "A"),
      cue(1, 4, "the migration script is ready.", "A"),
    ]);
    expect(out).toEqual([cue(0, 4, "the migration script is ready.", "A")]);
  });

  it("appends only the new words when a tail overlaps the next head", () => {
    const out = cleanCues([
      cue(0, 3, "We will release on the twelfth of", "A"),
      cue(2, 5, "on the twelfth of March after the migration.", "A"),
    ]);
    expect(out).toEqual([cue(0, 5, "We will release on the twelfth of March after the migration.", "A")]);
  });

  it("keeps short deliberate repetitions and repeats by other speakers", () => {
    const kept = cleanCues([
      cue(0, 1, "No, no.", "A"),
      cue(1, 2, "No, we cannot.", "A"),
      cue(2, 3, "No, we cannot.", "B"),
    ]);
    expect(kept.map((c) => c.text)).toEqual(["No, no.", "No, we cannot.", "No, we cannot."]);
  });

  it("does not mutate its input", () => {
    const input = [cue(0, 1, "  padded  ", "A")];
    cleanCues(input);
    expect(input[0]?.text).toBe("  padded  ");
  });
});
