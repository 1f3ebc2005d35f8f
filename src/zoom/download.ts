/**
 * Streams one recording file from Zoom to a local path (reference/zoom.md §4.3, §6.5):
 *
 * - Every URL, the first and each redirect hop, must pass ZOOM_DOWNLOAD_HOSTS
 *   (src/zoom/download-url-policy.ts). Redirects are followed by hand so no hop is ever contacted
 *   before it was checked, and a hop off the list fails the download without a request.
 * - The bearer token goes only to the origin of the `download_url` itself; the signed storage URL
 *   Zoom redirects to needs none, and a token must not travel further than it has to.
 * - Tokens are tried in order (fresh `download_access_token`, the webhook's `download_token`, the
 *   OAuth token, a freshly refreshed OAuth token); 401/403 moves on to the next one.
 * - The body streams to disk (never held in memory), counted against `maxBytes`, and checked: an
 *   HTML page (Zoom's login page answers 200) or a size other than `file_size` is a retryable
 *   failure, never a file. A connection that breaks mid-body is resumed with `Range` (or restarted
 *   from byte 0 when the server answers 200 instead of 206).
 * - Speed: the request goes over a socket that reads into one reused buffer
 *   (src/zoom/socket-transport.ts), not node:http or a web stream, and the bytes are copied into
 *   two 1 MiB buffers written in turn, one while the other fills, so reading never waits for a
 *   write per read and nothing is allocated per read.
 *   `onWritten` reports every byte that reached the file (an upload may follow the file as it
 *   grows); `onRestart` says the file was cut back to 0 bytes.
 */
import type { FileHandle } from "node:fs/promises";
import { AppError } from "../errors.js";
import { openMediaFileExclusive } from "../media/media-dir.js";
import {
  type DownloadResponse,
  type DownloadTransport,
  fetchTransport,
  retryHeaders,
} from "./download-transport.js";
import { checkDownloadUrl } from "./download-url-policy.js";
import { retryDelayFromZoomResponse } from "./rate-limit.js";
import { createSocketTransport } from "./socket-transport.js";
import { ZoomTimeoutError, type ZoomTimeouts } from "./zoom-timeouts.js";

export interface DownloadToken {
  /** For logs and metrics only: `download_access_token`, `webhook_download_token`, `oauth`, … */
  name: string;
  /** Produces the token lazily (a refresh may be involved); undefined skips this candidate. */
  get(): Promise<string | undefined>;
}

export interface DownloadRecordingOptions {
  url: string;
  allowedHosts: readonly string[];
  tokens: readonly DownloadToken[];
  /** Where the file goes; overwritten. */
  destination: string;
  /** `file_size` from Zoom; the download must end at exactly this many bytes when given. */
  expectedBytes?: number;
  /** Refuse anything larger (MAX_RECORDING_MB). */
  maxBytes: number;
  /** Node's own fetch means the socket transport (the fast path); any other fetch is used as it is. */
  fetch: typeof fetch;
  /** Overrides the transport chosen from `fetch`. */
  transport?: DownloadTransport;
  /** Connect, response-header and idle timeouts (ZOOM_*_TIMEOUT_MS); default DEFAULT_ZOOM_TIMEOUTS. */
  timeouts?: ZoomTimeouts;
  signal?: AbortSignal;
  /** Milliseconds since the epoch, for Retry-After dates. */
  now: () => number;
  random?: () => number;
  /** The job's attempt number, for backoff without Retry-After. */
  attempt?: number;
  /** Redirect hops followed per request; default 5. */
  maxRedirects?: number;
  /** Resumes after a broken connection before giving up on this attempt; default 3. */
  maxResumes?: number;
  /** Called with the size of every batch written to the file (metrics, progress). */
  onBytes?: (bytes: number) => void;
  /** Called after every write with how many bytes the file now holds from its start. */
  onWritten?: (fileBytes: number) => void;
  /** The file was cut back to 0 bytes (the server restarted the body): what was read is void. */
  onRestart?: () => void;
  /**
   * Opens the destination for writing. Default: created anew, never through a symlink
   * (src/media/media-dir.ts). Tests put a full disk here.
   */
  openFile?: (path: string) => Promise<FileHandle>;
}

export interface DownloadResult {
  bytes: number;
  /** Name of the token candidate that worked. */
  token: string;
  contentType: string | undefined;
  /** How many times a broken body was resumed or restarted. */
  resumes: number;
}

const HTML_START = /^\s*(<!doctype\s+html|<html|<head|<body|<\?xml)/i;
/** Received bytes are written in batches of this size (one write each, from one of two buffers). */
const WRITE_BATCH_BYTES = 1 << 20;

/**
 * Node's own fetch means the socket transport (reads into one reused buffer: no garbage per read);
 * any other fetch (tests that rewrite answers, a proxy) is used as it is.
 */
function fileTransportFor(fetchImpl: typeof fetch, timeouts: ZoomTimeouts | undefined): DownloadTransport {
  return fetchImpl === globalThis.fetch
    ? createSocketTransport(timeouts)
    : fetchTransport(fetchImpl, timeouts);
}

type Attempt =
  | { kind: "done"; result: Omit<DownloadResult, "token"> }
  | { kind: "unauthorized"; status: number };

export async function downloadRecording(options: DownloadRecordingOptions): Promise<DownloadResult> {
  const first = checkDownloadUrl(options.url, options.allowedHosts);
  if (!first.ok) {
    throw new AppError("download.refused_host", `download URL refused (${first.reason})`, {
      details: { reason: first.reason },
    });
  }
  if (options.expectedBytes !== undefined && options.expectedBytes > options.maxBytes) {
    throw tooLarge(options.expectedBytes, options.maxBytes);
  }
  let lastStatus = 0;
  for (const candidate of options.tokens) {
    const token = await candidate.get();
    if (!token) continue;
    const outcome = await attemptWithToken(options, first.url, token);
    if (outcome.kind === "done") return { ...outcome.result, token: candidate.name };
    lastStatus = outcome.status;
  }
  // ZoomNet #348 (zoom.md §6.4): files may answer 401 for a while after the event. Retry later.
  throw new AppError("download.failed", `Zoom refused every download token (HTTP ${lastStatus || "none"})`, {
    status: lastStatus || 401,
    retryable: true,
    details: { status: lastStatus, tokens: options.tokens.map((t) => t.name) },
  });
}

async function attemptWithToken(
  options: DownloadRecordingOptions,
  url: URL,
  token: string,
): Promise<Attempt> {
  const maxResumes = options.maxResumes ?? 3;
  const transport = options.transport ?? fileTransportFor(options.fetch, options.timeouts);
  const restart = async (file: FileHandle): Promise<number> => {
    await file.truncate(0);
    options.onRestart?.();
    return 0;
  };
  let offset = 0;
  let resumes = 0;
  const file = await (options.openFile ?? openMediaFileExclusive)(options.destination).catch(
    (error: unknown) => {
      throw unwritable(error);
    },
  );
  try {
    for (;;) {
      const response = await requestFollowingRedirects(options, transport, url, token, offset);
      const verdict = await judgeAnswer(response, offset, options);
      if (verdict.kind === "unauthorized") return verdict;
      if (verdict.kind === "restart") {
        offset = await restart(file);
        if (++resumes > maxResumes) throw truncated(offset, options.expectedBytes);
        continue;
      }
      const { contentType } = verdict;
      if (verdict.wholeFile && offset > 0) {
        // 200 to a Range request: the server sends the whole file again (zoom.md §4.3).
        offset = await restart(file);
      }
      const announced = Number(response.header("content-length") ?? Number.NaN);
      if (Number.isFinite(announced) && offset + announced > options.maxBytes) {
        await discard(response);
        throw tooLarge(offset + announced, options.maxBytes);
      }
      const streamed = await streamBody(response, file, offset, options);
      offset = streamed.offset;
      if (streamed.broken === undefined) {
        const expected = options.expectedBytes;
        if (expected === undefined || offset === expected) {
          return { kind: "done", result: { bytes: offset, contentType, resumes } };
        }
        if (offset > expected) {
          throw new AppError("download.truncated", `download is ${offset} bytes, Zoom said ${expected}`, {
            retryable: true,
            details: { bytes: offset, expected },
          });
        }
      }
      // Broken or short: resume from what we have.
      if (++resumes > maxResumes) throw truncated(offset, options.expectedBytes, streamed.broken);
    }
  } finally {
    await file.close();
  }
}

/**
 * What an answer's status and headers say before its body is read: a refusal of the token (only
 * worth a refresh before any byte came), start over (the server's idea of the range is not ours),
 * or a body to stream, the whole file (200) or the asked range (206). Anything else is thrown.
 */
async function judgeAnswer(
  response: DownloadResponse,
  offset: number,
  options: DownloadRecordingOptions,
): Promise<
  | { kind: "unauthorized"; status: number }
  | { kind: "restart" }
  | { kind: "body"; contentType: string | undefined; wholeFile: boolean }
> {
  const status = response.status;
  if (status === 401 || status === 403) {
    await discard(response);
    if (offset === 0) return { kind: "unauthorized", status };
    throw new AppError("download.failed", `Zoom refused to resume the download (HTTP ${status})`, {
      status,
      retryable: true,
    });
  }
  if (status === 416 && offset > 0) {
    // The server says we asked beyond the end: our idea of the size is off. Start over.
    await discard(response);
    return { kind: "restart" };
  }
  if (status === 404) {
    await discard(response);
    throw new AppError("zoom.not_found", "the recording file is gone from Zoom", { status });
  }
  if (status === 429 || status >= 500) {
    await discard(response);
    const decision = retryDelayFromZoomResponse(
      status,
      retryHeaders(response),
      options.now(),
      options.attempt ?? 1,
      options.random,
    );
    throw new AppError(
      status === 429 ? "zoom.rate_limited" : "download.failed",
      `download answered HTTP ${status}`,
      {
        status,
        retryable: true,
        retryAfterMs: decision.delayMs,
      },
    );
  }
  if (status !== 200 && status !== 206) {
    await discard(response);
    throw new AppError("download.failed", `download answered HTTP ${status}`, { status, retryable: true });
  }
  const contentType = response.header("content-type");
  if (contentType && /text\/html|application\/xhtml/i.test(contentType)) {
    await discard(response);
    throw htmlPage();
  }
  if (status === 206) {
    const start = Number(/^bytes (\d+)-/i.exec(response.header("content-range") ?? "")?.[1] ?? Number.NaN);
    if (start !== offset) {
      // Not the range we asked for: trust nothing and start over.
      await discard(response);
      return { kind: "restart" };
    }
  }
  return { kind: "body", contentType, wholeFile: status === 200 };
}

async function requestFollowingRedirects(
  options: DownloadRecordingOptions,
  transport: DownloadTransport,
  start: URL,
  token: string,
  offset: number,
): Promise<DownloadResponse> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { "accept-encoding": "identity" };
    // Only the download_url's own origin gets the token; storage hops are pre-signed.
    if (url.origin === start.origin) headers.authorization = `Bearer ${token}`;
    if (offset > 0) headers.range = `bytes=${offset}-`;
    let response: DownloadResponse;
    try {
      response = await transport(url, headers, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const why = error instanceof ZoomTimeoutError ? ` (${error.message})` : "";
      throw new AppError("download.failed", `Zoom's download server could not be reached${why}`, {
        retryable: true,
        cause: error,
      });
    }
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    await discard(response);
    const location = response.header("location");
    if (!location) {
      throw new AppError("download.failed", `redirect ${response.status} without a Location`, {
        retryable: true,
      });
    }
    if (hop >= (options.maxRedirects ?? 5)) {
      throw new AppError("download.failed", "too many redirects", { retryable: true });
    }
    let next: string;
    try {
      next = new URL(location, url).toString();
    } catch {
      throw new AppError("download.refused_host", "redirect to an invalid URL", {
        details: { reason: "invalid_url" },
      });
    }
    const checked = checkDownloadUrl(next, options.allowedHosts);
    if (!checked.ok) {
      throw new AppError("download.refused_host", `redirect refused (${checked.reason})`, {
        details: { reason: checked.reason },
      });
    }
    url = checked.url;
  }
}

async function streamBody(
  response: DownloadResponse,
  file: FileHandle,
  startOffset: number,
  options: DownloadRecordingOptions,
): Promise<{ offset: number; broken: unknown }> {
  const body = response.body;
  if (!body) return { offset: startOffset, broken: undefined };
  const writer = new BatchWriter(file, startOffset, (fileBytes, bytes) => {
    options.onBytes?.(bytes);
    options.onWritten?.(fileBytes);
  });
  let received = startOffset;
  let sniffed = startOffset > 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (!sniffed) {
        sniffed = true;
        if (HTML_START.test(chunk.subarray(0, 512).toString("latin1"))) throw htmlPage();
      }
      received += chunk.length;
      if (received > options.maxBytes) throw tooLarge(received, options.maxBytes);
      const full = writer.add(chunk);
      if (full) await full;
    }
  } catch (error) {
    if (error instanceof AppError) {
      body.destroy();
      await writer.settle();
      throw error;
    }
    await writer.flush();
    if (options.signal?.aborted) throw options.signal.reason;
    return { offset: writer.written, broken: error };
  }
  await writer.flush();
  return { offset: writer.written, broken: undefined };
}

/**
 * Copies received chunks into one of two 1 MiB buffers and writes each full one at its position,
 * at most one write in flight: the next buffer fills while the previous one is written. Copying
 * (not keeping) the chunks lets a transport reuse its read buffer, and the two buffers are all the
 * memory a download holds. A local write failure (disk full, read-only) is ours, not a broken
 * download: resuming from Zoom would only fail the same way and blame Zoom for it, so it becomes
 * `media.unwritable`.
 */
class BatchWriter {
  written: number;
  private current = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
  private spare = Buffer.allocUnsafe(WRITE_BATCH_BYTES);
  private fill = 0;
  private inFlight: Promise<void> | undefined;
  private failure: AppError | undefined;

  constructor(
    private readonly file: FileHandle,
    start: number,
    private readonly onWritten: (fileBytes: number, bytes: number) => void,
  ) {
    this.written = start;
  }

  /**
   * Copies a chunk; returns a promise only when a full buffer has to wait for the write before it.
   * The chunk must stay valid until that promise settles (the caller asks for no next chunk before).
   */
  add(chunk: Buffer): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const copied = chunk.copy(this.current, this.fill);
    this.fill += copied;
    if (this.fill < this.current.length) return undefined;
    if (!this.inFlight) {
      this.startWrite();
      return copied < chunk.length ? this.add(chunk.subarray(copied)) : undefined;
    }
    const rest = copied < chunk.length ? chunk.subarray(copied) : undefined;
    return this.inFlight.then(() => {
      if (this.failure) throw this.failure;
      this.startWrite();
      return rest ? this.add(rest) : undefined;
    });
  }

  /** Writes everything queued; throws the write failure, if any. */
  async flush(): Promise<void> {
    await this.settle();
    if (this.failure) throw this.failure;
    if (this.fill > 0) this.startWrite();
    await this.settle();
    if (this.failure) throw this.failure;
  }

  /** Waits for the write in flight (never throws). */
  async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  private startWrite(): void {
    const full = this.current;
    const bytes = this.fill;
    const at = this.written;
    this.current = this.spare;
    this.spare = full;
    this.fill = 0;
    this.inFlight = this.file.write(full, 0, bytes, at).then(
      () => {
        this.inFlight = undefined;
        this.written = at + bytes;
        this.onWritten(this.written, bytes);
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.failure = unwritable(error);
      },
    );
  }
}

async function discard(response: DownloadResponse): Promise<void> {
  response.body?.destroy();
}

function htmlPage(): AppError {
  return new AppError("download.html", "Zoom answered the download with an HTML page, not the recording", {
    retryable: true,
  });
}

function unwritable(cause: unknown): AppError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new AppError(
    "media.unwritable",
    `could not write the download to MEDIA_DIR (${String(code ?? cause)})`,
    {
      retryable: true,
      cause,
    },
  );
}

function tooLarge(bytes: number, max: number): AppError {
  return new AppError("download.too_large", `the recording is ${bytes} bytes, over the ${max}-byte limit`, {
    details: { bytes, max },
  });
}

function truncated(bytes: number, expected: number | undefined, cause?: unknown): AppError {
  // A stalled body (the idle timeout) says so: it is Zoom going quiet, not a short file.
  const why = cause instanceof ZoomTimeoutError ? ` (${cause.message})` : "";
  return new AppError(
    "download.truncated",
    `the download broke off at ${bytes} of ${expected ?? "?"} bytes${why}`,
    {
      retryable: true,
      cause,
      details: { bytes, expected },
    },
  );
}
