/**
 * Uploading files from disk to the Bot API through two reused buffers (a grammY transformer).
 *
 * grammY sends an InputFile as a stream through its multipart generator and node-fetch; every
 * chunk read from the file is a new Buffer that lives until the socket has written it, and nothing
 * tells the reader when that is. Relaying 1 GiB leaves a gigabyte of such buffers for V8 to
 * collect, and in a process that has idled a while that costs more CPU than the upload itself
 * (docs/scaling.md, "CPU per relay"). Here the body is written by hand: the multipart head, the
 * file read into one of two buffers while the other is on the socket (a buffer is read into again
 * only after the socket reported its write done), the multipart tail, with a Content-Length.
 *
 * Only calls whose files are all {@link UploadFile}s take this path; any other call, and every call
 * when the bot has an injected fetch (tests that rewrite answers, a proxy), goes through grammY as
 * before. The answer is handed back to grammY as the Bot API's JSON, so errors are grammY's own:
 * `ok: false` becomes a GrammyError in grammY, a failed request or an answer that is not JSON an
 * HttpError here (src/delivery/telegram-upload.ts reads a non-JSON answer to an upload as nginx's
 * 413 page, telegram.md §7.1). The multipart layout is grammY's (telegram.md §5.3): fields first,
 * each file as `attach://<id>` and a part named by that id, the file name unquoted.
 */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { HttpError, InputFile, type Transformer } from "grammy";

/** A file opened for one upload: its size is known before the first byte is sent. */
export interface UploadReader {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buffer`; 0 only past the end. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a fresh reader per attempt, so a repeated request sends the whole file again. */
export type OpenUpload = () => Promise<UploadReader>;

/** A complete file on disk; its size is read when it is opened. */
export function diskFile(path: string): OpenUpload {
  return async () => {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      return {
        size,
        read: async (buffer, length, position) => (await handle.read(buffer, 0, length, position)).bytesRead,
        close: () => handle.close(),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  };
}

/** Bytes per read and per socket write. */
export const UPLOAD_CHUNK_BYTES = 1 << 20;

/**
 * An InputFile that the transformer uploads through reused buffers. Without the transformer
 * (grammY's own path) it is an ordinary supplier InputFile reading the same file.
 */
export class UploadFile extends InputFile {
  constructor(
    readonly openUpload: OpenUpload,
    filename: string,
  ) {
    super(() => Readable.from(chunksOf(openUpload), { objectMode: false }), filename);
  }
}

/** The file as fresh Buffers, for grammY's own multipart path. */
async function* chunksOf(openUpload: OpenUpload): AsyncGenerator<Buffer> {
  const reader = await openUpload();
  try {
    for (let position = 0; position < reader.size; ) {
      const buffer = Buffer.allocUnsafe(Math.min(UPLOAD_CHUNK_BYTES, reader.size - position));
      const n = await reader.read(buffer, buffer.length, position);
      if (n === 0) throw shortFile(position, reader.size);
      position += n;
      yield n === buffer.length ? buffer : buffer.subarray(0, n);
    }
  } finally {
    await reader.close();
  }
}

function shortFile(position: number, size: number): Error {
  return new Error(`the file ended at ${position} of its ${size} bytes`);
}

export interface FileUploadOptions {
  token: string;
  apiRoot: string;
  environment?: "prod" | "test";
  timeoutSeconds: number;
}

/** The transformer: uploads calls carrying only UploadFiles itself, passes everything else on. */
export function fileUploads(options: FileUploadOptions): Transformer {
  return (async (prev, method, payload, signal) => {
    const files = uploadFilesIn(payload as Record<string, unknown>);
    if (!files) return prev(method, payload, signal);
    const prefix = options.environment === "test" ? "test/" : "";
    const url = new URL(`${options.apiRoot}/bot${options.token}/${prefix}${method}`);
    const upload = postMultipart(url, method, payload as Record<string, unknown>, files, {
      // grammY types the signal with the abort-controller polyfill; at runtime it is Node's.
      signal: signal as AbortSignal | undefined,
      timeoutMs: options.timeoutSeconds * 1000,
    });
    // Like grammY: whatever keeps the request from completing (a file that cannot be opened or
    // read, a broken connection) is an HttpError.
    return (await upload.catch((error: unknown) => {
      throw new HttpError(`Network request for '${method}' failed!`, error);
    })) as never;
  }) as Transformer;
}

/** The top-level UploadFiles of a payload; undefined when there are none or any other InputFile. */
function uploadFilesIn(payload: Record<string, unknown>): UploadFile[] | undefined {
  const files: UploadFile[] = [];
  for (const value of Object.values(payload)) {
    if (value instanceof UploadFile) files.push(value);
    else if (containsInputFile(value)) return undefined;
  }
  return files.length > 0 ? files : undefined;
}

function containsInputFile(value: unknown): boolean {
  if (value instanceof InputFile) return true;
  if (typeof value !== "object" || value === null) return false;
  return Object.values(value).some(containsInputFile);
}

interface Part {
  id: string;
  file: UploadFile;
  reader: UploadReader;
}

async function postMultipart(
  url: URL,
  method: string,
  payload: Record<string, unknown>,
  files: readonly UploadFile[],
  options: { signal: AbortSignal | undefined; timeoutMs: number },
): Promise<unknown> {
  const boundary = `----zoomgram${randomBytes(12).toString("hex")}`;
  const parts: Part[] = [];
  try {
    for (const file of files) {
      parts.push({ id: randomBytes(8).toString("hex"), file, reader: await file.openUpload() });
    }
    const idOf = new Map(parts.map((p) => [p.file, p.id]));
    const fields: string[] = [];
    for (const [key, value] of Object.entries(payload)) {
      if (value === undefined || value === null) continue;
      const text =
        value instanceof UploadFile
          ? `attach://${idOf.get(value)}`
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value);
      fields.push(`--${boundary}\r\ncontent-disposition:form-data;name="${key}"\r\n\r\n${text}\r\n`);
    }
    const heads = parts.map((p) => {
      const name = p.file.filename ?? p.id;
      if (/[\r\n]/.test(name)) throw new Error("file name with a line break");
      return Buffer.from(
        `--${boundary}\r\ncontent-disposition:form-data;name="${p.id}";filename=${name}\r\ncontent-type:application/octet-stream\r\n\r\n`,
      );
    });
    const start = Buffer.from(fields.join(""));
    const tail = Buffer.from(`--${boundary}--\r\n`);
    const length =
      start.length +
      tail.length +
      parts.reduce((sum, p, i) => sum + (heads[i] as Buffer).length + p.reader.size + 2, 0);
    return await exchange(
      url,
      boundary,
      length,
      options,
      async (write) => {
        await write(start);
        for (const [i, part] of parts.entries()) {
          await write(heads[i] as Buffer);
          await pumpFile(part.reader, write);
          await write(CRLF);
        }
        await write(tail);
      },
      method,
    );
  } finally {
    await Promise.all(parts.map((p) => p.reader.close().catch(() => {})));
  }
}

const CRLF = Buffer.from("\r\n");

type Write = (chunk: Buffer) => Promise<void>;

/**
 * The file through two buffers: one is read into while the other is written; a buffer is read
 * into again only after its write completed (the socket no longer needs its bytes).
 */
async function pumpFile(reader: UploadReader, write: Write): Promise<void> {
  const size = Math.min(UPLOAD_CHUNK_BYTES, Math.max(1, reader.size));
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  let writing: Promise<void> = Promise.resolve();
  let turn = 0;
  try {
    for (let position = 0; position < reader.size; turn++) {
      const buffer = buffers[turn % 2] as Buffer;
      const n = await reader.read(buffer, Math.min(buffer.length, reader.size - position), position);
      if (n === 0) throw shortFile(position, reader.size);
      position += n;
      await writing;
      writing = write(buffer.subarray(0, n));
      writing.catch(() => {}); // awaited on the next turn or below; not unhandled meanwhile
    }
  } catch (error) {
    // Never give up (and let a caller reuse or drop the buffers) with a write still in flight.
    await writing.catch(() => {});
    throw error;
  }
  await writing;
}

/**
 * One POST: `send` writes the body; resolves with the answer parsed as JSON (any status: the Bot
 * API answers errors as JSON too). An answer that arrives before the body is done (a 413 from a
 * proxy) ends the sending and is used; no answer is an HttpError.
 */
function exchange(
  url: URL,
  boundary: string,
  length: number,
  options: { signal: AbortSignal | undefined; timeoutMs: number },
  send: (write: Write) => Promise<void>,
  method: string,
): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(error); // the transformer makes it an HttpError
    };
    const timer = setTimeout(
      () => fail(new Error(`Request to '${method}' timed out after ${options.timeoutMs / 1000} seconds`)),
      options.timeoutMs,
    );
    const request = (url.protocol === "https:" ? https : http).request(url, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": String(length),
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    request.on("error", fail);
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= 1 << 20) chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("end", () => {
        if (settled) return;
        const text = Buffer.concat(chunks).toString("utf8");
        try {
          const answer: unknown = JSON.parse(text);
          settled = true;
          clearTimeout(timer);
          request.destroy();
          resolve(answer);
        } catch (error) {
          fail(error); // not JSON: a proxy's page (nginx's 413), never the Bot API
        }
      });
    });
    const write: Write = (chunk) =>
      new Promise<void>((done, broke) => {
        if (settled) return broke(new Error("the request ended"));
        request.write(chunk, (error) => (error ? broke(error) : done()));
      });
    send(write).then(
      () => request.end(),
      (error: unknown) => {
        // An answer that came before the body was done (a 413 from a proxy) wins over the broken send.
        if (!answered) fail(error);
      },
    );
  });
}
