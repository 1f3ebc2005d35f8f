import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { speakingTime } from "../../src/transcript/speaking-time.js";
import { type Cue, parseVtt } from "../../src/transcript/vtt.js";

const cue = (startMs: number, endMs: number, speaker?: string): Cue =>
  speaker === undefined ? { startMs, endMs, text: "x" } : { startMs, endMs, speaker, text: "x" };

describe("speakingTime", () => {
  it("sums per speaker, longest first, with shares adding up to 1", () => {
    const result = speakingTime([cue(0, 1000, "A"), cue(1000, 4000, "B"), cue(5000, 6000, "A")]);
    expect(result).toEqual([
      { speaker: "B", ms: 3000, share: 0.6 },
      { speaker: "A", ms: 2000, share: 0.4 },
    ]);
  });

  it("counts a speaker's overlapping cues once, but overlapping speakers each", () => {
    const result = speakingTime([cue(0, 4000, "A"), cue(3000, 5000, "A"), cue(4000, 5000, "B")]);
    expect(result).toEqual([
      { speaker: "A", ms: 5000, share: 5000 / 6000 },
      { speaker: "B", ms: 1000, share: 1000 / 6000 },
    ]);
  });

  it("groups cues without a speaker, sorts ties by name, ignores empty cues", () => {
    const result = speakingTime([cue(0, 1000), cue(0, 1000, "Zed"), cue(0, 1000, "Amy"), cue(5, 5, "Nil")]);
    expect(result.map((r) => r.speaker)).toEqual(["Amy", "Zed", undefined]);
    expect(result[2]).toEqual({ ms: 1000, share: 1 / 3 });
  });

  it("returns [] when there is no speech", () => {
    expect(speakingTime([])).toEqual([]);
    expect(speakingTime([cue(1000, 1000, "A")])).toEqual([]);
  });

  it("on the Zoom fixture, all three speakers share the meeting", () => {
    const cues = parseVtt(readFileSync(new URL("./fixtures/weekly-sync.zoom.vtt", import.meta.url), "utf8"));
    const result = speakingTime(cues);
    expect(result.map((r) => r.speaker)).toEqual(["Anna Keller", "Chen Wei", "Ben Ortiz"]);
    expect(result.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 10);
    // Ben's repeated fragment (33.4–36.9 s) adjoins his previous cue and is counted once.
    expect(result.find((r) => r.speaker === "Ben Ortiz")?.ms).toBe(59_400);
  });
});
