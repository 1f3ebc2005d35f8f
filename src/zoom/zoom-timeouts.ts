/**
 * How long any single wait on Zoom may last (issue #13 item 8: every wait ends), for REST calls and
 * downloads alike (src/zoom/download-transport.ts applies them):
 *
 * - connect: from the request to an open TCP connection (DNS included). A blackholed address or a
 *   dead proxy fails here instead of hanging until the job's own deadline.
 * - headers: from the open connection to the response's status line and headers (TLS included).
 *   A server that accepts and never answers fails here.
 * - idle: between two pieces of a body while we wait for the next one. A body that stalls half
 *   way fails here; the download resumes with Range and the job retries with backoff.
 *
 * An injected fetch (tests that rewrite answers, a proxy) cannot tell connecting from waiting for
 * headers, so there the two add up to one deadline.
 */

export interface ZoomTimeouts {
  /** ZOOM_CONNECT_TIMEOUT_MS. Default 10 000. */
  readonly connectMs: number;
  /** ZOOM_HEADERS_TIMEOUT_MS. Default 30 000. */
  readonly headersMs: number;
  /** ZOOM_IDLE_TIMEOUT_MS. Default 60 000. */
  readonly idleMs: number;
}

export const DEFAULT_ZOOM_TIMEOUTS: ZoomTimeouts = Object.freeze({
  connectMs: 10_000,
  headersMs: 30_000,
  idleMs: 60_000,
});

export type ZoomWaitPhase = "connect" | "headers" | "idle";

const WHAT: Record<ZoomWaitPhase, string> = {
  connect: "no connection",
  headers: "no response headers",
  idle: "no body bytes",
};

/** A wait on Zoom that ran out: which phase, and after how long. Network-level, so retryable. */
export class ZoomTimeoutError extends Error {
  readonly phase: ZoomWaitPhase;
  readonly ms: number;

  constructor(phase: ZoomWaitPhase, ms: number) {
    super(`${WHAT[phase]} within ${ms} ms`);
    this.name = "ZoomTimeoutError";
    this.phase = phase;
    this.ms = ms;
  }
}

/** Runs `onTimeout` after `ms` unless cleared first; never keeps the process alive. */
export function startTimer(ms: number, onTimeout: () => void): NodeJS.Timeout {
  const timer = setTimeout(onTimeout, ms);
  timer.unref();
  return timer;
}
