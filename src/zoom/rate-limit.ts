/**
 * How long to wait before repeating a Zoom REST call that failed, from its status and headers
 * (`reference/zoom.md` §5). Zoom's limits are per account and shared by every app on it, so a 429
 * is a signal to slow down, and a daily-limit 429 must never be retried before the reset.
 */

export interface ZoomRetryDecision {
  /** Whether the request is worth repeating at all (429 and 5xx only). */
  retry: boolean;
  /** Wait this long before the next attempt; 0 when `retry` is false. */
  delayMs: number;
  /** The account's daily quota is spent: reschedule the job rather than sleep in-process. */
  daily: boolean;
}

/** First backoff step when Zoom gives no hint: "≥1 s, with jitter" (zoom.md §5). */
export const BACKOFF_BASE_MS = 1_000;
/** Largest backoff step before jitter, so a long outage is polled about once a minute. */
export const BACKOFF_MAX_MS = 60_000;
/** Smallest wait after a daily-limit 429, even when the announced reset has already passed. */
export const DAILY_LIMIT_MIN_DELAY_MS = 1_000;

const NO_RETRY: ZoomRetryDecision = Object.freeze({ retry: false, delayMs: 0, daily: false });

// Only these shapes go to Date.parse, which otherwise reads strings such as "1.5" as dates.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i;
const HTTP_DATE = /^[A-Z]{3}, \d{2} [A-Z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/i;

/**
 * Milliseconds from `nowMs` until the moment `Retry-After` names: delta-seconds, or an ISO-8601
 * datetime as Zoom documented for daily limits (zoom.md §5), or an HTTP-date. Undefined when
 * absent or unreadable; a moment already past gives 0.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const iso = ISO_8601.exec(trimmed);
  if (!iso && !HTTP_DATE.test(trimmed)) return undefined;
  // Date.parse reads an ISO datetime without an offset as local time; Zoom's clock is UTC.
  const at = Date.parse(iso?.[1] && !iso[2] ? `${trimmed}Z` : trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Milliseconds until the next 00:00 UTC. */
function untilNextUtcMidnight(nowMs: number): number {
  const now = new Date(nowMs);
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - nowMs;
}

/**
 * Decides whether and when to repeat a Zoom call.
 *
 * - Not 429 and not 5xx: no retry.
 * - 429 with `X-RateLimit-Type: Daily-limit`: wait until the reset in `Retry-After` (never sooner;
 *   at least {@link DAILY_LIMIT_MIN_DELAY_MS}); without a readable `Retry-After`, until the next
 *   00:00 UTC, the reset time Zoom documents for its per-user daily limit (an assumption for the
 *   account-wide one).
 * - Otherwise a readable `Retry-After` is obeyed exactly.
 * - Otherwise exponential backoff: base 1 s doubling per attempt, capped at 60 s, plus up to one
 *   base of jitter so clients sharing the account's quota do not retry in step.
 *
 * @param attempt how many attempts have been made so far (1 after the first failure).
 * @param random source of jitter in [0, 1); defaults to `Math.random`.
 */
export function retryDelayFromZoomResponse(
  status: number,
  headers: Headers,
  nowMs: number,
  attempt: number,
  random: () => number = Math.random,
): ZoomRetryDecision {
  if (status !== 429 && !(status >= 500 && status <= 599)) return NO_RETRY;

  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs);
  const daily = status === 429 && headers.get("x-ratelimit-type")?.trim().toLowerCase() === "daily-limit";
  if (daily) {
    const untilReset = retryAfterMs ?? untilNextUtcMidnight(nowMs);
    return { retry: true, delayMs: Math.max(DAILY_LIMIT_MIN_DELAY_MS, untilReset), daily: true };
  }
  if (retryAfterMs !== undefined) return { retry: true, delayMs: retryAfterMs, daily: false };

  const step = Math.max(1, Math.floor(attempt)) - 1;
  // 2 ** step overflows to Infinity for huge attempts; Math.min still caps it.
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** step);
  const jitter = Math.min(Math.max(random(), 0), 0.999_999);
  return { retry: true, delayMs: Math.floor(base + jitter * base), daily: false };
}
