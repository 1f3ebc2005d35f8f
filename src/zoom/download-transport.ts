/**
 * How a request reaches Zoom — a download or a REST call: one request, no redirect following, the
 * body as a Node Readable, and every wait bounded (src/zoom/zoom-timeouts.ts).
 *
 * By default it is node:http/https (`http.request`): the body arrives as the socket's own Buffers,
 * with no web-stream layer in between — on loopback that costs about half the CPU per byte of
 * Node's fetch (undici's WHATWG ReadableStream adds a promise and a copy per chunk), which is what
 * held a download to ~130 MB/s on a busy core. It also knows when the connection is open, so the
 * connect and the response-header timeouts are separate. An injected fetch (tests that rewrite
 * answers, a proxy) is honoured as it is, through the same interface; there the two add up.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import {
  DEFAULT_ZOOM_TIMEOUTS,
  startTimer,
  ZoomTimeoutError,
  type ZoomTimeouts,
  type ZoomWaitPhase,
} from "./zoom-timeouts.js";

/**
 * A response body: its chunks in order, and `destroy` to drop the connection. A chunk may be valid
 * only until the next one is asked for (src/zoom/socket-transport.ts reads into one reused buffer):
 * copy what you keep.
 */
export interface ResponseBody extends AsyncIterable<Buffer> {
  destroy(error?: Error): void;
}

export interface DownloadResponse {
  readonly status: number;
  /** A response header (lower-case name); several values are joined with ", ". */
  header(name: string): string | undefined;
  /** The body; null when there is none. Destroy it to drop the connection. */
  readonly body: ResponseBody | null;
}

/**
 * One request (GET unless told), redirects not followed; rejects only when no answer arrived
 * (network, abort, a connect or header timeout). A stalled body errors with the idle timeout.
 */
export type DownloadTransport = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
  method?: string,
) => Promise<DownloadResponse>;

/**
 * node:http/https with the three timeouts: the fast path, used whenever the fetch is Node's own.
 * `lookup` replaces DNS (tests: a name that never resolves keeps the connection from opening).
 */
export function createNodeHttpTransport(
  timeouts: ZoomTimeouts = DEFAULT_ZOOM_TIMEOUTS,
  options: { lookup?: LookupFunction } = {},
): DownloadTransport {
  return (url, headers, signal, method = "GET") =>
    new Promise<DownloadResponse>((resolve, reject) => {
      const request = (url.protocol === "https:" ? https : http).request(
        url,
        {
          method,
          headers,
          ...(signal ? { signal } : {}),
          ...(options.lookup ? { lookup: options.lookup } : {}),
        },
        (res) => {
          clearTimeout(timer);
          // Idle: no bytes on the socket for idleMs while the body is read (reset by every chunk).
          request.setTimeout(timeouts.idleMs, () =>
            res.destroy(new ZoomTimeoutError("idle", timeouts.idleMs)),
          );
          resolve(nodeResponse(res));
        },
      );
      const fail = (phase: ZoomWaitPhase, ms: number) => () =>
        request.destroy(new ZoomTimeoutError(phase, ms));
      let timer = startTimer(timeouts.connectMs, fail("connect", timeouts.connectMs));
      request.once("socket", (socket) => {
        const connected = () => {
          clearTimeout(timer);
          timer = startTimer(timeouts.headersMs, fail("headers", timeouts.headersMs));
        };
        // A kept-alive socket is open already: only the wait for headers is left.
        if (socket.connecting) socket.once("connect", connected);
        else connected();
      });
      // `on`, not `once`: a late error after the answer must not go unhandled (reject is then a no-op).
      request.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end();
    });
}

function nodeResponse(res: http.IncomingMessage): DownloadResponse {
  return {
    status: res.statusCode ?? 0,
    header: (name) => {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
    body: res,
  };
}

/** node:http with the default timeouts. */
export const nodeHttpTransport: DownloadTransport = createNodeHttpTransport();

/**
 * Any fetch (an injected one in tests): `redirect: "manual"`, the body adapted to a Readable.
 * Connect and header timeouts make one deadline here; the idle timeout guards every body read.
 */
export function fetchTransport(
  fetchImpl: typeof fetch,
  timeouts: ZoomTimeouts = DEFAULT_ZOOM_TIMEOUTS,
): DownloadTransport {
  const untilHeaders = timeouts.connectMs + timeouts.headersMs;
  return async (url, headers, signal, method = "GET") => {
    const drop = new AbortController();
    const both = signal ? AbortSignal.any([signal, drop.signal]) : drop.signal;
    const response = await within(
      fetchImpl(url, { method, headers, redirect: "manual", signal: both }),
      untilHeaders,
      "headers",
      drop,
    );
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: response.body
        ? Readable.from(webChunks(response.body as NodeReadableStream<Uint8Array>, timeouts.idleMs, drop))
        : null,
    };
  };
}

/** `promise`, unless `ms` pass first: then the request is dropped and the wait fails by `phase`. */
function within<T>(promise: Promise<T>, ms: number, phase: ZoomWaitPhase, drop: AbortController): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = startTimer(ms, () => {
      const error = new ZoomTimeoutError(phase, ms);
      drop.abort(error);
      reject(error);
    });
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A web stream's chunks as Buffers, each within `idleMs`; a body dropped half-way is cancelled. */
async function* webChunks(
  body: NodeReadableStream<Uint8Array>,
  idleMs: number,
  drop: AbortController,
): AsyncGenerator<Buffer> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await within(reader.read(), idleMs, "idle", drop);
      if (done) return;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Node's own fetch is swapped for node:http (same requests, less CPU); any other fetch is kept. */
export function downloadTransportFor(
  fetchImpl: typeof fetch,
  timeouts: ZoomTimeouts = DEFAULT_ZOOM_TIMEOUTS,
): DownloadTransport {
  return fetchImpl === globalThis.fetch
    ? createNodeHttpTransport(timeouts)
    : fetchTransport(fetchImpl, timeouts);
}

/** The whole body as text (REST answers are small JSON); bounded by the idle timeout per chunk. */
export async function readBodyText(response: DownloadResponse): Promise<string> {
  if (!response.body) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

/** The headers a retry decision reads (src/zoom/rate-limit.ts), as a Headers object. */
export function retryHeaders(response: DownloadResponse): Headers {
  const headers = new Headers();
  for (const name of ["retry-after", "x-ratelimit-type"]) {
    const value = response.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  return headers;
}
