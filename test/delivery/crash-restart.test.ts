/**
 * Durability across a crash: `zoomgram serve` runs as a real child process (the CLI reads
 * process.env) against the fakes and a database file; it is SIGKILLed the moment it has answered
 * the webhook, started again, and the recording arrives in the chat exactly once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import type { Services } from "../../src/services.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, startFakeZoom } from "../fakes/fake-zoom.js";
import { TEST_ENV } from "../support/config.js";
import { connectZoomUser } from "../support/connection.js";
import { createTestDatabaseUrl, TEST_DIALECT } from "../support/db.js";
import { FFMPEG, makeTestAudio } from "../support/media.js";
import { sha256File } from "./harness.js";

const BIN = resolve("bin/zoomgram.mjs");

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Child {
  process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  output(): string;
  exited: Promise<number | null>;
}

function start(env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [BIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of [...waiters]) {
      const line = out.split("\n").find((l) => waiter.pattern.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return {
    process: child,
    output: () => out,
    exited: new Promise((r) => child.on("close", (code) => r(code))),
    line(pattern, timeoutMs = 30_000) {
      const found = out.split("\n").find((l) => pattern.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in:\n${out.slice(-4000)}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolveLine(line);
          },
        });
      });
    },
  };
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe(`crash after the webhook answer (${TEST_DIALECT})`, () => {
  it("delivers exactly once after a SIGKILL right after the 200 and a restart", async () => {
    const audio = await makeTestAudio({ seconds: 20, bitrateKbps: 64 });
    const zoom: FakeZoom = await startFakeZoom();
    const tg: FakeTelegram = await startFakeTelegram();
    const database = await createTestDatabaseUrl();
    const mediaDir = mkdtempSync(join(tmpdir(), "zoomgram-crash-"));
    cleanup.push(
      () => zoom.close(),
      () => tg.close(),
      () => database.drop(),
      () => rmSync(mediaDir, { recursive: true, force: true }),
    );

    // The connection exists before the service starts, as after a finished connect flow.
    const db = await openDatabase(database.url, { connectRetries: 0 });
    await migrateToLatest(db);
    const cipher = createTokenCipher([TEST_ENV.TOKEN_ENCRYPTION_KEY]);
    tg.addChat({ id: 31337, type: "private" });
    const { zoomUserId } = await connectZoomUser(
      { clock: systemClock, db, cipher } as unknown as Services,
      zoom,
      {
        chatId: 31337,
      },
    );
    const meeting = zoom.addMeeting({
      uuid: "/crash//test==",
      hostUserId: zoomUserId,
      topic: "Crash test",
      start_time: "2026-03-01T08:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", path: audio }],
    });

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...TEST_ENV,
      ZOOM_CLIENT_ID: zoom.clientId,
      ZOOM_CLIENT_SECRET: zoom.clientSecret,
      ZOOM_OAUTH_BASE_URL: zoom.url,
      ZOOM_API_BASE_URL: zoom.apiBaseUrl,
      ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
      TELEGRAM_API_ROOT: tg.url,
      TELEGRAM_BOT_TOKEN: tg.token,
      DATABASE_URL: database.url,
      MEDIA_DIR: mediaDir,
      FFMPEG_PATH: FFMPEG,
      HOST: "127.0.0.1",
      PORT: String(port),
      JOB_LEASE_SECONDS: "5",
      JOB_POLL_INTERVAL_MS: "200",
      LOG_LEVEL: "info",
    };

    const first = start(env);
    cleanup.push(() => void first.process.kill("SIGKILL"));
    await first.line(/"msg":"HTTP server listening"/);
    const body = JSON.stringify(zoom.buildEvent("recording.completed", meeting.uuid));
    const ts = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/zoom`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-zm-request-timestamp": ts,
        "x-zm-signature": computeZoomSignature(TEST_ENV.ZOOM_WEBHOOK_SECRET, ts, body),
      },
      body,
    });
    first.process.kill("SIGKILL");
    expect(response.status).toBe(200);
    expect(await first.exited).toBe(null);

    const second = start(env);
    cleanup.push(() => void second.process.kill("SIGKILL"));
    await tg.waitForSent((s) => s.method === "sendAudio", 60_000);
    await second.line(/"msg":"audio delivered"/, 30_000);
    second.process.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const audioSends = tg.sent.filter((s) => s.method === "sendAudio");
    expect(audioSends).toHaveLength(1);
    expect(audioSends[0]!.files[0]!.sha256).toBe(await sha256File(audio));
    const jobs = await db.kysely
      .selectFrom("jobs")
      .select(["kind", "state"])
      .where("kind", "=", "deliver-recording")
      .execute();
    expect(jobs).toEqual([{ kind: "deliver-recording", state: "completed" }]);
    const deliveries = await db.kysely.selectFrom("deliveries").select(["state"]).execute();
    expect(deliveries).toEqual([{ state: "delivered" }]);
    await db.close();
  }, 120_000);
});
