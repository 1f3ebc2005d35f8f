/**
 * How a download reaches Zoom: one GET, no redirect following, the body as a Node Readable.
 *
 * By default it is node:http/https (`http.request`): the body arrives as the socket's own Buffers,
 * with no web-stream layer in between — on loopback that costs about half the CPU per byte of
 * Node's fetch (undici's WHATWG ReadableStream adds a promise and a copy per chunk), which is what
 * held a download to ~130 MB/s on a busy core. An injected fetch (tests that rewrite answers,
 * a proxy) is honoured as it is, through the same interface.
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

export interface DownloadResponse {
  readonly status: number;
  /** A response header (lower-case name); several values are joined with ", ". */
  header(name: string): string | undefined;
  /** The body; null when there is none. Destroy it to drop the connection. */
  readonly body: Readable | null;
}

/** One GET, redirects not followed; rejects only when no answer arrived (network, abort). */
export type DownloadTransport = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal | undefined,
) => Promise<DownloadResponse>;

/** node:http/https: the fast path, used whenever the process's fetch is Node's own. */
export const nodeHttpTransport: DownloadTransport = (url, headers, signal) =>
  new Promise<DownloadResponse>((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(
      url,
      { method: "GET", headers, ...(signal ? { signal } : {}) },
      (res) => {
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(", ") : value;
          },
          body: res,
        });
      },
    );
    request.once("error", reject);
    request.end();
  });

/** Any fetch (an injected one in tests): `redirect: "manual"`, the body adapted to a Readable. */
export function fetchTransport(fetchImpl: typeof fetch): DownloadTransport {
  return async (url, headers, signal) => {
    const response = await fetchImpl(url, { headers, redirect: "manual", ...(signal ? { signal } : {}) });
    return {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      body: response.body ? Readable.from(webChunks(response.body as NodeReadableStream<Uint8Array>)) : null,
    };
  };
}

/** A web stream's chunks as Buffers; a body dropped half-way is cancelled (its rejection ignored). */
async function* webChunks(body: NodeReadableStream<Uint8Array>): AsyncGenerator<Buffer> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Node's own fetch is swapped for node:http (same requests, less CPU); any other fetch is kept. */
export function downloadTransportFor(fetchImpl: typeof fetch): DownloadTransport {
  return fetchImpl === globalThis.fetch ? nodeHttpTransport : fetchTransport(fetchImpl);
}
