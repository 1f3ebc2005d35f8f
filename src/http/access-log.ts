/**
 * One line per HTTP request (method, path, status, duration, request id), and the request id on
 * every other line logged while the request is handled: the handler runs inside the log context,
 * so a route that logs through any logger gets `requestId` without passing it around. The path is
 * logged without its query string, which can carry OAuth `code` and `state`. Health and metrics
 * probes log at debug so a scraper every 15 s does not drown the log.
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

export function accessLog(logger: Logger, options: AccessLogOptions = {}): MiddlewareHandler<HttpEnv> {
  const now = options.now ?? (() => performance.now());
  return async (c, next) => {
    const requestId = c.get("requestId");
    const started = now();
    await withLogContext({ requestId }, () => next());
    const status = c.res.status;
    const line = {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((now() - started) * 10) / 10,
    };
    if (status >= 500) logger.error(line, "request failed");
    else if (QUIET_PATHS.has(c.req.path)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
}
