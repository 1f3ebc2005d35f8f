/**
 * downloadRecording against small HTTP servers that misbehave on purpose: every hop checked against
 * the allow-list before it is contacted, the token only for the download_url's own origin, tokens
 * tried in order, HTML and short bodies refused, broken bodies resumed or restarted, sizes bounded.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DownloadRecordingOptions, downloadRecording } from "../../src/zoom/download.js";
import { appErrorOf } from "../support/errors.js";

interface Seen {
  host: string;
  url: string;
  authorization: string | undefined;
  range: string | undefined;
}

interface TestServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function serve(
  host: string,
  handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen[]) => void,
): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({
      host: req.headers.host ?? "",
      url: req.url ?? "",
      authorization: req.headers.authorization,
      range: req.headers.range,
    });
    handler(req, res, seen);
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://${host}:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  servers.push(s);
  return s;
}

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "zoomgram-dl-"));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Node's own fetch selects the socket transport (src/zoom/socket-transport.ts); any other fetch is used as it is. */
let transportFetch: typeof fetch = fetch;
const TRANSPORTS: Array<[string, typeof fetch]> = [
  ["the socket transport", fetch],
  ["an injected fetch", (input, init) => fetch(input, init)],
];

function options(url: string, extra: Partial<DownloadRecordingOptions> = {}): DownloadRecordingOptions {
  return {
    url,
    allowedHosts: ["127.0.0.1", "localhost"],
    tokens: [{ name: "t1", get: async () => "token-one" }],
    destination: join(dir, "out.m4a"),
    expectedBytes: BODY.length,
    maxBytes: 10_000_000,
    fetch: transportFetch,
    now: () => Date.now(),
    random: () => 0.5,
    ...extra,
  };
}

const failure = appErrorOf;

const sendFile = (res: http.ServerResponse, type = "audio/mp4") => {
  res.writeHead(200, { "content-type": type, "content-length": BODY.length });
  res.end(BODY);
};

describe.each(TRANSPORTS)("downloadRecording through %s", (_name, fetchImpl) => {
  beforeEach(() => {
    transportFetch = fetchImpl;
  });

  it("a disk that fills up mid-download is a storage problem (media.unwritable, retryable), not a broken download", async () => {
    const zoom = await serve("127.0.0.1", (_req, res) => sendFile(res));
    const error = await failure(
      downloadRecording(options(`${zoom.url}/rec/download/abc`, { openFile: () => open("/dev/full", "w") })),
    );
    expect(error).toMatchObject({ code: "media.unwritable", retryable: true });
    expect(zoom.seen).toHaveLength(1);
  });

  it("streams the file to disk with the first token", async () => {
    const zoom = await serve("127.0.0.1", (_req, res) => sendFile(res));
    const result = await downloadRecording(options(`${zoom.url}/rec/download/abc`));
    expect(result).toMatchObject({ bytes: BODY.length, token: "t1", resumes: 0 });
    expect(sha(readFileSync(join(dir, "out.m4a")))).toBe(sha(BODY));
    expect(zoom.seen[0]!.authorization).toBe("Bearer token-one");
  });

  it("refuses a download_url off the allow-list without contacting it", async () => {
    const evil = await serve("127.0.0.2", (_req, res) => sendFile(res));
    const error = await failure(downloadRecording(options(`${evil.url}/rec/download/abc`)));
    expect(error.code).toBe("download.refused_host");
    expect(error.retryable).toBe(false);
    expect(evil.seen).toEqual([]);
  });

  it("refuses a redirect off the allow-list before following it: the evil host sees nothing", async () => {
    const evil = await serve("127.0.0.2", (_req, res) => sendFile(res));
    const zoom = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(302, { location: `${evil.url}/steal` });
      res.end();
    });
    const error = await failure(downloadRecording(options(`${zoom.url}/rec/download/abc`)));
    expect(error.code).toBe("download.refused_host");
    expect(evil.seen).toEqual([]);
  });

  it("follows redirects on the list but sends the token only to the download_url's own origin", async () => {
    const storage = await serve("127.0.0.1", (_req, res) => sendFile(res));
    const storageUrl = storage.url.replace("127.0.0.1", "localhost");
    const zoom = await serve("127.0.0.1", (req, res) => {
      if (req.url === "/rec/download/abc") {
        res.writeHead(302, { location: "/rec/hop" });
      } else {
        res.writeHead(301, { location: `${storageUrl}/file?Signature=s` });
      }
      res.end();
    });
    const result = await downloadRecording(options(`${zoom.url}/rec/download/abc`));
    expect(result.bytes).toBe(BODY.length);
    expect(zoom.seen.map((s) => s.authorization)).toEqual(["Bearer token-one", "Bearer token-one"]);
    expect(storage.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it("gives up after too many redirects", async () => {
    const loop = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(302, { location: "/again" });
      res.end();
    });
    const error = await failure(downloadRecording(options(`${loop.url}/start`, { maxRedirects: 3 })));
    expect(error.code).toBe("download.failed");
    expect(loop.seen).toHaveLength(4);
  });

  it("tries the next token after a 401, and skips tokens that are absent", async () => {
    const zoom = await serve("127.0.0.1", (req, res) => {
      if (req.headers.authorization === "Bearer good") return sendFile(res);
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"code":124,"message":"Invalid access token."}');
    });
    const result = await downloadRecording(
      options(`${zoom.url}/rec/download/abc`, {
        tokens: [
          { name: "download_access_token", get: async () => "expired" },
          { name: "webhook_download_token", get: async () => undefined },
          { name: "oauth", get: async () => "good" },
        ],
      }),
    );
    expect(result.token).toBe("oauth");
    expect(zoom.seen.map((s) => s.authorization)).toEqual(["Bearer expired", "Bearer good"]);
  });

  it("fails retryably when every token is refused", async () => {
    const zoom = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(401);
      res.end();
    });
    const error = await failure(downloadRecording(options(`${zoom.url}/x`)));
    expect(error).toMatchObject({ code: "download.failed", retryable: true, status: 401 });
  });

  it("treats a 200 HTML page as a failure to retry, by Content-Type or by its first bytes", async () => {
    const typed = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><body>Sign in</body></html>");
    });
    expect(await failure(downloadRecording(options(`${typed.url}/x`)))).toMatchObject({
      code: "download.html",
      retryable: true,
    });
    const sniffed = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end("\n  <!DOCTYPE html><html><head><title>Zoom</title></head></html>");
    });
    expect((await failure(downloadRecording(options(`${sniffed.url}/x`)))).code).toBe("download.html");
  });

  it("resumes a broken body with Range and appends the rest", async () => {
    const zoom = await serve("127.0.0.1", (req, res) => {
      const range = /bytes=(\d+)-/.exec(req.headers.range ?? "");
      if (!range) {
        res.writeHead(200, { "content-type": "audio/mp4", "content-length": BODY.length });
        res.write(BODY.subarray(0, 70_000), () => res.socket?.destroy());
        return;
      }
      const start = Number(range[1]);
      res.writeHead(206, {
        "content-type": "audio/mp4",
        "content-length": BODY.length - start,
        "content-range": `bytes ${start}-${BODY.length - 1}/${BODY.length}`,
      });
      res.end(BODY.subarray(start));
    });
    const result = await downloadRecording(options(`${zoom.url}/x`));
    expect(result.resumes).toBe(1);
    expect(zoom.seen[1]!.range).toMatch(/^bytes=\d+-$/);
    expect(sha(readFileSync(join(dir, "out.m4a")))).toBe(sha(BODY));
  });

  it("restarts from byte 0 when the server answers a Range request with 200", async () => {
    let first = true;
    const zoom = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mp4", "content-length": BODY.length });
      if (first) {
        first = false;
        res.write(BODY.subarray(0, 50_000), () => res.socket?.destroy());
      } else {
        res.end(BODY);
      }
    });
    const result = await downloadRecording(options(`${zoom.url}/x`));
    expect(result.resumes).toBe(1);
    expect(readFileSync(join(dir, "out.m4a")).length).toBe(BODY.length);
    expect(sha(readFileSync(join(dir, "out.m4a")))).toBe(sha(BODY));
  });

  it("refuses a body that keeps breaking off, and one longer than file_size", async () => {
    const cut = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mp4", "content-length": BODY.length });
      res.write(BODY.subarray(0, 1000), () => res.socket?.destroy());
    });
    expect(await failure(downloadRecording(options(`${cut.url}/x`, { maxResumes: 2 })))).toMatchObject({
      code: "download.truncated",
      retryable: true,
    });
    expect(cut.seen).toHaveLength(3);
    const longer = await serve("127.0.0.1", (_req, res) => sendFile(res));
    const error = await failure(
      downloadRecording(options(`${longer.url}/x`, { expectedBytes: BODY.length - 10 })),
    );
    expect(error.code).toBe("download.truncated");
  });

  it("refuses files over maxBytes before downloading, by file_size, Content-Length or while streaming", async () => {
    const zoom = await serve("127.0.0.1", (_req, res) => sendFile(res));
    const bySize = await failure(downloadRecording(options(`${zoom.url}/x`, { maxBytes: 1000 })));
    expect(bySize).toMatchObject({ code: "download.too_large", retryable: false });
    expect(zoom.seen).toHaveLength(0);
    const byLength = await failure(
      downloadRecording(options(`${zoom.url}/x`, { maxBytes: 1000, expectedBytes: undefined })),
    );
    expect(byLength.code).toBe("download.too_large");
    const chunked = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(200, { "content-type": "audio/mp4" });
      res.end(BODY);
    });
    const byStream = await failure(
      downloadRecording(options(`${chunked.url}/x`, { maxBytes: 1000, expectedBytes: undefined })),
    );
    expect(byStream.code).toBe("download.too_large");
  });

  it("passes Zoom's 429 Retry-After to the job", async () => {
    const zoom = await serve("127.0.0.1", (_req, res) => {
      res.writeHead(429, { "retry-after": "17" });
      res.end();
    });
    expect(await failure(downloadRecording(options(`${zoom.url}/x`)))).toMatchObject({
      code: "zoom.rate_limited",
      retryable: true,
      retryAfterMs: 17_000,
    });
  });

  it("writes a large body in batches, reports each write, and resumes across a batch boundary", async () => {
    const big = Buffer.alloc(5_300_000);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    const zoom = await serve("127.0.0.1", (req, res) => {
      const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
      const headers = { "content-type": "audio/mp4", "content-length": big.length - start };
      if (start === 0) {
        res.writeHead(200, headers);
        res.write(big.subarray(0, 2_700_000), () => res.socket?.destroy());
        return;
      }
      res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${big.length - 1}/${big.length}` });
      res.end(big.subarray(start));
    });
    const written: number[] = [];
    let batched = 0;
    const result = await downloadRecording(
      options(`${zoom.url}/x`, {
        expectedBytes: big.length,
        onWritten: (n) => written.push(n),
        onBytes: (n) => {
          batched += n;
        },
      }),
    );
    expect(result).toMatchObject({ bytes: big.length, resumes: 1 });
    expect(sha(readFileSync(join(dir, "out.m4a")))).toBe(sha(big));
    expect(written.at(-1)).toBe(big.length);
    expect(written.every((n, i) => i === 0 || n > written[i - 1]!)).toBe(true);
    expect(batched).toBe(big.length);
    // Resumed where the file ended, not where the socket stopped.
    const resumedAt = Number(/bytes=(\d+)-/.exec(zoom.seen[1]!.range ?? "")?.[1]);
    expect(written).toContain(resumedAt);
  });
});
