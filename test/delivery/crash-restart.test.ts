/**
 * Durability across a crash: `zoomgram serve` runs as a real child process (the CLI reads
 * process.env) against the fakes and a database file; it is SIGKILLed the moment it has answered
 * the webhook, started again, and the recording arrives in the chat exactly once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TEST_DIALECT } from "../support/db.js";
import { FFMPEG, makeTestAudio } from "../support/media.js";
import { freePort, postSignedWebhook, startServiceWorld } from "../support/world.js";
import { sha256File } from "./harness.js";

const BIN = resolve("bin/zoomgram.mjs");

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
    const world = await startServiceWorld({ dirPrefix: "zoomgram-crash-" });
    cleanup.push(() => world.close());
    const { zoom, tg, db } = world;

    // The connection exists before the service starts, as after a finished connect flow.
    const { zoomUserId } = await world.connect({ chatId: 31337 });
    const meeting = zoom.addMeeting({
      uuid: "/crash//test==",
      hostUserId: zoomUserId,
      topic: "Crash test",
      start_time: "2026-03-01T08:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", path: audio }],
    });

    const port = await freePort();
    const env = world.env({
      FFMPEG_PATH: FFMPEG,
      HOST: "127.0.0.1",
      PORT: String(port),
      JOB_LEASE_SECONDS: "5",
      JOB_POLL_INTERVAL_MS: "200",
      LOG_LEVEL: "info",
    });

    const first = start(env);
    cleanup.push(() => void first.process.kill("SIGKILL"));
    await first.line(/"msg":"HTTP server listening"/);
    const response = await postSignedWebhook(
      `http://127.0.0.1:${port}/webhooks/zoom`,
      zoom.buildEvent("recording.completed", meeting.uuid),
    );
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
  }, 120_000);
});
