/**
 * Routes served straight from `node:http`, ahead of the Hono app (issue #14). The Zoom webhook is
 * the one hot path of the web role: thousands of small POSTs a second in a burst. Through Hono each
 * one also built a web `Request`, a `Context`, a `Response` and `Headers`, and walked the
 * middleware chain and the router; a direct route skips those and gets what the app's middleware
 * would have given it from the same functions: the request id (`requestIdFrom`), the body limit
 * (`declaredBodyTooLarge`), the log context, the access-log line (`logRequest`) and the error
 * mapping (`errorAnswer`).
 *
 * A direct route is mounted on the Hono app too (`HttpApp.direct`, src/http/http-env.ts), so
 * `app.request()` (the tests) and the listener answer alike, and every request the listener does
 * not take as it is — another method, another spelling of the path, a query string the route does
 * not expect — goes to Hono, which has the same route.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Logger } from "pino";
import { AppError, describeError } from "../errors.js";
import { withLogContext } from "../observability/log-context.js";
import { logRequest } from "./access-log.js";
import type { DirectAnswer, DirectHandler, DirectRequest } from "./http-env.js";

export type { DirectAnswer, DirectHandler, DirectRequest };

export interface DirectOptions {
  logger: Logger;
  /** Bodies over this many bytes get 413 (CONTRACT). */
  maxBodyBytes: number;
  /** Milliseconds, monotonic, for the access log's duration. */
  now?: () => number;
}

const REQUEST_ID_LIMIT = 64;

/** The caller's request id when it is short and plain (letters, digits, `_`, `-`, `=`), else a new one. */
export function requestIdFrom(header: string | undefined): string {
  if (!header || header.length > REQUEST_ID_LIMIT || /[^\w\-=]/.test(header)) return randomUUID();
  return header;
}

/** A declared body length the app refuses (over the limit, or not a length at all). */
export function declaredBodyTooLarge(declared: string, maxBodyBytes: number): boolean {
  const size = Number(declared);
  return !Number.isSafeInteger(size) || size < 0 || size > maxBodyBytes;
}

export const payloadTooLarge = () =>
  new AppError("http.payload_too_large", "request body too large", { status: 413 });

/** The app's answer to a thrown error (logged when it is the server's fault). */
export function errorAnswer(error: unknown, requestId: string, logger: Logger): DirectAnswer {
  if (error instanceof AppError) {
    if (error.status >= 500) logger.error({ requestId, err: describeError(error) }, "request failed");
    return { status: error.status, json: { ...error.toJSON(), requestId } };
  }
  logger.error({ requestId, err: error }, "unhandled error");
  return { status: 500, json: { error: "internal", message: "internal error", requestId } };
}

/** What {@link httpListener} serves: the Hono app (`HttpApp`, src/http/http-env.ts) with its direct routes. */
export interface DirectApp {
  readonly directRoutes: ReadonlyMap<string, DirectHandler>;
  fetch: (request: Request) => Response | Promise<Response>;
}

/** The web role's `node:http` listener: the app's direct routes answered here, the rest by Hono. */
export function httpListener(
  app: DirectApp,
  options: DirectOptions & { hostname?: string },
): RequestListener {
  const hono = getRequestListener(app.fetch, options.hostname ? { hostname: options.hostname } : {});
  return directListener(app.directRoutes, hono, options);
}

/**
 * A `node:http` request listener: POSTs to a direct route's exact path are answered here, every
 * other request by `fallback` (the Hono app's listener).
 */
export function directListener(
  routes: ReadonlyMap<string, DirectHandler>,
  fallback: RequestListener,
  options: DirectOptions,
): RequestListener {
  return (req, res) => {
    const handler = req.method === "POST" && req.url ? routes.get(req.url) : undefined;
    if (!handler) {
      fallback(req, res);
      return;
    }
    void serveDirect(handler, req, res, options);
  };
}

async function serveDirect(
  handler: DirectHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: DirectOptions,
): Promise<void> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const requestId = requestIdFrom(headerOf(req, "x-request-id"));
  const answer = await withLogContext({ requestId }, async (): Promise<DirectAnswer | undefined> => {
    try {
      const body = await readBody(req, options.maxBodyBytes);
      // A sender that already went away gets nothing done for it (Zoom retries what it did not
      // see answered): under overload, that is work saved for the senders still waiting.
      if (!body || req.socket.destroyed) return undefined;
      return await handler({ header: (name) => headerOf(req, name), body, requestId });
    } catch (error) {
      return errorAnswer(error, requestId, options.logger);
    }
  });
  // 499 (nginx's "client closed request"): the sender went away before its body or our answer.
  let status = 499;
  if (answer && !res.destroyed) {
    const text = JSON.stringify(answer.json);
    res.writeHead(answer.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-request-id": requestId,
      ...answer.headers,
    });
    res.end(text);
    status = answer.status;
  }
  const ms = Math.round((now() - started) * 10) / 10;
  logRequest(options.logger, { requestId, method: "POST", path: req.url ?? "", status, ms });
}

/** A header as one string (Node joins repeated ones with ", ", as web `Headers` do). */
function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The body, read whole: a declared length over the limit is refused before a byte is read, an
 * undeclared (chunked) one as soon as it passes the limit. Undefined when the sender went away.
 */
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<Uint8Array | undefined> {
  const declared = req.headers["content-length"];
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (declared !== undefined && !chunked && declaredBodyTooLarge(declared, maxBodyBytes)) {
    return Promise.reject(payloadTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (settle: () => void) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onGone);
      settle();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        done(() => reject(payloadTooLarge()));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const whole = () => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    const onEnd = () => done(() => resolve(whole()));
    const onClose = () => done(() => resolve(req.complete ? whole() : undefined));
    const onGone = () => done(() => resolve(undefined));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", onGone);
  });
}
