import { describe, expect, it } from "vitest";
import { dueCount, intendedOffsetMs, totalRequests } from "../../bench/lib/schedule.js";
import { percentile, summarize } from "../../bench/lib/stats.js";

describe("bench percentiles (nearest rank)", () => {
  it("returns values that occur in the samples", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it("is NaN for no samples and refuses a percentile outside 0–100", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });

  it("summarizes unsorted samples without changing them", () => {
    const samples = [5, 1, 4, 2, 3, 100, 6, 7, 8, 9];
    const copy = [...samples];
    expect(summarize(samples)).toEqual({ count: 10, min: 1, mean: 14.5, p50: 5, p90: 9, p99: 100, max: 100 });
    expect(samples).toEqual(copy);
    expect(summarize(new Float64Array([2.5]))).toMatchObject({ count: 1, p50: 2.5, p99: 2.5 });
    expect(summarize([]).count).toBe(0);
  });
});

describe("bench fixed-rate schedule", () => {
  it("plans rate × duration requests", () => {
    expect(totalRequests(1000, 5000)).toBe(5000);
    expect(totalRequests(200, 2500)).toBe(500);
    expect(totalRequests(0, 1000)).toBe(0);
    expect(totalRequests(100, 0)).toBe(0);
  });

  it("spaces intended send times evenly", () => {
    expect(intendedOffsetMs(0, 500)).toBe(0);
    expect(intendedOffsetMs(1, 500)).toBe(2);
    expect(intendedOffsetMs(250, 500)).toBe(500);
    expect(intendedOffsetMs(3, 2000)).toBe(1.5);
  });

  it("counts requests due so far, request 0 at once, exact multiples included, capped at the total", () => {
    expect(dueCount(0, 200, 1000)).toBe(1);
    expect(dueCount(4.99, 200, 1000)).toBe(1);
    expect(dueCount(5, 200, 1000)).toBe(2);
    expect(dueCount(1000, 200, 1000)).toBe(201);
    // A timer that fires late gets the whole backlog at once.
    expect(dueCount(37, 2000, 10_000)).toBe(75);
    expect(dueCount(60_000, 1000, 5000)).toBe(5000);
    expect(dueCount(-1, 1000, 5000)).toBe(0);
    expect(dueCount(10, 1000, 0)).toBe(0);
  });

  it("sends every request exactly once when ticks land at arbitrary times", () => {
    const rate = 1000;
    const total = totalRequests(rate, 250);
    let sent = 0;
    const intended: number[] = [];
    for (const t of [0, 0.3, 1.7, 1.7, 9, 120, 120.5, 249.9, 251, 400]) {
      const due = dueCount(t, rate, total);
      while (sent < due) intended.push(intendedOffsetMs(sent++, rate));
    }
    expect(sent).toBe(total);
    expect(intended).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
