import { describe, expect, it } from "vitest";
import {
  BACKOFF_MAX_MS,
  DAILY_LIMIT_MIN_DELAY_MS,
  parseRetryAfter,
  retryDelayFromZoomResponse,
} from "../../src/zoom/rate-limit.js";

const now = Date.parse("2026-02-07T15:30:00Z");
const noJitter = () => 0;
const h = (init: Record<string, string> = {}) => new Headers(init);

describe("retryDelayFromZoomResponse", () => {
  it.each([200, 204, 301, 400, 401, 403, 404, 409, 422, 499, 600])("does not retry status %i", (status) => {
    expect(retryDelayFromZoomResponse(status, h({ "Retry-After": "5" }), now, 1)).toEqual({
      retry: false,
      delayMs: 0,
      daily: false,
    });
  });

  it("obeys Retry-After in seconds on a per-second 429", () => {
    const headers = h({ "Retry-After": "3", "X-RateLimit-Type": "QPS" });
    expect(retryDelayFromZoomResponse(429, headers, now, 1, noJitter)).toEqual({
      retry: true,
      delayMs: 3_000,
      daily: false,
    });
  });

  it("obeys Retry-After as an ISO-8601 datetime", () => {
    const headers = h({ "Retry-After": "2026-02-07T15:30:10Z" });
    expect(retryDelayFromZoomResponse(429, headers, now, 1).delayMs).toBe(10_000);
  });

  it("obeys Retry-After on a 503 too", () => {
    expect(retryDelayFromZoomResponse(503, h({ "Retry-After": "7" }), now, 4, noJitter).delayMs).toBe(7_000);
  });

  describe("daily limit", () => {
    it("waits until the announced reset, never sooner", () => {
      const headers = h({ "Retry-After": "2026-02-08T00:00:00Z", "X-RateLimit-Type": "Daily-limit" });
      const decision = retryDelayFromZoomResponse(429, headers, now, 1, () => 0.99);
      expect(decision).toEqual({ retry: true, delayMs: 8.5 * 3_600_000, daily: true });
    });

    it("reads the header case-insensitively", () => {
      const headers = h({ "retry-after": "120", "x-ratelimit-type": " daily-LIMIT " });
      expect(retryDelayFromZoomResponse(429, headers, now, 1)).toEqual({
        retry: true,
        delayMs: 120_000,
        daily: true,
      });
    });

    it("waits until the next 00:00 UTC when Retry-After is missing or unreadable", () => {
      for (const headers of [
        h({ "X-RateLimit-Type": "Daily-limit" }),
        h({ "X-RateLimit-Type": "Daily-limit", "Retry-After": "soon" }),
      ]) {
        expect(retryDelayFromZoomResponse(429, headers, now, 1, noJitter)).toEqual({
          retry: true,
          delayMs: 8.5 * 3_600_000,
          daily: true,
        });
      }
    });

    it("rolls over month and year ends", () => {
      const newYearsEve = Date.parse("2025-12-31T23:59:00Z");
      const headers = h({ "X-RateLimit-Type": "Daily-limit" });
      expect(retryDelayFromZoomResponse(429, headers, newYearsEve, 1).delayMs).toBe(60_000);
    });

    it("keeps a floor when the announced reset is already past (clock skew)", () => {
      const headers = h({ "Retry-After": "2026-02-07T00:00:00Z", "X-RateLimit-Type": "Daily-limit" });
      expect(retryDelayFromZoomResponse(429, headers, now, 1).delayMs).toBe(DAILY_LIMIT_MIN_DELAY_MS);
    });

    it("does not ignore the daily limit on later attempts or let jitter shorten it", () => {
      const headers = h({ "Retry-After": "3600", "X-RateLimit-Type": "Daily-limit" });
      for (const attempt of [1, 5, 50]) {
        expect(retryDelayFromZoomResponse(429, headers, now, attempt, () => 0).delayMs).toBe(3_600_000);
      }
    });

    it("is only a daily limit on a 429", () => {
      const headers = h({ "X-RateLimit-Type": "Daily-limit" });
      expect(retryDelayFromZoomResponse(500, headers, now, 1, noJitter)).toEqual({
        retry: true,
        delayMs: 1_000,
        daily: false,
      });
    });
  });

  describe("exponential backoff without hints", () => {
    it.each([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
      [6, 32_000],
      [7, BACKOFF_MAX_MS],
      [1_000, BACKOFF_MAX_MS],
    ])("attempt %i starts at %i ms", (attempt, base) => {
      expect(retryDelayFromZoomResponse(502, h(), now, attempt, noJitter)).toEqual({
        retry: true,
        delayMs: base,
        daily: false,
      });
    });

    it("adds up to one base of jitter and never goes below 1 s", () => {
      expect(retryDelayFromZoomResponse(429, h(), now, 1, () => 0.5).delayMs).toBe(1_500);
      expect(retryDelayFromZoomResponse(429, h(), now, 3, () => 0.25).delayMs).toBe(5_000);
      expect(retryDelayFromZoomResponse(429, h(), now, 1, () => 1).delayMs).toBeLessThan(2_000);
      expect(retryDelayFromZoomResponse(429, h(), now, 1, () => -3).delayMs).toBe(1_000);
      for (let i = 0; i < 200; i += 1) {
        const { delayMs } = retryDelayFromZoomResponse(500, h(), now, 1);
        expect(delayMs).toBeGreaterThanOrEqual(1_000);
        expect(delayMs).toBeLessThan(2_000);
      }
    });

    it("treats attempts below 1 as the first", () => {
      expect(retryDelayFromZoomResponse(500, h(), now, 0, noJitter).delayMs).toBe(1_000);
      expect(retryDelayFromZoomResponse(500, h(), now, -2, noJitter).delayMs).toBe(1_000);
    });
  });
});

describe("parseRetryAfter", () => {
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["", undefined],
    ["  ", undefined],
    ["0", 0],
    [" 30 ", 30_000],
    ["2026-02-07T15:31:00Z", 60_000],
    ["2026-02-07T15:31:00.500Z", 60_500],
    ["2026-02-07T16:31:00+01:00", 60_000],
    ["2026-02-07T15:31:00", 60_000],
    ["2026-02-08", 30_600_000],
    ["Sat, 07 Feb 2026 15:30:30 GMT", 30_000],
    ["2020-05-31T00:00:00Z", 0],
    ["-5", undefined],
    ["1.5", undefined],
    ["1e3", undefined],
    ["tomorrow", undefined],
  ])("%j → %s", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
