/**
 * Fault matrix, our own storage (issue #9 §2): the database busy or locked by another
 * connection, and the media folder unwritable or full. One test per row, through the real app and
 * the fakes; test/fault/matrix.ts checks the shared invariants.
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { describe, expect, it, onTestFinished } from "vitest";
import { countRows, TEST_DIALECT } from "../support/db.js";
import { holdLock } from "./locks.js";
import {
  announce,
  announceUntilDead,
  completedEvent,
  expectDeliveredOnce,
  type Row,
  recordingJobs,
  rowsForEachTest,
  settleAndFinish,
} from "./matrix.js";

const startRow = rowsForEachTest();

/** How long the app waits for a lock before failing the statement (ms). */
const PATIENCE_MS = 300;

const count = (row: Row, table: "webhook_events" | "jobs" | "meetings" | "deliveries") =>
  countRows(row.h.db, table);

describe(`fault matrix: storage (${TEST_DIALECT})`, () => {
  it("database busy or locked: short locks are waited out; a long one costs a 500 (Zoom retries) or a job retry, never a half-written event or a lost job", async () => {
    const row = await startRow({
      // PostgreSQL: a statement waiting longer than this on a lock is cancelled.
      env: { DB_STATEMENT_TIMEOUT_MS: String(PATIENCE_MS) },
      zoom: { latencyMs: 500 },
    });
    const { h } = row;
    // SQLite: the same patience for the app's connection (busy_timeout is 10 s in production).
    if (h.db.dialect === "sqlite") await sql.raw(`pragma busy_timeout = ${PATIENCE_MS}`).execute(h.db.kysely);
    const event = completedEvent(row);

    // 1. A lock shorter than the patience: the webhook waits and is accepted.
    const short = holdLock(h.databaseUrl, ["webhook_inbox", "meetings", "webhook_events"], 100);
    await short.locked;
    expect((await h.postZoomWebhook(event)).status).toBe(200);
    await short.released;
    expect(await count(row, "webhook_events")).toBe(1);

    // 2. A lock longer than the patience: the webhook gets a 500, so Zoom sends it again later,
    //    and nothing of it was written (its transaction rolled back whole).
    const before = { events: await count(row, "webhook_events"), jobs: await count(row, "jobs") };
    const long = holdLock(h.databaseUrl, ["webhook_inbox", "meetings", "webhook_events"], 1500);
    await long.locked;
    const retried = completedEvent(row);
    expect((await h.postZoomWebhook(retried)).status).toBe(500);
    await long.released;
    expect(await count(row, "webhook_events")).toBe(before.events);
    expect(await count(row, "jobs")).toBe(before.jobs);
    // Zoom's retry lands after the lock is gone: recorded as a duplicate, no second job.
    const again = await h.postZoomWebhook(retried);
    expect(again.status).toBe(200);
    const audit = await row.h.db.kysely.selectFrom("webhook_events").select("result").orderBy("id").execute();
    expect(audit.map((a) => a.result)).toEqual(["accepted", "duplicate"]);

    // 3. The job runs into a lock mid-way (taken as it asks Zoom for the recording; every Zoom
    //    answer takes 500 ms, so the lock is held long before the job writes again): that
    //    attempt fails and is retried; nothing was uploaded by it and the delivery is not lost.
    const drained = h.drain();
    await h.zoom.waitForRequest((r) => r.route === "recordings", 10_000);
    const midway = holdLock(h.databaseUrl, ["deliveries"], 1500);
    await midway.locked;
    await drained;
    await midway.released;
    const [job] = await recordingJobs(row);
    expect(job?.state).toBe("retry");
    expect(h.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(0);
    const out = await settleAndFinish(row);
    expectDeliveredOnce(out);
  }, 60_000);

  it("media folder unwritable: bounded attempts, then the chat is told; nothing is uploaded", async () => {
    // A regular file where MEDIA_DIR's parent should be: mkdir fails even for root.
    const scratch = join(tmpdir(), `zoomgram-unwritable-${process.pid}-${Date.now()}`);
    writeFileSync(scratch, "not a directory");
    onTestFinished(() => rmSync(scratch, { force: true }));
    const row = await startRow({ env: { MEDIA_DIR: join(scratch, "media") } });
    const { job } = await announceUntilDead(row, "reason-server-storage");
    expect(job?.last_error).toMatch(/^media\.unwritable/);
  });

  // A full disk mid-download (media.unwritable, retried) is tested on the download itself, in
  // test/delivery/download.test.ts: planting a symlink to /dev/full no longer reaches the write.
  it("a symlink planted where the download goes is never written through: its target stays untouched, the first attempt delivers the exact bytes", async () => {
    const row = await startRow();
    const { h } = row;
    await announce(row);
    // The first attempt's workspace is MEDIA_DIR/deliver-<job id>-1.
    const [job] = await recordingJobs(row);
    const workspace = join(h.mediaDir, `deliver-${job?.id}-1`);
    mkdirSync(workspace, { recursive: true, mode: 0o700 });
    const sentinel = join(h.mediaDir, `sentinel-${job?.id}`);
    writeFileSync(sentinel, "not yours");
    symlinkSync(sentinel, join(workspace, "source-1.m4a"));
    await h.drain();
    const [done] = await recordingJobs(row);
    expect(done?.state).toBe("completed");
    expect(readFileSync(sentinel, "utf8")).toBe("not yours");
    const out = await settleAndFinish(row);
    expect(out.delivered).toBe(true);
    expect(out.uploads[0]?.files[0]?.sha256).toBe(row.audioSha);
  });
});
