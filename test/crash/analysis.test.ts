/**
 * The crash suite's verdicts (test/crash/analysis.ts): which duplicates a kill explains, which it
 * does not, and what counts as missing or corrupt. Pure and fast, so it runs with `npm test`.
 */
import { describe, expect, it } from "vitest";
import {
  type AcceptedUpload,
  ARRIVAL_SLACK_MS,
  analyzeCrashRun,
  formatCrashReport,
  type KillRecord,
  seededRandom,
} from "./analysis.js";

const SHA = "a".repeat(64);
const kill = (at: number, killedJobRunner = true): KillRecord => ({
  at,
  roles: killedJobRunner ? ["worker"] : ["web"],
  killedJobRunner,
  trigger: "test",
});
const upload = (key: string, startedAt: number, at = startedAt + 5, sha256 = SHA): AcceptedUpload => ({
  key,
  startedAt,
  at,
  sha256,
});

describe("analyzeCrashRun", () => {
  it("a clean run: everything delivered once, nothing to explain", () => {
    const report = analyzeCrashRun({
      keys: ["a", "b"],
      uploads: [upload("a", 100), upload("b", 200)],
      commits: [
        { key: "a", deliveredAt: 110 },
        { key: "b", deliveredAt: 210 },
      ],
      kills: [kill(150)],
      sourceSha256: SHA,
    });
    expect(report).toMatchObject({ delivered: 2, missing: [], corrupt: [], duplicates: [], unexplained: [] });
    expect(report.killsInWindow).toBe(0);
  });

  it("a duplicate with a kill between the first upload and the commit is explained", () => {
    const report = analyzeCrashRun({
      keys: ["a"],
      uploads: [upload("a", 100), upload("a", 6_000)],
      commits: [{ key: "a", deliveredAt: 6_010 }],
      kills: [kill(50), kill(103)],
      sourceSha256: SHA,
    });
    expect(report.duplicates).toHaveLength(1);
    expect(report.duplicates[0]?.explainedBy?.map((k) => k.at)).toEqual([103]);
    expect(report.unexplained).toEqual([]);
    expect(report.killsInWindow).toBe(1);
  });

  it("a kill while the request was still arriving explains it too (accepted after its sender died)", () => {
    const report = analyzeCrashRun({
      keys: ["a"],
      uploads: [upload("a", 100, 130), upload("a", 6_000)],
      commits: [{ key: "a", deliveredAt: 6_010 }],
      kills: [kill(100 - ARRIVAL_SLACK_MS)],
      sourceSha256: SHA,
    });
    expect(report.unexplained).toEqual([]);
  });

  it("a duplicate without a kill in its window is unexplained: before the upload, after the commit, or a web-only kill", () => {
    for (const kills of [[kill(100 - ARRIVAL_SLACK_MS - 1)], [kill(6_010)], [kill(3_000, false)]]) {
      const report = analyzeCrashRun({
        keys: ["a"],
        uploads: [upload("a", 100), upload("a", 6_000)],
        commits: [{ key: "a", deliveredAt: 6_010 }],
        kills,
        sourceSha256: SHA,
      });
      expect(report.unexplained.map((d) => d.key)).toEqual(["a"]);
    }
  });

  it("each extra upload needs its own kill: two re-sends after one kill are unexplained", () => {
    const base = {
      keys: ["a"],
      uploads: [upload("a", 100), upload("a", 6_000), upload("a", 12_000)],
      commits: [{ key: "a", deliveredAt: 12_010 }],
      sourceSha256: SHA,
    };
    expect(analyzeCrashRun({ ...base, kills: [kill(200)] }).unexplained).toHaveLength(1);
    const twice = analyzeCrashRun({ ...base, kills: [kill(200), kill(6_100)] });
    expect(twice.unexplained).toEqual([]);
    expect(twice.duplicates[0]?.extra).toBe(2);
  });

  it("reports recordings never delivered or never committed, and uploads with other bytes", () => {
    const report = analyzeCrashRun({
      keys: ["a", "b", "c"],
      uploads: [upload("a", 100, 105, "b".repeat(64)), upload("b", 200), upload("stray", 300)],
      commits: [
        { key: "a", deliveredAt: 110 },
        { key: "b", deliveredAt: null },
      ],
      kills: [],
      sourceSha256: SHA,
    });
    expect(report.missing).toEqual(["b", "c"]);
    expect(report.corrupt.map((u) => u.key)).toEqual(["a", "stray"]);
  });

  it("formats a readable report", () => {
    const report = analyzeCrashRun({
      keys: ["a"],
      uploads: [upload("a", 100), upload("a", 6_000)],
      commits: [{ key: "a", deliveredAt: 6_010 }],
      kills: [kill(103)],
      sourceSha256: SHA,
    });
    const text = formatCrashReport(report, { seed: 7 });
    expect(text).toContain("1/1 recordings delivered");
    expect(text).toContain("duplicates: 1 (unexplained: 0)");
    expect(text).toContain("explained by the kill at +3 ms");
    expect(text).toContain("seed: 7");
  });
});

describe("seededRandom", () => {
  it("is deterministic per seed and stays in [0, 1)", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(xs[0]);
  });
});
