/** `/import` argument parsing and the one-month windows of Zoom's list call. */
import { describe, expect, it } from "vitest";
import { monthWindow, nextDay, parseImportRange } from "../../src/backfill/import-range.js";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe("parseImportRange", () => {
  it("reads FROM, FROM TO and Nd", () => {
    expect(parseImportRange("2025-11-01", NOW)).toEqual({ from: "2025-11-01", to: "2026-01-15" });
    expect(parseImportRange(" 2025-11-01   2025-12-31 ", NOW)).toEqual({
      from: "2025-11-01",
      to: "2025-12-31",
    });
    expect(parseImportRange("30d", NOW)).toEqual({ from: "2025-12-17", to: "2026-01-15" });
    expect(parseImportRange("1d", NOW)).toEqual({ from: "2026-01-15", to: "2026-01-15" });
  });

  it("clamps TO to today and refuses what is no range", () => {
    expect(parseImportRange("2026-01-01 2026-02-01", NOW)).toEqual({ from: "2026-01-01", to: "2026-01-15" });
    expect(parseImportRange("", NOW)).toEqual({ error: "usage" });
    expect(parseImportRange("last month", NOW)).toEqual({ error: "usage" });
    expect(parseImportRange("0d", NOW)).toEqual({ error: "usage" });
    expect(parseImportRange("2026-1-5", NOW)).toEqual({ error: "usage" });
    expect(parseImportRange("2025-02-30", NOW)).toEqual({ error: "bad-date" });
    expect(parseImportRange("2025-12-31 2025-12-01", NOW)).toEqual({ error: "order" });
    expect(parseImportRange("2026-02-01", NOW)).toEqual({ error: "future" });
    expect(parseImportRange("99999d", NOW)).toEqual({ error: "too-long" });
    expect(parseImportRange("2000-01-01", NOW)).toEqual({ error: "too-long" });
  });
});

describe("monthWindow", () => {
  it("never spans more than a month, and ends at TO", () => {
    expect(monthWindow("2025-11-01", "2026-01-14")).toEqual({ from: "2025-11-01", to: "2025-11-30" });
    expect(monthWindow("2025-12-15", "2026-03-01")).toEqual({ from: "2025-12-15", to: "2026-01-14" });
    expect(monthWindow("2026-01-31", "2026-06-01")).toEqual({ from: "2026-01-31", to: "2026-03-02" });
    expect(monthWindow("2026-01-01", "2026-01-14")).toEqual({ from: "2026-01-01", to: "2026-01-14" });
    expect(nextDay("2025-12-31")).toBe("2026-01-01");
    // Walking windows covers every day exactly once, each at most 31 days long.
    let from = "2024-01-31";
    const covered: string[] = [];
    while (from <= "2025-03-01") {
      const w = monthWindow(from, "2025-03-01");
      expect((Date.parse(w.to) - Date.parse(w.from)) / 86_400_000).toBeLessThanOrEqual(30);
      covered.push(w.from, w.to);
      from = nextDay(w.to);
    }
    expect(covered[0]).toBe("2024-01-31");
    expect(covered.at(-1)).toBe("2025-03-01");
  });
});
