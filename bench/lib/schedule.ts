/**
 * The arithmetic of an open-loop (fixed-rate) load generator. Request `i` is DUE at
 * `start + i × 1000 / rate` whatever happened to the earlier ones, and its latency is measured from
 * that intended time, not from when it actually left: a server that stalls for a second is charged
 * for the whole second on every request that should have gone out meanwhile (no "coordinated
 * omission", which closed-loop tools suffer from).
 */

/** How many requests a run of `durationMs` at `ratePerSecond` sends. */
export function totalRequests(ratePerSecond: number, durationMs: number): number {
  if (!(ratePerSecond > 0) || !(durationMs > 0)) return 0;
  return Math.round((ratePerSecond * durationMs) / 1000);
}

/** When request `index` (0-based) is due, in ms after the start. */
export function intendedOffsetMs(index: number, ratePerSecond: number): number {
  return (index * 1000) / ratePerSecond;
}

/**
 * How many requests should have been sent `elapsedMs` after the start (request 0 is due at 0):
 * `floor(elapsed × rate / 1000) + 1`, capped at `total`. A scheduler that wakes late sends the
 * backlog at once, keeping each request's intended time.
 */
export function dueCount(elapsedMs: number, ratePerSecond: number, total: number): number {
  if (elapsedMs < 0 || total <= 0) return 0;
  // The small epsilon keeps exact multiples (e.g. 5 ms at 200/s) from rounding down in floating point.
  const due = Math.floor((elapsedMs * ratePerSecond) / 1000 + 1e-9) + 1;
  return Math.min(total, due);
}
