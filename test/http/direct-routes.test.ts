/**
 * Direct routes (src/http/direct-routes.ts): a POST route answered by the `node:http` listener
 * ahead of Hono must answer exactly as the same route does through the Hono app (`app.request`,
 * which the rest of the suite uses): status, JSON body, content type, request id, its own headers,
 * the body limit, the error mapping and the access-log line. Every request here goes both ways
 * and the two answers are compared.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { createHttpApp, MAX_BODY_BYTES } from "../../src/http/create-http-app.js";
import {
  type DirectRequest,
  directListener,
  httpListener,
  requestIdFrom,
} from "../../src/http/direct-routes.js";
import type { HttpApp } from "../../src/http/http-env.js";
import { createMetrics } from "../../src/observability/metrics.js";

const lines: Array<Record<string, unknown>> = [];
const logger = pino(
  { level: "debug" },
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  }),
);
const seen: DirectRequest[] = [];
let app: HttpApp;
let server: Server;
let base: string;

beforeAll(async () => {
  app = createHttpApp({
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    ready: async () => true,
    routes: [
      (a) =>
        a.direct("/echo", async (request) => {
          seen.push(request);
          const text = new TextDecoder().decode(request.body);
          if (text === "app-error") throw new AppError("db.unavailable", "try later", { status: 503 });
          if (text === "app-error-4xx") throw new AppError("http.rate_limited", "no", { status: 409 });
          if (text === "crash") throw new Error("boom");
          return {
            status: text === "teapot" ? 418 : 200,
            json: { bytes: request.body.length, signature: request.header("x-zm-signature") ?? null },
            headers: { "Retry-After": "7" },
          };
        }),
    ],
  });
  server = createServer(httpListener(app, { logger, maxBodyBytes: MAX_BODY_BYTES, hostname: "127.0.0.1" }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  retryAfter: string | null;
  json: Record<string, unknown>;
}

async function read(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    requestId: response.headers.get("x-request-id"),
    retryAfter: response.headers.get("retry-after"),
    json: (await response.json()) as Record<string, unknown>,
  };
}

/** The same request through the listener (direct) and through `app.request` (Hono). */
async function both(path: string, init: RequestInit): Promise<{ direct: Answer; hono: Answer }> {
  const direct = await read(await fetch(`${base}${path}`, init));
  const hono = await read(await app.request(path, init));
  return { direct, hono };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("direct routes answer as the Hono app does", () => {
  it("a plain POST: same status, JSON, headers; the handler sees the body and headers", async () => {
    seen.length = 0;
    const init = {
      method: "POST",
      headers: { "x-request-id": "zoom-req_1=", "x-zm-signature": "v0=abc" },
      body: "hello",
    };
    const { direct, hono } = await both("/echo", init);
    expect(direct).toEqual(hono);
    expect(direct).toEqual({
      status: 200,
      contentType: "application/json",
      requestId: "zoom-req_1=",
      retryAfter: "7",
      json: { bytes: 5, signature: "v0=abc" },
    });
    expect(seen.map((r) => r.requestId)).toEqual(["zoom-req_1=", "zoom-req_1="]);
  });

  it("the handler's status passes through", async () => {
    const { direct, hono } = await both("/echo", { method: "POST", body: "teapot" });
    expect(direct.status).toBe(418);
    expect({ ...direct, requestId: null }).toEqual({ ...hono, requestId: null });
  });

  it("an unusable x-request-id (too long, odd characters, none) is replaced by a new UUID", async () => {
    for (const id of ["a".repeat(65), "has space", "semi;colon", undefined]) {
      const headers: Record<string, string> = id === undefined ? {} : { "x-request-id": id };
      const { direct, hono } = await both("/echo", { method: "POST", headers, body: "x" });
      expect(direct.requestId).toMatch(UUID);
      expect(hono.requestId).toMatch(UUID);
    }
    expect(requestIdFrom("a".repeat(64))).toBe("a".repeat(64));
  });

  it("errors map the same: an AppError keeps its code and status, anything else is a 500", async () => {
    for (const [body, status, error] of [
      ["app-error", 503, "db.unavailable"],
      ["app-error-4xx", 409, "http.rate_limited"],
      ["crash", 500, "internal"],
    ] as const) {
      const headers = { "x-request-id": `err-${status}` };
      const { direct, hono } = await both("/echo", { method: "POST", headers, body });
      expect(direct).toEqual(hono);
      expect(direct.status).toBe(status);
      expect(direct.json).toMatchObject({ error, requestId: `err-${status}` });
    }
    const failed = lines.filter((l) => l.requestId === "err-500" && l.msg === "unhandled error");
    expect(failed).toHaveLength(2);
  });

  it("a body over the limit gets 413 before the handler runs, declared or streamed", async () => {
    seen.length = 0;
    const big = "x".repeat(MAX_BODY_BYTES + 1);
    const { direct, hono } = await both("/echo", {
      method: "POST",
      headers: { "x-request-id": "big" },
      body: big,
    });
    expect(direct).toEqual(hono);
    expect(direct.status).toBe(413);
    expect(direct.json).toEqual({
      error: "http.payload_too_large",
      message: "request body too large",
      requestId: "big",
    });
    // Streamed (chunked, no Content-Length): counted as it arrives.
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024));
          controller.close();
        },
      });
    const init = () => ({
      method: "POST",
      headers: { "x-request-id": "chunked" },
      body: stream(),
      duplex: "half",
    });
    const streamed = await read(await fetch(`${base}/echo`, init() as RequestInit));
    const streamedHono = await read(await app.request("/echo", init() as RequestInit));
    expect(streamed).toEqual(streamedHono);
    expect(streamed.status).toBe(413);
    expect(seen).toEqual([]);
    // Exactly at the limit is fine.
    const atLimit = await read(
      await fetch(`${base}/echo`, { method: "POST", body: "y".repeat(MAX_BODY_BYTES) }),
    );
    expect(atLimit.json).toEqual({ bytes: MAX_BODY_BYTES, signature: null });
  });

  it("another method, a query string or another spelling of the path goes to Hono, with the same answers", async () => {
    const get = await fetch(`${base}/echo`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ error: "http.not_found", message: "not found" });
    const query = await both("/echo?x=1", { method: "POST", headers: { "x-request-id": "q" }, body: "abc" });
    expect(query.direct).toEqual(query.hono);
    expect(query.direct.json).toEqual({ bytes: 3, signature: null });
    const slash = await fetch(`${base}/echo/`, { method: "POST", body: "abc" });
    expect(slash.status).toBe((await app.request("/echo/", { method: "POST", body: "abc" })).status);
  });

  it("writes the access-log line the Hono middleware writes", async () => {
    lines.length = 0;
    await both("/echo", { method: "POST", headers: { "x-request-id": "logged" }, body: "x" });
    const access = lines.filter((l) => l.msg === "request" && l.requestId === "logged");
    expect(access).toHaveLength(2);
    const shape = (l: Record<string, unknown>) => ({ ...l, ms: typeof l.ms, time: typeof l.time, pid: 0 });
    expect(shape(access[0] as Record<string, unknown>)).toEqual(shape(access[1] as Record<string, unknown>));
    expect(access[0]).toMatchObject({ method: "POST", path: "/echo", status: 200, level: 30 });
  });

  it("a sender that goes away mid-body: the handler never runs, the line says 499", async () => {
    seen.length = 0;
    lines.length = 0;
    const port = new URL(base).port;
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: gone\r\nContent-Length: 100\r\n\r\nonly-part",
        );
      });
      // Gone once the server has the request's head and part of its body.
      server.once("request", () => socket.destroy());
      socket.on("close", () => resolve());
    });
    await expect
      .poll(() => lines.find((l) => l.requestId === "gone" && l.msg === "request"))
      .toMatchObject({ status: 499, path: "/echo" });
    expect(seen).toEqual([]);
  });

  it("the listener answers a direct route itself and hands everything else to the fallback", async () => {
    const handed: string[] = [];
    const listener = directListener(
      app.directRoutes,
      (req, res) => {
        handed.push(`${req.method} ${req.url}`);
        res.writeHead(204).end();
      },
      { logger, maxBodyBytes: MAX_BODY_BYTES },
    );
    const alone = createServer(listener);
    await new Promise<void>((resolve) => alone.listen(0, "127.0.0.1", resolve));
    const address = alone.address();
    const at = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    try {
      const direct = await fetch(`${at}/echo`, { method: "POST", body: "abcd" });
      expect(await direct.json()).toEqual({ bytes: 4, signature: null });
      for (const [method, path] of [
        ["GET", "/echo"],
        ["POST", "/echo?x=1"],
        ["POST", "/other"],
      ] as const) {
        const response = await fetch(`${at}${path}`, { method, ...(method === "POST" ? { body: "z" } : {}) });
        expect(response.status).toBe(204);
      }
      expect(handed).toEqual(["GET /echo", "POST /echo?x=1", "POST /other"]);
    } finally {
      await new Promise<void>((resolve) => alone.close(() => resolve()));
    }
  });
});
