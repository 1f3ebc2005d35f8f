/**
 * Issue #13, item 7: no delivery after disconnect on PostgreSQL. A purge (app_deauthorized or
 * /disconnect) that commits while an ingest is between reading the connection and committing its
 * jobs must not leave a job behind: the ingest re-reads the connection under a row lock (FOR SHARE)
 * and the purge locks it first (FOR UPDATE). Run with TEST_DATABASE=postgres for the real race;
 * on SQLite write transactions are serialized and the same assertions hold.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { purgeZoomUser } from "../../src/connect/deauthorize.js";
import { withTransaction } from "../../src/db/database.js";
import { ingestRecordingCompleted } from "../../src/delivery/ingest-recording.js";
import { parseZoomEvent, type RecordingCompletedEvent } from "../../src/zoom/events.js";
import { type MeetingHarness, startMeetingHarness } from "../meeting/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";
import { yieldToIo } from "./harness.js";

let bench: MeetingHarness | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe(`purge against ingest (${TEST_DIALECT})`, () => {
  it("an ingest racing a purge that commits in between leaves no job and no meeting behind", async () => {
    bench = await startMeetingHarness();
    const b = bench;
    const audio = await makeTestAudio({ seconds: 2, bitrateKbps: 32 });
    b.zoom.addMeeting({
      uuid: "race-uuid==",
      hostUserId: b.user.id,
      topic: "Race",
      start_time: "2026-03-01T09:00:00Z",
      duration: 5,
      files: [{ file_type: "M4A", recording_type: "audio_only", path: audio }],
    });
    const raw = b.zoom.buildEvent("recording.completed", "race-uuid==") as Record<string, unknown>;
    const parsed = parseZoomEvent(raw);
    if (parsed.kind !== "ok") throw new Error("fixture event did not parse");
    const services = b.app.services;
    const db = services.db;

    // The purge deletes everything and holds its transaction open until released.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let purgedUncommitted!: () => void;
    const purgeReady = new Promise<void>((resolve) => {
      purgedUncommitted = resolve;
    });
    const purge = withTransaction(db, async (tx) => {
      const result = await purgeZoomUser(tx, b.user.id, b.clock.now(), db.dialect);
      purgedUncommitted();
      await gate;
      return result;
    });
    await purgeReady;

    // Meanwhile the webhook's ingest runs: without the lock it reads the (still visible) row and
    // commits a job after the purge committed.
    const ingest = ingestRecordingCompleted(services, parsed.event as RecordingCompletedEvent, {
      receivedAt: b.clock.now(),
      requestId: null,
      raw,
    });
    // Let the ingest run as far as it can: to its end (no lock), or until it waits for the
    // purge's row lock (PostgreSQL: an ungranted lock; SQLite: the connection is busy anyway).
    let finished = false;
    void ingest.then(
      () => {
        finished = true;
      },
      () => {
        finished = true;
      },
    );
    for (let i = 0; i < 5000 && !finished; i++) {
      if (db.dialect === "postgres") {
        const waiting = await sql<{
          n: string;
        }>`select count(*) as n from pg_locks where not granted`.execute(services.db.kysely);
        if (Number(waiting.rows[0]?.n ?? 0) > 0) break;
      } else if (i > 50) break;
      await yieldToIo();
    }
    release();
    expect((await purge).counts.connections).toBe(1);
    expect((await ingest).result).toBe("no_connection");

    const jobs = await db.kysely
      .selectFrom("jobs")
      .select(["kind", "state"])
      .where("state", "in", ["queued", "retry", "active"])
      .execute();
    expect(jobs).toEqual([]);
    expect(await db.kysely.selectFrom("meetings").select("meeting_uuid").execute()).toEqual([]);
    expect(await db.kysely.selectFrom("zoom_connections").select("id").execute()).toEqual([]);
  });
});
