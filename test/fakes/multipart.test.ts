import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MultipartError, MultipartParser, multipartBoundary, parseDisposition } from "./multipart.js";

interface Parsed {
  fields: Record<string, string>;
  files: Array<{ name: string; filename?: string; size: number; sha256: string }>;
}

function parse(boundary: string, chunks: Buffer[]): Parsed {
  const out: Parsed = { fields: {}, files: [] };
  let hash = createHash("sha256");
  let current: { name: string; filename?: string; size: number } | undefined;
  const parser = new MultipartParser(boundary, {
    onField: (name, value) => {
      out.fields[name] = value;
    },
    onFileStart: (info) => {
      hash = createHash("sha256");
      current = { name: info.name, size: 0 };
      if (info.filename !== undefined) current.filename = info.filename;
    },
    onFileData: (chunk) => {
      hash.update(chunk);
      if (current) current.size += chunk.length;
    },
    onFileEnd: () => {
      if (current) out.files.push({ ...current, sha256: hash.digest("hex") });
    },
  });
  for (const c of chunks) parser.write(c);
  parser.end();
  return out;
}

/** Deterministic pseudo-random bytes that contain CR, LF and dashes (boundary look-alikes). */
function noisyBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const r = x % 7;
    b[i] = r === 0 ? 0x0d : r === 1 ? 0x0a : r === 2 ? 0x2d : x & 0xff;
  }
  return b;
}

describe("streaming multipart parser", () => {
  const boundary = "----------abc123";
  const payload = noisyBytes(20_000, 7);
  // Data that contains most of a delimiter, to trip naive parsers.
  const tricky = Buffer.concat([
    payload.subarray(0, 100),
    Buffer.from(`\r\n--${boundary.slice(0, -1)}X`),
    payload.subarray(100),
  ]);
  const body = Buffer.concat([
    Buffer.from(`preamble\r\n--${boundary}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n-100123`),
    Buffer.from(
      `\r\n--${boundary}\r\ncontent-disposition:form-data;name="caption"\r\n\r\nline 1\r\nline 2 — ✓`,
    ),
    Buffer.from(
      `\r\n--${boundary}\r\ncontent-disposition:form-data;name="abc";filename=Weekly sync — тест.m4a\r\ncontent-type:application/octet-stream\r\n\r\n`,
    ),
    tricky,
    Buffer.from(
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="t"; filename="q \\"x\\".vtt"\r\n\r\n`,
    ),
    Buffer.from(`\r\n--${boundary}--\r\nepilogue`),
  ]);
  const expected: Parsed = {
    fields: { chat_id: "-100123", caption: "line 1\r\nline 2 — ✓" },
    files: [
      {
        name: "abc",
        filename: "Weekly sync — тест.m4a",
        size: tricky.length,
        sha256: createHash("sha256").update(tricky).digest("hex"),
      },
      {
        name: "t",
        filename: 'q "x".vtt',
        size: 0,
        sha256: createHash("sha256").update(Buffer.alloc(0)).digest("hex"),
      },
    ],
  };

  it("parses a whole body, unquoted UTF-8 file names included", () => {
    expect(parse(boundary, [body])).toEqual(expected);
  });

  it("gives the same result for every split point and for byte-by-byte input", () => {
    for (let cut = 1; cut < body.length; cut += 97) {
      expect(parse(boundary, [body.subarray(0, cut), body.subarray(cut)])).toEqual(expected);
    }
    const bytes = [...body].map((b) => Buffer.from([b]));
    expect(parse(boundary, bytes)).toEqual(expected);
  });

  it("rejects a body cut before the closing boundary and too many parameter bytes", () => {
    expect(() => parse(boundary, [body.subarray(0, body.length - 20)])).toThrow(MultipartError);
    const big = Buffer.from(
      `--${boundary}\r\ncontent-disposition:form-data;name="x"\r\n\r\n${"y".repeat(2 << 20)}\r\n--${boundary}--`,
    );
    expect(() => parse(boundary, [big])).toThrow(/too much parameters/);
  });

  it("reads boundaries and dispositions", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("multipart/form-data; charset=utf-8; boundary=xyz")).toBe("xyz");
    expect(multipartBoundary("application/json")).toBeUndefined();
    expect(
      parseDisposition("form-data; name=\"f\"; filename*=UTF-8''%D1%82%D0%B5%D1%81%D1%82.m4a").params,
    ).toEqual({
      name: "f",
      "filename*": "тест.m4a",
    });
  });
});
