/**
 * One line per HTTP request (method, path, status, duration, request id), and the request id on
 * every other line logged while the request is handled: the handler runs inside the log context,
 * so a route that logs through any logger gets `requestId` without passing it around. The path is
 * logged without its query string, which can carry OAuth `code` and `state`. Health and metrics
 * probes log at debug so a scraper every 15 s does not drown the log. Direct routes
 * (src/http/direct-routes.ts) write the same line through {@link logRequest}.
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { withLogContext } from "../observability/log-context.js";
import type { HttpEnv } from "./http-env.js";

const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export interface AccessLogOptions {
  /** Milliseconds, monotonic; default performance.now (durations only, never wall time). */
  now?: () => number;
}

export interface RequestLine {
  requestId: string;
  method: string;
  /** Without the query string. */
  path: string;
  status: number;
  ms: number;
}

/** The access-log line of one request: an error from 500 up, debug for probes, else info. */
export function logRequest(logger: Logger, line: RequestLine): void {
  if (line.status >= 500) logger.error(line, "request failed");
  else if (QUIET_PATHS.has(line.path)) logger.debug(line, "request");
  else logger.info(line, "request");
}

export function accessLog(logger: Logger, options: AccessLogOptions = {}): MiddlewareHandler<HttpEnv> {
  const now = options.now ?? (() => performance.now());
  return async (c, next) => {
    const requestId = c.get("requestId");
    const started = now();
    await withLogContext({ requestId }, () => next());
    logRequest(logger, {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((now() - started) * 10) / 10,
    });
  };
}
