/**
 * Downloads over a bare TCP or TLS socket that reads into one reused buffer (Node's `onread`
 * option of net.connect and tls.connect), with a small HTTP/1.1 response parser.
 *
 * Why: node:http allocates a new 64 KiB Buffer for every socket read. Relaying 1 GiB makes 16,000
 * of them; they die at once, but V8 only frees external memory in a garbage collection, and once a
 * process has idled (its heap limits shrunk) that pile-up starts a mark-compact every few dozen
 * milliseconds: most of a relay's CPU went to them (docs/scaling.md, "CPU per relay"). Reading into
 * one buffer allocates nothing per read, so no garbage builds up.
 *
 * The price is a rule for the body: a chunk is a view of the read buffer and is valid only until
 * the next chunk is asked for (the socket stays paused until then). Consumers copy what they keep
 * (src/zoom/download.ts writes through its own batch buffers).
 *
 * The parser reads what a download needs: the status line, headers, and a body framed by
 * Content-Length, chunked transfer coding, or the end of the connection. It asks for
 * `connection: close`, so a socket serves one request. Timeouts are those of
 * src/zoom/zoom-timeouts.ts: connect, response headers (TLS included), and idle between reads.
 */
import net, { type LookupFunction } from "node:net";
import tls from "node:tls";
import type { DownloadResponse, DownloadTransport, ResponseBody } from "./download-transport.js";
import { DEFAULT_ZOOM_TIMEOUTS, startTimer, ZoomTimeoutError, type ZoomTimeouts } from "./zoom-timeouts.js";

/** Bytes per socket read (one buffer per request). */
const READ_BUFFER_BYTES = 256 * 1024;
/** A status line and headers longer than this are refused. */
const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line (with extensions) or a trailer line longer than this is refused. */
const MAX_LINE_BYTES = 4 * 1024;

/** A response the parser could not read, or a connection that ended before its body did. */
export class HttpProtocolError extends Error {
  readonly code: string;
  constructor(message: string, code = "HPE_INVALID") {
    super(message);
    this.name = "HttpProtocolError";
    this.code = code;
  }
}

export interface SocketTransportOptions {
  /** Replaces DNS (tests: a name that never resolves keeps the connection from opening). */
  lookup?: LookupFunction;
  /** Certificates to trust instead of the system's (tests with their own TLS server). */
  ca?: string | Buffer;
}

export function createSocketTransport(
  timeouts: ZoomTimeouts = DEFAULT_ZOOM_TIMEOUTS,
  options: SocketTransportOptions = {},
): DownloadTransport {
  return (url, headers, signal, method = "GET") => {
    let exchange: Exchange | undefined;
    const answer = new Promise<DownloadResponse>((resolve, reject) => {
      exchange = new Exchange(url, headers, method, timeouts, options, resolve, reject);
    });
    if (exchange && signal) abortOn(exchange, signal);
    return answer;
  };
}

/** Drops the exchange when `signal` aborts (at once if it already has). */
function abortOn(exchange: Exchange, signal: AbortSignal): void {
  if (signal.aborted) {
    exchange.destroy(abortError(signal));
    return;
  }
  const onAbort = () => exchange.destroy(abortError(signal));
  signal.addEventListener("abort", onAbort, { once: true });
  exchange.onClose(() => signal.removeEventListener("abort", onAbort));
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException("The download was aborted", "AbortError");
}

/** The request line and headers; values with CR or LF are refused (no header injection). */
function requestHead(url: URL, headers: Readonly<Record<string, string>>, method: string): string {
  const lines = [`${method} ${url.pathname || "/"}${url.search} HTTP/1.1`, `host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
      throw new HttpProtocolError(`header ${name} holds a line break`);
    if (name.toLowerCase() === "host" || name.toLowerCase() === "connection") continue;
    lines.push(`${name}: ${value}`);
  }
  lines.push("connection: close", "", "");
  return lines.join("\r\n");
}

interface ParsedHead {
  status: number;
  headers: Map<string, string>;
}

/** Parses "HTTP/1.x NNN reason" and "name: value" lines; throws on anything else. */
function parseHead(text: string): ParsedHead {
  const lines = text.split("\r\n");
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!statusLine) throw new HttpProtocolError("the response has no HTTP/1.x status line");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpProtocolError("a response header line has no name");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status: Number(statusLine[1]), headers };
}

/** How the body's end is known. */
type Framing =
  | { kind: "none" }
  | { kind: "length"; left: number }
  | { kind: "close" }
  | { kind: "chunked"; decoder: ChunkedDecoder };

function framingFor(head: ParsedHead, method: string): Framing {
  if (method === "HEAD" || head.status === 204 || head.status === 304) return { kind: "none" };
  const coding = head.headers.get("transfer-encoding");
  if (coding !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(coding)) {
      throw new HttpProtocolError(`unsupported transfer-encoding: ${coding.slice(0, 40)}`);
    }
    return { kind: "chunked", decoder: new ChunkedDecoder() };
  }
  const length = head.headers.get("content-length");
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new HttpProtocolError("content-length is not a number");
    const left = Number(length);
    return left === 0 ? { kind: "none" } : { kind: "length", left };
  }
  return { kind: "close" };
}

/** Chunked transfer coding (RFC 9112 §7.1): hands out views of the data, drops sizes and trailers. */
class ChunkedDecoder {
  private state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  private line = "";
  private left = 0;

  get done(): boolean {
    return this.state === "done";
  }

  /** Feeds bytes; pushes the data views into `out`. Bytes after the body's end are ignored. */
  feed(bytes: Buffer, out: Buffer[]): void {
    let at = 0;
    while (at < bytes.length && this.state !== "done") {
      if (this.state === "data") {
        const take = Math.min(this.left, bytes.length - at);
        out.push(bytes.subarray(at, at + take));
        at += take;
        this.left -= take;
        if (this.left === 0) this.state = "data-end";
        continue;
      }
      const newline = bytes.indexOf(10, at);
      const end = newline === -1 ? bytes.length : newline;
      this.line += bytes.toString("latin1", at, end);
      if (this.line.length > MAX_LINE_BYTES) throw new HttpProtocolError("a chunk line is too long");
      at = newline === -1 ? bytes.length : newline + 1;
      if (newline === -1) break;
      const line = this.line.replace(/\r$/, "");
      this.line = "";
      this.lineDone(line);
    }
  }

  private lineDone(line: string): void {
    if (this.state === "data-end") {
      if (line !== "") throw new HttpProtocolError("a chunk does not end where its size said");
      this.state = "size";
    } else if (this.state === "size") {
      const size = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
      if (!size) throw new HttpProtocolError("a chunk size is not hexadecimal");
      this.left = Number.parseInt(size[1] as string, 16);
      this.state = this.left === 0 ? "trailer" : "data";
    } else if (this.state === "trailer" && line === "") {
      this.state = "done";
    }
  }
}

/** One request on one socket: the head resolves the transport's promise, the body is iterated. */
class Exchange implements ResponseBody {
  private readonly socket: net.Socket;
  private readonly buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private head: Buffer | undefined = Buffer.alloc(0);
  private framing: Framing = { kind: "none" };
  /** Views ready for the consumer; all valid until the socket reads again. */
  private ready: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout;
  private closeHooks: Array<() => void> = [];

  constructor(
    url: URL,
    headers: Readonly<Record<string, string>>,
    private readonly method: string,
    private readonly timeouts: ZoomTimeouts,
    options: SocketTransportOptions,
    private resolveHead: ((response: DownloadResponse) => void) | undefined,
    private rejectHead: ((error: unknown) => void) | undefined,
  ) {
    const secure = url.protocol === "https:";
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(url.port || (secure ? 443 : 80));
    const request = requestHead(url, headers, method);
    const onread = { buffer: this.buffer, callback: (n: number) => this.onRead(n) };
    const common = { host, port, onread, ...(options.lookup ? { lookup: options.lookup } : {}) };
    this.timer = startTimer(timeouts.connectMs, () =>
      this.destroy(new ZoomTimeoutError("connect", timeouts.connectMs)),
    );
    this.socket = secure
      ? tls.connect({
          ...common,
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(options.ca ? { ca: options.ca } : {}),
          ALPNProtocols: ["http/1.1"],
        })
      : net.connect(common);
    this.socket.once(secure ? "secureConnect" : "connect", () => {
      clearTimeout(this.timer);
      this.timer = startTimer(timeouts.headersMs, () =>
        this.destroy(new ZoomTimeoutError("headers", timeouts.headersMs)),
      );
      this.socket.write(request);
    });
    this.socket.on("error", (error) => this.fail(error));
    const closedEarly = () =>
      new HttpProtocolError("the connection closed before the response ended", "ECONNRESET");
    this.socket.on("end", () => {
      if (this.framing.kind === "close" && this.head === undefined) this.finish();
      else this.fail(closedEarly());
    });
    this.socket.on("close", () => {
      clearTimeout(this.timer);
      if (!this.ended) this.fail(closedEarly());
      for (const hook of this.closeHooks.splice(0)) hook();
    });
  }

  onClose(hook: () => void): void {
    this.closeHooks.push(hook);
  }

  destroy(error?: Error): void {
    if (error) this.fail(error);
    else if (!this.ended) this.fail(new HttpProtocolError("the body was dropped", "ABORTED"));
    this.socket.destroy();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const chunk = this.ready.shift();
        if (chunk) {
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        // Everything read was handed out and the consumer asked for more: read again.
        const more = new Promise<void>((resolve) => {
          this.waiter = resolve;
        });
        this.socket.resume();
        await more;
      }
    } finally {
      this.socket.destroy();
    }
  }

  /** `onread`'s callback: returning false pauses the socket until the consumer took every view. */
  private onRead(n: number): boolean {
    try {
      const bytes = this.buffer.subarray(0, n);
      if (this.head !== undefined) this.readHead(bytes);
      else this.readBody(bytes);
    } catch (error) {
      this.destroy(error as Error);
      return false;
    }
    if (this.ended) this.socket.destroy();
    this.wake();
    return this.ready.length === 0 && !this.ended;
  }

  private readHead(bytes: Buffer): void {
    // The head is copied (it is small); the bytes after it are body, copied too this once.
    let head = Buffer.concat([this.head as Buffer, bytes]);
    for (;;) {
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) {
        if (head.length > MAX_HEAD_BYTES) throw new HttpProtocolError("the response headers are too long");
        this.head = head;
        return;
      }
      const parsed = parseHead(head.toString("latin1", 0, end));
      const rest = head.subarray(end + 4);
      if (parsed.status >= 100 && parsed.status < 200) {
        head = rest; // an interim answer (100 Continue, 103 Early Hints): the real one follows
        continue;
      }
      this.head = undefined;
      this.framing = framingFor(parsed, this.method);
      clearTimeout(this.timer);
      this.socket.setTimeout(this.timeouts.idleMs, () =>
        this.destroy(new ZoomTimeoutError("idle", this.timeouts.idleMs)),
      );
      if (this.framing.kind === "none") this.finish();
      else if (rest.length > 0) this.readBody(rest);
      const resolve = this.resolveHead;
      this.resolveHead = undefined;
      this.rejectHead = undefined;
      resolve?.({
        status: parsed.status,
        header: (name) => parsed.headers.get(name.toLowerCase()),
        body: this.framing.kind === "none" ? null : this,
      });
      return;
    }
  }

  private readBody(bytes: Buffer): void {
    const framing = this.framing;
    if (framing.kind === "close") {
      this.ready.push(bytes);
    } else if (framing.kind === "length") {
      const take = Math.min(framing.left, bytes.length);
      if (take > 0) this.ready.push(bytes.subarray(0, take));
      framing.left -= take;
      if (framing.left === 0) this.finish();
    } else if (framing.kind === "chunked") {
      framing.decoder.feed(bytes, this.ready);
      if (framing.decoder.done) this.finish();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.setTimeout(0);
    this.wake();
  }

  private fail(error: Error): void {
    if (this.failure || this.ended) return;
    this.failure = error;
    clearTimeout(this.timer);
    const reject = this.rejectHead;
    this.resolveHead = undefined;
    this.rejectHead = undefined;
    reject?.(error);
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
