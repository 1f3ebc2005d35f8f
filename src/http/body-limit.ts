/**
 * The app-wide request body limit. A request that declares its length (every Zoom and Telegram
 * webhook does) is judged by `content-length` alone, so its body stays unread here and the route
 * reads it once through @hono/node-server's direct path (no web Request or ReadableStream built
 * around it: that wrapping cost about an eighth of a webhook's CPU). A body without a declared
 * length (chunked) is counted as it streams, by Hono's own middleware.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as streamingBodyLimit } from "hono/body-limit";
import { declaredBodyTooLarge } from "./direct-routes.js";
import type { HttpEnv } from "./http-env.js";

export interface BodyLimitOptions {
  maxSize: number;
  /** Answers an oversized request (throw, or return a response). */
  onError: Parameters<typeof streamingBodyLimit>[0]["onError"] & {};
}

export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler<HttpEnv> {
  const streaming = streamingBodyLimit(options);
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && c.req.header("transfer-encoding") === undefined) {
      return declaredBodyTooLarge(declared, options.maxSize) ? options.onError(c) : next();
    }
    return streaming(c, next);
  };
}
