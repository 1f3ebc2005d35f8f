/**
 * The fault matrix's common ground (issue #9 §2): one connected host, one real M4A recording in
 * the fake Zoom, the webhook posted to the real app, then the jobs driven to rest with
 * `worker.drain()` and the ManualClock moved to each next run time. Every row ends with the same
 * checks, whatever fault it injected:
 *
 * - it settles: no job left queued, retrying or active within a bounded number of rounds (an
 *   endless retry loop fails the test instead of hanging it), and no delivery left half-way;
 * - nothing corrupt or partial reached the chat: a file sent as is has the recording's exact
 *   bytes (sha256); a re-encode or a split is real audio (probed) that adds up to the recording;
 * - nothing doubled: one accepted upload per file (or per part);
 * - the outcome is a delivery or a plain message in the chat saying why there is none.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { sql } from "kysely";
import { expect } from "vitest";
import type { DeliveryRow } from "../../src/db/schema.js";
import { probeMedia } from "../../src/media/probe.js";
import type { SentRecord } from "../fakes/fake-telegram.js";
import type { FakeMeeting, ZoomUser } from "../fakes/fake-zoom.js";
import { closeAfterEachTest } from "../support/each-test.js";
import { FFMPEG, FFPROBE, makeTestAudio } from "../support/media.js";
import { addRecording } from "../support/recordings.js";
import { type Harness, type HarnessOptions, startHarness } from "./harness.js";

export const CHAT = 7001;
export const UUID = "fault/Matrix//meeting==";
export const TOPIC = "Quarterly <b>review</b> & *plans*";

export interface Row {
  h: Harness;
  user: ZoomUser;
  chatId: number;
  meeting: FakeMeeting;
  audioPath: string;
  audioSha: string;
  audioSeconds: number;
}

export interface RowOptions extends HarnessOptions {
  chatId?: number;
  /** Defaults: 20 s of 64 kbit/s AAC (about 170 kB). */
  audioSeconds?: number;
}

const UPLOADS = new Set(["sendAudio", "sendDocument", "sendVideo", "sendVoice"]);

export async function sha256File(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

/** A harness with a connected host and one finished recording (not yet announced). */
export async function startRow(options: RowOptions = {}): Promise<Row> {
  const audioSeconds = options.audioSeconds ?? 20;
  const audioPath = await makeTestAudio({ seconds: audioSeconds, bitrateKbps: 64 });
  const h = await startHarness({
    keepFiles: true,
    ...options,
    env: { JOB_MAX_ATTEMPTS: "4", ...options.env },
  });
  const chatId = options.chatId ?? CHAT;
  const { user } = await h.connect({ chatId });
  const meeting = addRecording(h.zoom, user, {
    uuid: UUID,
    topic: TOPIC,
    start_time: "2026-01-15T09:00:00Z",
    duration: 1,
    audio: audioPath,
  });
  return { h, user, chatId, meeting, audioPath, audioSha: await sha256File(audioPath), audioSeconds };
}

/** `startRow` for a test file: every row it starts is closed after its test. */
export function rowsForEachTest(): (options?: RowOptions) => Promise<Row> {
  const closeAfterTest = closeAfterEachTest<{ close(): Promise<void> }>();
  return async (options) => {
    const row = await startRow(options);
    closeAfterTest({ close: () => row.h.close() });
    return row;
  };
}

/** Zoom announces the recording and the jobs run to the end: the outcome, shared checks passed. */
export async function announceAndFinish(row: Row): Promise<Outcome> {
  await announce(row);
  return settleAndFinish(row);
}

/** The jobs run to the end (`settle`): the outcome, shared checks passed (`finish`). */
export async function settleAndFinish(row: Row, chats?: readonly number[]): Promise<Outcome> {
  await settle(row.h);
  return finish(row, chats);
}

/** The recording arrived, as exactly one upload. */
export function expectDeliveredOnce(out: Outcome): void {
  expect(out.delivered).toBe(true);
  expect(out.uploads).toHaveLength(1);
}

/** Zoom announces the recording; the webhook must be acknowledged. */
export async function announce(row: Row): Promise<void> {
  const res = await row.h.postZoomWebhook(completedEvent(row));
  expect(res.status).toBe(200);
}

/** The `recording.completed` event Zoom sends for the row's recording (with a fresh download token). */
export function completedEvent(row: Row) {
  return row.h.zoom.buildEvent("recording.completed", UUID);
}

/**
 * Runs jobs until none is due or waiting, moving the clock to each next run time. Throws when
 * work is still pending after `maxRounds`: a job that never ends is a failure, not a hang.
 */
export async function settle(h: Harness, maxRounds = 40): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    await h.drain();
    const next = await h.db.kysely
      .selectFrom("jobs")
      .select((eb) => eb.fn.min("run_at").as("at"))
      .where("state", "in", ["queued", "retry", "active"])
      .executeTakeFirst();
    const at = next?.at === null || next?.at === undefined ? undefined : Number(next.at);
    if (at === undefined) return round;
    h.clock.set(Math.max(h.clock.now() + 1, at));
  }
  const left = await h.db.kysely
    .selectFrom("jobs")
    .select(["id", "kind", "state", "attempts", "last_error"])
    .where("state", "in", ["queued", "retry", "active"])
    .execute();
  throw new Error(`jobs still pending after ${maxRounds} rounds: ${JSON.stringify(left)}`);
}

export interface Outcome {
  deliveries: DeliveryRow[];
  /** Accepted uploads of files (any chat). */
  uploads: SentRecord[];
  /** Plain messages to the row's chat(s) (meeting-card messages included). */
  texts: string[];
  jobs: Array<{ kind: string; state: string; attempts: number; last_error: string | null }>;
  delivered: boolean;
}

/** The end state, after checking the invariants every row shares. */
export async function finish(row: Row, chats: readonly number[] = [row.chatId]): Promise<Outcome> {
  const { h } = row;
  const jobs = await h.db.kysely
    .selectFrom("jobs")
    .select(["kind", "state", "attempts", "last_error"])
    .orderBy("id")
    .execute();
  // Settled: no job half-way, none left to run.
  for (const job of jobs)
    expect(["completed", "dead", "cancelled"], JSON.stringify(job)).toContain(job.state);
  const deliveries = await h.db.kysely
    .selectFrom("deliveries")
    .selectAll()
    .where("meeting_uuid", "=", UUID)
    .where("kind", "in", ["audio", "video"])
    .execute();
  expect(deliveries.length).toBeGreaterThan(0);
  for (const d of deliveries)
    expect(["delivered", "failed", "skipped"], JSON.stringify(d)).toContain(d.state);

  const uploads = h.tg.sent.filter((s) => UPLOADS.has(s.method));
  for (const upload of uploads)
    expect(chats, "an upload went to a chat it should not").toContain(upload.chatId);
  const delivered = deliveries.every((d) => d.state === "delivered");
  for (const d of deliveries) {
    if (d.state !== "delivered") continue;
    const rung = (JSON.parse(d.detail ?? "{}") as { rung?: string }).rung;
    const ids = JSON.parse(d.message_ids ?? "[]") as number[];
    const mine = uploads.filter((u) => ids.includes(u.messageId));
    if (rung === "direct") {
      // Exactly the recording's bytes, exactly once.
      expect(mine).toHaveLength(1);
      expect(mine[0]?.files[0]?.sha256).toBe(row.audioSha);
    } else if (rung === "transcode" || rung === "split") {
      let seconds = 0;
      for (const u of mine) {
        const path = u.files[0]?.path;
        expect(path, "keepFiles: the fake keeps what it received").toBeTruthy();
        const info = await probeMedia({ ffmpeg: FFMPEG, ffprobe: FFPROBE }, path as string);
        expect(info.hasAudio).toBe(true);
        if (rung === "transcode") expect(info.audioChannels).toBe(1);
        seconds += info.durationSec;
      }
      expect(seconds).toBeGreaterThan(row.audioSeconds - 2);
      expect(seconds).toBeLessThan(row.audioSeconds + 2);
    }
  }
  // Never the recording twice, and never a file that is neither the recording nor made from it.
  const originals = uploads.filter((u) => u.files[0]?.sha256 === row.audioSha);
  expect(originals.length).toBeLessThanOrEqual(1);
  const accounted = new Set(deliveries.flatMap((d) => JSON.parse(d.message_ids ?? "[]") as number[]));
  for (const u of uploads)
    expect(accounted.has(u.messageId), `upload ${u.messageId} belongs to no delivery`).toBe(true);

  const texts = h.tg.sent
    .filter((s) => s.method === "sendMessage" && chats.includes(s.chatId))
    .map((s) => s.text ?? "");
  return { deliveries, uploads, texts, jobs, delivered };
}

/** The localized text the chat gets when a delivery dies for `reasonKey` (en). */
export function failureText(row: Row, reasonKey: string): string {
  const t = row.h.app.services.translator;
  return t.t("en", "delivery-failed", {
    topic: TOPIC.replace(/\s+/g, " "),
    reason: t.t("en", reasonKey),
  });
}

/** Jobs of the delivery kind, for attempt counts. */
export async function recordingJobs(row: Row) {
  return row.h.db.kysely
    .selectFrom("jobs")
    .select(["id", "state", "attempts", "run_at", "last_error"])
    .where("kind", "=", "deliver-recording")
    .orderBy("id")
    .execute();
}

/**
 * Zoom announces the recording and the worker runs once: the delivery job failed that attempt and
 * waits to retry. Returns the job and the clock when the attempt began (to check how long it waits).
 */
export async function announceUntilRetry(row: Row) {
  await announce(row);
  const startedAt = row.h.clock.now();
  await row.h.drain();
  const [job] = await recordingJobs(row);
  expect(job?.state).toBe("retry");
  return { job, startedAt };
}

/** The Zoom connection was marked broken and the chat was asked to connect again. */
export async function expectConnectionBroken(row: Row, out: Outcome): Promise<void> {
  const connection = await row.h.db.kysely.selectFrom("zoom_connections").select("status").executeTakeFirst();
  expect(connection?.status).toBe("broken");
  const t = row.h.app.services.translator;
  expect(out.texts).toContain(t.t("en", "connect-broken", { email: row.user.email }));
}

/**
 * The bounded end of a fault that never passes: the recording is announced, every job runs to
 * rest, nothing is uploaded, the delivery job is dead after its 4 attempts, and the chat is told
 * `reasonKey`. Returns the outcome and the job for the row's own checks.
 */
export async function announceUntilDead(row: Row, reasonKey: string) {
  const out = await announceAndFinish(row);
  expect(out.delivered).toBe(false);
  expect(out.uploads).toHaveLength(0);
  const [job] = await recordingJobs(row);
  expect(job).toMatchObject({ state: "dead", attempts: 4 });
  expect(out.texts).toContain(failureText(row, reasonKey));
  return { out, job };
}

/** Raw SQL helper for rows that need to look under the hood. */
export { sql };
