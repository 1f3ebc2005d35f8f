/**
 * Plumbing shared by the fake Zoom and fake Telegram servers: a `node:http` server that tracks its
 * sockets (so `close()` can cut hung requests), small response helpers, bounded body reading, the
 * queue of faults a test injects, and an event-driven `waitFor` so tests never sleep.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface RunningServer {
  /** Port chosen by the OS (the server binds port 0). */
  readonly port: number;
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string;
  /** Stops listening and destroys every open socket (hung requests included). Idempotent. */
  close(): Promise<void>;
}

export interface StartHttpServerOptions {
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * Also listen on `[::1]` with the same port (best effort), so `http://localhost:PORT` works
   * where `localhost` resolves to the IPv6 loopback first.
   */
  alsoIpv6Loopback?: boolean;
  /** Called for a request with `Expect: 100-continue`; must answer or call `res.writeContinue()`. */
  onCheckContinue?: RequestHandler;
  /** A handler threw: the fake has a bug. The server answers 500 (or drops the socket). */
  onInternalError?: (err: unknown) => void;
}

/** Starts a plain `node:http` server on an ephemeral port. */
export async function startHttpServer(
  handler: RequestHandler,
  opts: StartHttpServerOptions = {},
): Promise<RunningServer> {
  const host = opts.host ?? "127.0.0.1";
  const sockets = new Set<Socket>();
  const servers: http.Server[] = [];

  const safe =
    (h: RequestHandler) =>
    (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const fail = (err: unknown) => {
        opts.onInternalError?.(err);
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, { error: "fake server bug", message: String(err) });
        } else {
          res.destroy();
        }
      };
      try {
        const out = h(req, res);
        if (out instanceof Promise) out.catch(fail);
      } catch (err) {
        fail(err);
      }
    };

  const make = (): http.Server => {
    const server = http.createServer(
      {
        // Long uploads and downloads (1 GiB benchmarks) must not be cut by Node's 300 s default.
        requestTimeout: 0,
        keepAliveTimeout: 5_000,
      },
      safe(handler),
    );
    if (opts.onCheckContinue) server.on("checkContinue", safe(opts.onCheckContinue));
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    // A client that resets mid-request is normal traffic for a fault-injecting fake.
    server.on("clientError", (_err, socket) => socket.destroy());
    servers.push(server);
    return server;
  };

  const primary = make();
  await new Promise<void>((resolve, reject) => {
    primary.once("error", reject);
    primary.listen(0, host, () => {
      primary.off("error", reject);
      resolve();
    });
  });
  const port = (primary.address() as AddressInfo).port;

  if (opts.alsoIpv6Loopback && host !== "::1") {
    const v6 = make();
    await new Promise<void>((resolve) => {
      v6.once("error", () => {
        // No IPv6 loopback, or the port is taken there: `localhost` is 127.0.0.1 then.
        servers.splice(servers.indexOf(v6), 1);
        resolve();
      });
      v6.listen(port, "::1", () => resolve());
    });
  }

  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${urlHost}:${port}`,
    close() {
      closing ??= Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
            }),
        ),
      ).then(() => undefined);
      for (const socket of sockets) socket.destroy();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Responses

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  sendBody(res, status, Buffer.from(JSON.stringify(body)), "application/json; charset=utf-8", headers);
}

export function sendBody(
  res: http.ServerResponse,
  status: number,
  body: Buffer | string,
  contentType: string,
  headers: http.OutgoingHttpHeaders = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-type": contentType, "content-length": buf.length, ...headers });
  res.end(buf);
}

/**
 * Sends the full response with `Content-Length` at once but keeps the connection open, reading and
 * discarding the rest of the request body, then closes. This is nginx's "lingering close": it stops
 * *processing* an oversized upload at once, and the client still gets the answer instead of a
 * connection reset caused by closing a socket with unread data.
 */
export function sendEarlyAndLinger(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  body: Buffer | string,
  contentType: string,
  opts: { lingerMs?: number; onDiscard?: (bytes: number) => void } = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-type": contentType, "content-length": buf.length, connection: "close" });
  if (req.complete) {
    res.end(buf);
    return;
  }
  res.write(buf);
  const finish = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  // nginx's lingering_time is 30 s; a client that stalls longer just gets its socket closed.
  const timer = setTimeout(() => res.destroy(), opts.lingerMs ?? 30_000);
  timer.unref();
  req.on("data", (chunk: Buffer) => opts.onDiscard?.(chunk.length));
  req.once("end", finish);
  res.once("close", () => clearTimeout(timer));
  req.resume();
}

/** Sends a TCP RST (where supported) instead of a clean FIN. */
export function resetSocket(socket: Socket | null | undefined): void {
  if (!socket || socket.destroyed) return;
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

// ---------------------------------------------------------------------------------------------
// Requests

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: "too_large" | "aborted" };

/** Reads a whole (small) body, refusing more than `limit` bytes. Leaves the stream paused on refusal. */
export function readBody(
  req: http.IncomingMessage,
  limit: number,
  onBytes?: (n: number) => void,
): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const settle = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      onBytes?.(chunk.length);
      if (size > limit) {
        req.pause();
        settle({ ok: false, reason: "too_large" });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => settle({ ok: true, body: Buffer.concat(chunks) }));
    req.once("error", () => settle({ ok: false, reason: "aborted" }));
    req.once("close", () => {
      if (!req.complete) settle({ ok: false, reason: "aborted" });
    });
  });
}

/** Reads and discards the request body; resolves with the number of bytes seen. */
export function drain(req: http.IncomingMessage, onBytes?: (n: number) => void): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    if (req.complete) {
      resolve(0);
      return;
    }
    req.on("data", (chunk: Buffer) => {
      n += chunk.length;
      onBytes?.(chunk.length);
    });
    req.once("end", () => resolve(n));
    req.once("close", () => resolve(n));
    req.resume();
  });
}

export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** `Authorization: Basic base64(user:pass)` → credentials, else undefined. */
export function basicAuth(req: http.IncomingMessage): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(headerValue(req, "authorization") ?? "");
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

/** `Authorization: Bearer X` → X, else undefined. */
export function bearerToken(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, "authorization") ?? "");
  return m?.[1];
}

/** Parses `Range: bytes=a-b` / `bytes=a-` / `bytes=-n` against `size`; multi-ranges are ignored. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return undefined; // unsupported syntax (e.g. several ranges): serve the whole file
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return undefined;
  if (a === "") {
    const n = Number(b);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}

// ---------------------------------------------------------------------------------------------
// Misc

/** URL-safe random token, `prefix` + base64url(bytes). */
export function randomToken(prefix = "", bytes = 24): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

/**
 * The faults a test queued on a fake, per route or method: each is answered `times` times, in the
 * order they were queued, after which that route behaves normally again.
 */
export class FaultQueue<K, F> {
  private readonly entries = new Map<K, Array<{ fault: F; remaining: number }>>();

  add(key: K, fault: F, times: number): void {
    const list = this.entries.get(key) ?? [];
    list.push({ fault, remaining: times });
    this.entries.set(key, list);
  }

  /** The fault the next request to `key` gets, if any is left (it counts as used). */
  take(key: K): F | undefined {
    const entry = this.entries.get(key)?.find((f) => f.remaining > 0);
    if (!entry) return undefined;
    entry.remaining--;
    return entry.fault;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Lets tests wait for a state change instead of sleeping: the fake calls `notify()` whenever its
 * state changes, and `waitFor(check)` re-evaluates `check` on each notification.
 */
export class Signal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolves with the first truthy value `check()` returns (checked now and after each state
   * change); rejects after `timeoutMs` (a safety net, not a sleep).
   */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs = 5_000, label = "condition"): Promise<T> {
    const first = check();
    if (first) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        let value: T | undefined | null | false;
        try {
          value = check();
        } catch (err) {
          cleanup();
          reject(err);
          return;
        }
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      this.listeners.add(listener);
    });
  }
}
