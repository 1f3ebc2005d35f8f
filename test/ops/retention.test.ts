/**
 * Issue #13, item 5: data kept only as long as needed. The retention task prunes webhook audit
 * rows, finished jobs (keeping their dedupe keys), spent connect links and abandoned OAuth states;
 * an event for a Zoom user who is not connected keeps nothing of its content.
 */
import { describe, expect, it } from "vitest";
import { pruneOldData } from "../../src/ops/retention.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest } from "../support/each-test.js";
import { addStrangersRecording } from "../support/recordings.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

const closeAfterTest = closeAfterEachTest<OpsHarness>();

const DAY = 86_400_000;

describe(`retention on ${TEST_DIALECT}`, () => {
  it("prunes rows older than RETENTION_DAYS and keeps dedupe keys, unfinished jobs and recent rows", async () => {
    const b = closeAfterTest(await startOpsHarness({ env: { RETENTION_DAYS: "7" } }));
    const db = b.app.services.db.kysely;
    const now = b.clock.now();
    const old = now - 8 * DAY;
    const recent = now - 6 * DAY;
    const event = (receivedAt: number, meeting: string) => ({
      received_at: receivedAt,
      event: "recording.completed",
      meeting_uuid: meeting,
      zoom_user_id: "u",
      request_id: null,
      result: "accepted",
      download_token_enc: null,
      payload: '{"topic":"x"}',
    });
    await db
      .insertInto("webhook_events")
      .values([event(old, "old"), event(recent, "recent")])
      .execute();
    const job = (state: string, finishedAt: number | null, dedupe: string | null) => ({
      kind: "deliver-recording",
      payload: '{"meetingUuid":"m","chatId":1}',
      state,
      priority: 0,
      attempts: 1,
      max_attempts: 8,
      run_at: old,
      locked_by: null,
      lease_expires_at: null,
      last_error: state === "dead" ? "boom" : null,
      dedupe_key: dedupe,
      created_at: old,
      updated_at: old,
      finished_at: finishedAt,
    });
    await db
      .insertInto("jobs")
      .values([
        job("completed", old, null),
        job("dead", old, "rec:old-dedupe"),
        job("completed", recent, null),
        job("queued", null, "rec:waiting"),
      ])
      .execute();
    await db
      .insertInto("connect_links_spent")
      .values([
        {
          link_hash: "expired",
          chat_id: 1,
          telegram_user_id: 1,
          expires_at: now - 1,
          spent_at: now - 60_000,
        },
        { link_hash: "live", chat_id: 1, telegram_user_id: 1, expires_at: now + 60_000, spent_at: now },
      ])
      .execute();

    const report = await pruneOldData(b.app.services, now);
    expect(report).toMatchObject({ webhookEvents: 1, jobsDeleted: 1, jobsEmptied: 1, connectLinks: 1 });

    expect(
      (await db.selectFrom("webhook_events").select("meeting_uuid").execute()).map((r) => r.meeting_uuid),
    ).toEqual(["recent"]);
    const jobs = await db
      .selectFrom("jobs")
      .select(["state", "dedupe_key", "payload", "last_error"])
      .orderBy("id")
      .execute();
    expect(jobs).toEqual([
      { state: "dead", dedupe_key: "rec:old-dedupe", payload: "{}", last_error: null },
      { state: "completed", dedupe_key: null, payload: '{"meetingUuid":"m","chatId":1}', last_error: null },
      {
        state: "queued",
        dedupe_key: "rec:waiting",
        payload: '{"meetingUuid":"m","chatId":1}',
        last_error: null,
      },
    ]);
    expect(
      (await db.selectFrom("connect_links_spent").select("link_hash").execute()).map((r) => r.link_hash),
    ).toEqual(["live"]);
    // A second pass finds nothing more.
    expect(Object.values(await pruneOldData(b.app.services, now)).every((n) => n === 0)).toBe(true);
  });

  it("forgets what a recording removed in Zoom stopped once Zoom's trash cannot give it back, never sooner", async () => {
    const b = closeAfterTest(await startOpsHarness({ env: { RETENTION_DAYS: "7" } }));
    const db = b.app.services.db.kysely;
    const now = b.clock.now();
    const removal = (meetingUuid: string, updatedAt: number) => ({
      meeting_uuid: meetingUuid,
      zoom_user_id: "u",
      chat_id: 1,
      state: "trashed",
      stopped_deliveries: "[1]",
      stopped_jobs: "[]",
      created_at: updatedAt,
      updated_at: updatedAt,
    });
    // Past RETENTION_DAYS but still restorable from Zoom's trash (30 days), and past that.
    await db
      .insertInto("recording_removals")
      .values([removal("restorable", now - 20 * DAY), removal("purged-by-zoom", now - 32 * DAY)])
      .execute();
    expect((await pruneOldData(b.app.services, now)).recordingRemovals).toBe(1);
    expect(
      (await db.selectFrom("recording_removals").select("meeting_uuid").execute()).map((r) => r.meeting_uuid),
    ).toEqual(["restorable"]);
  });

  it("RETENTION_DAYS defaults to 30", async () => {
    const b = closeAfterTest(await startOpsHarness());
    expect(b.app.services.config.retentionDays).toBe(30);
  });

  it("an event for a Zoom user who is not connected keeps no content and no download token", async () => {
    const b = closeAfterTest(await startOpsHarness());
    const meeting = addStrangersRecording(b.zoom, {
      uuid: "stranger-meeting==",
      topic: "Private stranger topic",
      duration: 1,
      vtt: "WEBVTT\n",
    });
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    const rows = await b.app.services.db.kysely.selectFrom("webhook_events").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: "no_connection", payload: "{}", download_token_enc: null });
    expect(JSON.stringify(rows)).not.toContain("Private stranger topic");
  });
});
