/**
 * The socket transport (src/zoom/socket-transport.ts): a download read into one reused buffer,
 * with its own HTTP/1.1 response parser — every framing a server may use, the interim answers and
 * empty bodies, broken and malformed answers, header injection, aborts, the three timeouts, and
 * TLS with the server's name checked against its certificate.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { DownloadResponse } from "../../src/zoom/download-transport.js";
import { createSocketTransport, HttpProtocolError } from "../../src/zoom/socket-transport.js";
import { ZoomTimeoutError } from "../../src/zoom/zoom-timeouts.js";

const TLS_KEY = readFileSync(new URL("../fixtures/tls/localhost-key.pem", import.meta.url));
const TLS_CERT = readFileSync(new URL("../fixtures/tls/localhost-cert.pem", import.meta.url));
const SHORT = { connectMs: 200, headersMs: 200, idleMs: 200 };

const servers: Array<net.Server> = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function listen<S extends net.Server>(server: S): Promise<{ server: S; url: string }> {
  servers.push(server);
  server.on(server instanceof https.Server ? "secureConnection" : "connection", (socket: net.Socket) => {
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A server that answers every connection with `pieces`, written one by one, each on its own turn. */
async function rawServer(pieces: Array<string | Buffer>, opts: { end?: boolean } = {}) {
  const requests: string[] = [];
  const { url } = await listen(
    net.createServer((socket) => {
      socket.setNoDelay(true);
      socket.once("data", async (request) => {
        requests.push(request.toString("latin1"));
        for (const piece of pieces) {
          if (socket.destroyed) return;
          socket.write(piece);
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (opts.end !== false) socket.end();
      });
      socket.on("error", () => {});
    }),
  );
  return { url, requests };
}

/** Every chunk of the body, copied (a chunk is valid only until the next is asked for). */
async function readAll(
  response: DownloadResponse,
): Promise<{ bytes: Buffer; backing: Set<ArrayBufferLike> }> {
  const copies: Buffer[] = [];
  const backing = new Set<ArrayBufferLike>();
  for await (const chunk of response.body ?? []) {
    backing.add(chunk.buffer);
    copies.push(Buffer.from(chunk));
  }
  return { bytes: Buffer.concat(copies), backing };
}

const transport = createSocketTransport(SHORT);

describe("socket transport", () => {
  it("reads a Content-Length body of many reads into one reused buffer, and sends the request it was given", async () => {
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32BE(i, i);
    const seen: http.IncomingHttpHeaders[] = [];
    const { url } = await listen(
      http.createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { "content-type": "audio/mp4", "content-length": data.length });
        for (let at = 0; at < data.length; at += 64 * 1024) res.write(data.subarray(at, at + 64 * 1024));
        res.end();
      }),
    );
    const response = await transport(
      new URL(`${url}/rec/a.m4a?x=1`),
      { authorization: "Bearer t" },
      undefined,
    );
    expect(response.status).toBe(200);
    expect(response.header("Content-Type")).toBe("audio/mp4");
    const { bytes, backing } = await readAll(response);
    expect(bytes.equals(data)).toBe(true);
    // The head's copy (with whatever body bytes came along) and the one read buffer: nothing per read.
    expect(backing.size).toBeLessThanOrEqual(2);
    expect(seen[0]).toMatchObject({ authorization: "Bearer t", connection: "close" });
    expect(seen[0]?.host).toBe(new URL(url).host);
  });

  it("decodes chunked transfer coding split at every byte, with extensions and trailers", async () => {
    const wire = "5;name=value\r\nhello\r\n6\r\n world\r\nA\r\n, chunked!\r\n0\r\nx-trailer: yes\r\n\r\n";
    const { url } = await rawServer([
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      ...wire.split(""),
    ]);
    const response = await transport(new URL(url), {}, undefined);
    expect((await readAll(response)).bytes.toString()).toBe("hello world, chunked!");
  });

  it("reads a body that the end of the connection frames, and a header split across reads", async () => {
    const { url } = await rawServer(["HTTP/1.0 200 OK\r\nX-Sp", "lit: yes\r\n\r\nfirst ", "second"]);
    const response = await transport(new URL(url), {}, undefined);
    expect(response.header("x-split")).toBe("yes");
    expect((await readAll(response)).bytes.toString()).toBe("first second");
  });

  it("skips an interim 100 Continue; a 204 and a HEAD have no body", async () => {
    const interim = await rawServer([
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 206 Partial\r\nContent-Length: 2\r\n\r\nok",
    ]);
    const response = await transport(new URL(interim.url), {}, undefined);
    expect(response.status).toBe(206);
    expect((await readAll(response)).bytes.toString()).toBe("ok");

    const empty = await rawServer(["HTTP/1.1 204 No Content\r\n\r\n"], { end: false });
    expect((await transport(new URL(empty.url), {}, undefined)).body).toBeNull();

    const head = await rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"], { end: false });
    const headResponse = await transport(new URL(head.url), {}, undefined, "HEAD");
    expect(headResponse.body).toBeNull();
    expect(head.requests[0]).toMatch(/^HEAD \/ HTTP\/1\.1\r\n/);
  });

  it("a connection that closes before Content-Length is reached fails the body, after the bytes that came", async () => {
    const { url } = await rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"]);
    const response = await transport(new URL(url), {}, undefined);
    const copies: string[] = [];
    const error = await (async () => {
      for await (const chunk of response.body ?? []) copies.push(chunk.toString());
    })().catch((e: unknown) => e);
    expect(copies.join("")).toBe("abc");
    expect(error).toBeInstanceOf(HttpProtocolError);
    expect((error as HttpProtocolError).code).toBe("ECONNRESET");
  });

  it.each([
    ["no status line", ["<html>hello</html>\r\n\r\n"]],
    ["a header line without a name", ["HTTP/1.1 200 OK\r\n: x\r\n\r\n"]],
    ["a content-length that is not a number", ["HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n"]],
    ["an unsupported transfer-encoding", ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"]],
  ])("refuses an answer with %s", async (_what, pieces) => {
    const { url } = await rawServer(pieces);
    await expect(transport(new URL(url), {}, undefined)).rejects.toBeInstanceOf(HttpProtocolError);
  });

  it("fails the body at a chunk size that is not hexadecimal", async () => {
    const { url } = await rawServer([
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n",
    ]);
    // Whether the bad size comes with the head or after it, the download fails.
    await expect(transport(new URL(url), {}, undefined).then(readAll)).rejects.toThrow(/not hexadecimal/);
  });

  it("refuses a header value with a line break before connecting", async () => {
    let connections = 0;
    const { url } = await listen(net.createServer(() => connections++));
    await expect(
      transport(new URL(url), { authorization: "Bearer a\r\nx-evil: 1" }, undefined),
    ).rejects.toThrow(/line break/);
    expect(connections).toBe(0);
  });

  it("an abort while waiting for the answer rejects with the abort's reason and drops the connection", async () => {
    let closed = false;
    const { url } = await listen(net.createServer((socket) => socket.on("close", () => (closed = true))));
    const controller = new AbortController();
    const pending = transport(new URL(url), {}, controller.signal);
    const reason = new Error("job cancelled");
    setImmediate(() => controller.abort(reason));
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => closed).toBe(true);
  });

  it("times out connecting, waiting for headers, and between body bytes, naming the phase", async () => {
    const never = createSocketTransport(SHORT, { lookup: () => {} });
    const connect = await never(new URL("http://zoom.blackhole.test/rec"), {}, undefined).catch(
      (e: unknown) => e,
    );
    expect(connect).toMatchObject({ name: "ZoomTimeoutError", phase: "connect" });

    const silent = await listen(net.createServer(() => {}));
    const headers = await transport(new URL(silent.url), {}, undefined).catch((e: unknown) => e);
    expect(headers).toMatchObject({ name: "ZoomTimeoutError", phase: "headers" });

    const stall = await rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], { end: false });
    const response = await transport(new URL(stall.url), {}, undefined);
    const idle = await readAll(response).catch((e: unknown) => e);
    expect(idle).toBeInstanceOf(ZoomTimeoutError);
    expect(idle).toMatchObject({ phase: "idle" });
  });

  it("speaks TLS with the host's name checked against the certificate, and refuses a certificate it does not trust", async () => {
    const { server } = await listen(
      https.createServer({ key: TLS_KEY, cert: TLS_CERT }, (_req, res) => {
        res.writeHead(200, { "content-length": 6 });
        res.end("secret");
      }),
    );
    const port = (server.address() as AddressInfo).port;
    const trusting = createSocketTransport(SHORT, { ca: TLS_CERT });
    const response = await trusting(new URL(`https://localhost:${port}/rec`), {}, undefined);
    expect((await readAll(response)).bytes.toString()).toBe("secret");

    const untrusting = await transport(new URL(`https://localhost:${port}/rec`), {}, undefined).catch(
      (e: unknown) => e,
    );
    expect((untrusting as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
  });
});
