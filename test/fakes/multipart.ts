/**
 * A push-style streaming multipart/form-data parser for the fake Telegram server.
 *
 * Why not busboy: grammY writes the file name UNQUOTED (`filename=Weekly sync — тест.m4a`), and
 * busboy silently drops such parts (any space or non-token byte makes it discard the whole
 * Content-Disposition). Telegram's server (TDLib's HttpReader) accepts them, so the fake must too,
 * or a real grammY upload would look like "there is no audio in the request". This parser takes an
 * unquoted parameter value up to the next `;`, accepts quoted values with backslash escapes and
 * RFC 5987 `filename*=UTF-8''…`, and decodes header bytes as UTF-8.
 *
 * It never buffers a file part: data is handed to `onFileData` as it arrives (at most the length of
 * the delimiter is held back to detect a boundary split across chunks).
 */

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly code: "malformed" | "too_much_parameters" | "headers_too_large",
  ) {
    super(message);
    this.name = "MultipartError";
  }
}

export interface PartInfo {
  /** `name` from Content-Disposition. */
  name: string;
  /** `filename` (or decoded `filename*`), present for file parts. */
  filename?: string;
  contentType?: string;
  headers: Record<string, string>;
}

export interface MultipartHandlers {
  onField(name: string, value: string, info: PartInfo): void;
  onFileStart(info: PartInfo): void;
  onFileData(chunk: Buffer): void;
  onFileEnd(): void;
}

export interface MultipartLimits {
  /** Total bytes of non-file values; Telegram's server allows 1 MiB ("too much parameters"). */
  maxFieldBytes?: number;
  /** Bytes of one part's header block. */
  maxHeaderBytes?: number;
}

/** Extracts the boundary from a `multipart/form-data; boundary=…` content type. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

const CRLF = Buffer.from("\r\n");
const CRLFCRLF = Buffer.from("\r\n\r\n");

type State = "preamble" | "delimiter_tail" | "headers" | "body" | "epilogue";

export class MultipartParser {
  private readonly delimiter: Buffer;
  private buf: Buffer = CRLF; // a virtual CRLF lets the first boundary match like the others
  private state: State = "preamble";
  private part: { info: PartInfo; file: boolean; chunks: Buffer[] } | undefined;
  private fieldBytes = 0;
  private readonly maxFieldBytes: number;
  private readonly maxHeaderBytes: number;

  constructor(
    boundary: string,
    private readonly handlers: MultipartHandlers,
    limits: MultipartLimits = {},
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.maxFieldBytes = limits.maxFieldBytes ?? 1 << 20;
    this.maxHeaderBytes = limits.maxHeaderBytes ?? 16 * 1024;
  }

  /** True once the closing delimiter was seen. */
  get done(): boolean {
    return this.state === "epilogue";
  }

  write(chunk: Buffer): void {
    if (this.state === "epilogue") return;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.process();
  }

  /** Call at end of input; throws if the body was cut before the closing delimiter. */
  end(): void {
    if (this.state !== "epilogue") {
      throw new MultipartError("multipart body ended before the closing boundary", "malformed");
    }
  }

  private process(): void {
    for (;;) {
      switch (this.state) {
        case "preamble":
        case "body": {
          const idx = this.buf.indexOf(this.delimiter);
          if (idx < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const safe = this.buf.length - (this.delimiter.length - 1);
            if (safe > 0) {
              if (this.state === "body") this.data(this.buf.subarray(0, safe));
              this.buf = this.buf.subarray(safe);
            }
            return;
          }
          if (this.state === "body") {
            if (idx > 0) this.data(this.buf.subarray(0, idx));
            this.finishPart();
          }
          this.buf = this.buf.subarray(idx + this.delimiter.length);
          this.state = "delimiter_tail";
          break;
        }
        case "delimiter_tail": {
          if (this.buf.length < 2) return;
          if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
            this.state = "epilogue";
            this.buf = Buffer.alloc(0);
            return;
          }
          let i = 0;
          while (i < this.buf.length && (this.buf[i] === 0x20 || this.buf[i] === 0x09)) i++;
          if (i + 2 > this.buf.length) {
            if (i > 1024) throw new MultipartError("too much padding after a boundary", "malformed");
            return;
          }
          if (this.buf[i] !== 0x0d || this.buf[i + 1] !== 0x0a) {
            throw new MultipartError("boundary not followed by CRLF", "malformed");
          }
          this.buf = this.buf.subarray(i + 2);
          this.state = "headers";
          break;
        }
        case "headers": {
          if (this.buf.length < 2) return;
          let headerBlock: string;
          if (this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
            headerBlock = "";
            this.buf = this.buf.subarray(2);
          } else {
            const end = this.buf.indexOf(CRLFCRLF);
            if (end < 0) {
              if (this.buf.length > this.maxHeaderBytes) {
                throw new MultipartError("part headers too large", "headers_too_large");
              }
              return;
            }
            if (end > this.maxHeaderBytes)
              throw new MultipartError("part headers too large", "headers_too_large");
            headerBlock = this.buf.subarray(0, end).toString("utf8");
            this.buf = this.buf.subarray(end + 4);
          }
          this.startPart(headerBlock);
          this.state = "body";
          break;
        }
        case "epilogue":
          return;
      }
    }
  }

  private startPart(headerBlock: string): void {
    const headers = parseHeaderBlock(headerBlock);
    const disposition = parseDisposition(headers["content-disposition"] ?? "");
    const name = disposition.params.name;
    const filename = disposition.params["filename*"] ?? disposition.params.filename;
    const info: PartInfo = { name: name ?? "", headers };
    if (filename !== undefined) info.filename = filename;
    if (headers["content-type"]) info.contentType = headers["content-type"];
    // A part without a name is skipped, as servers do; a file part is one with a filename.
    const file = name !== undefined && filename !== undefined;
    this.part = { info, file, chunks: [] };
    if (file) this.handlers.onFileStart(info);
  }

  private data(chunk: Buffer): void {
    const part = this.part;
    if (!part?.info.name) return;
    if (part.file) {
      this.handlers.onFileData(chunk);
      return;
    }
    this.fieldBytes += chunk.length;
    if (this.fieldBytes > this.maxFieldBytes) {
      throw new MultipartError("too much parameters", "too_much_parameters");
    }
    // Copy: `chunk` may be a view of a buffer that is about to be reused by the caller.
    part.chunks.push(Buffer.from(chunk));
  }

  private finishPart(): void {
    const part = this.part;
    this.part = undefined;
    if (!part?.info.name) return;
    if (part.file) this.handlers.onFileEnd();
    else this.handlers.onField(part.info.name, Buffer.concat(part.chunks).toString("utf8"), part.info);
  }
}

function parseHeaderBlock(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of block.split("\r\n")) {
    if (line === "") continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) {
      headers[last] += ` ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    headers[last] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * `form-data; name="x"; filename=unquoted name.m4a` → `{ type, params }`. Unquoted values run to
 * the next `;` (TDLib-like leniency); quoted values honour backslash escapes.
 */
export function parseDisposition(value: string): { type: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const semi = value.indexOf(";");
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  let i = semi < 0 ? value.length : semi + 1;
  while (i < value.length) {
    while (i < value.length && (value[i] === " " || value[i] === "\t" || value[i] === ";")) i++;
    const eq = value.indexOf("=", i);
    if (eq < 0) break;
    const key = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < value.length && (value[i] === " " || value[i] === "\t")) i++;
    let v = "";
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === "\\" && i + 1 < value.length) i++;
        v += value[i];
        i++;
      }
      i++; // closing quote
      const next = value.indexOf(";", i);
      i = next < 0 ? value.length : next;
    } else {
      const next = value.indexOf(";", i);
      v = value.slice(i, next < 0 ? value.length : next).trim();
      i = next < 0 ? value.length : next;
    }
    if (key.endsWith("*")) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (m) {
        try {
          v = decodeURIComponent(m[2] ?? "");
        } catch {
          // Not valid percent-encoding: keep the raw value, as lenient servers do.
          v = m[2] ?? "";
        }
      }
    }
    if (key) params[key] = v;
  }
  return { type, params };
}
