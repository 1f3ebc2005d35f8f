/**
 * Issue #9 §3: oversized headers and bodies are refused. Against the real HTTP server (the app
 * started on an ephemeral port, raw sockets, so nothing in between fixes the request up): header
 * blocks past Node's 16 KiB get 431; bodies past 1 MiB get 413 on every POST endpoint, whether
 * announced by Content-Length or streamed chunked, even when correctly signed, and nothing is
 * written.
 */
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/create-http-app.js";
import { type Harness, rowCounts, startHarness } from "../fault/harness.js";
import { TEST_DIALECT } from "../support/db.js";

const TG_SECRET = "limits_tg_webhook_secret_0123456789";
let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness({
    roles: { web: true, worker: false },
    env: {
      HOST: "127.0.0.1",
      PORT: "0",
      TELEGRAM_WEBHOOK_URL: "https://zoomgram.example.com/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    },
  });
  const { user } = await h.connect({ chatId: 9500 });
  h.zoom.addMeeting({
    uuid: "limits-uuid==",
    hostUserId: user.id,
    topic: "Limits",
    start_time: "2026-01-15T09:00:00Z",
    files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "m4a" }],
  });
  port = (await h.app.start()).port as number;
});

afterAll(async () => {
  await h?.close();
});

/** Writes raw bytes and returns the status code of the first response line. */
function raw(parts: Array<string | Buffer>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let head = "";
    socket.on("data", (chunk) => {
      head += chunk.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // The server may close while we are still writing a refused body.
      if (error.code === "EPIPE" || error.code === "ECONNRESET") return;
      reject(error);
    });
    socket.on("close", () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (!match) reject(new Error(`no response: ${JSON.stringify(head.slice(0, 200))}`));
    });
    socket.on("connect", () => {
      for (const part of parts) socket.write(part);
    });
  });
}

function signed(body: Buffer | string): Record<string, string> {
  const ts = String(Math.floor(h.clock.now() / 1000));
  const mac = createHmac("sha256", h.config.zoom.webhookSecret)
    .update(`v0:${ts}:`)
    .update(body)
    .digest("hex");
  return { "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${mac}` };
}

const headerLines = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");

/** A JSON body just over the limit that is otherwise a valid event. */
function bigEvent(): Buffer {
  const event = h.zoom.buildEvent("recording.completed", "limits-uuid==");
  const padding = "x".repeat(MAX_BODY_BYTES);
  return Buffer.from(JSON.stringify({ ...event, padding }));
}

describe(`oversized requests are refused (${TEST_DIALECT})`, () => {
  it("a header block over 16 KiB: 431", async () => {
    const status = await raw([
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
    ]);
    expect(status).toBe(431);
    const many = Array.from({ length: 800 }, (_, i) => `X-H${i}: ${"b".repeat(30)}\r\n`).join("");
    expect(await raw([`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${many}\r\n`])).toBe(431);
    // The server is still there for everyone else.
    expect(await raw(["GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"])).toBe(200);
  });

  it("a signed Zoom webhook over 1 MiB, by Content-Length or chunked: 413, nothing written", async () => {
    const before = await rowCounts(h.db);
    const body = bigEvent();
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    for (const path of ["/webhooks/zoom", "/webhooks/zoom/deauth"]) {
      const announced = await raw([
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${headerLines(signed(body))}Connection: close\r\n\r\n`,
        body,
      ]);
      expect(announced).toBe(413);
      const chunks: Buffer[] = [];
      for (let i = 0; i < body.length; i += 64 * 1024) {
        const piece = body.subarray(i, i + 64 * 1024);
        chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
      }
      const chunked = await raw([
        `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n${headerLines(signed(body))}Connection: close\r\n\r\n`,
        ...chunks,
        "0\r\n\r\n",
      ]);
      expect(chunked).toBe(413);
    }
    expect(await rowCounts(h.db)).toEqual(before);
  });

  it("a Telegram update over 1 MiB, with the right secret: 413", async () => {
    const body = Buffer.from(JSON.stringify({ update_id: 1, padding: "y".repeat(MAX_BODY_BYTES) }));
    const status = await raw([
      `POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nX-Telegram-Bot-Api-Secret-Token: ${TG_SECRET}\r\nConnection: close\r\n\r\n`,
      body,
    ]);
    expect(status).toBe(413);
  });

  it("a lying Content-Length (a small one announced, more sent) never lets extra bytes through as a body", async () => {
    const before = await rowCounts(h.db);
    const event = Buffer.from(JSON.stringify(h.zoom.buildEvent("recording.completed", "limits-uuid==")));
    const status = await raw([
      `POST /webhooks/zoom HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n${headerLines(signed(event))}Connection: close\r\n\r\n`,
      event,
    ]);
    // Ten bytes were the body (their signature does not match: 401), and the rest is no request at
    // all (Node's parser answers 400 and closes); either way nothing happens.
    expect([400, 401]).toContain(status);
    expect(await rowCounts(h.db)).toEqual(before);
  });

  it("the same event within the limit is accepted (control)", async () => {
    const event = Buffer.from(JSON.stringify(h.zoom.buildEvent("recording.completed", "limits-uuid==")));
    const status = await raw([
      `POST /webhooks/zoom HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${event.length}\r\n${headerLines(signed(event))}Connection: close\r\n\r\n`,
      event,
    ]);
    expect(status).toBe(200);
  });
});
