/**
 * Missed-webhook recovery through the fakes: a recording whose webhook never came is listed from
 * Zoom (all pages), ingested like a `recording.completed`, and delivered once — a second sweep and
 * the late webhook change nothing. Recordings the sweep must leave alone (too fresh, from before
 * the connection, still processing, already delivered, another host's) stay untouched, and a Zoom
 * failure for one user neither stops the sweep nor loses the recording for the next run.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { MISSED_WEBHOOK_SWEEP, sweepMissedWebhooks } from "../../src/ops/missed-webhook-sweep.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { METRICS_AUTH } from "../support/config.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

const HOUR = 3_600_000;
const audio = testAudioForFile({ seconds: 6, bitrateKbps: 48 });

const closeAfterTest = closeAfterEachTest<OpsHarness>();

/** Connected at the bench's start (12:00 UTC); the clock is then moved on by `hoursLater`. */
async function setup(hoursLater = 4): Promise<{ b: OpsHarness; user: ZoomUser }> {
  const b = closeAfterTest(await startOpsHarness());
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  await b.connect({ user, chatId: 4242 });
  b.clock.advance(hoursLater * HOUR);
  return { b, user };
}

/** A meeting starting `startHoursAfterConnect` after 12:00 UTC, lasting `minutes`. */
function addMeeting(
  b: OpsHarness,
  user: ZoomUser,
  uuid: string,
  startHoursAfterConnect: number,
  minutes = 30,
) {
  const start = new Date(Date.UTC(2026, 0, 15, 12, 0, 0) + startHoursAfterConnect * HOUR).toISOString();
  return b.zoom.addMeeting({
    uuid,
    hostUserId: user.id,
    topic: `Meeting ${uuid}`,
    start_time: start.replace(/\.\d{3}Z$/, "Z"),
    duration: minutes,
    files: [{ file_type: "M4A", recording_type: "audio_only", path: audio() }],
  });
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe(`missed-webhook sweep on ${TEST_DIALECT}`, () => {
  it("delivers a recording whose webhook never arrived, once", async () => {
    const { b, user } = await setup();
    const meeting = addMeeting(b, user, "lost/Webhook==", 0.5);

    const report = await sweepMissedWebhooks(b.app.services);
    expect(report).toMatchObject({ users: 1, listed: 1, recovered: [meeting.uuid], failedUsers: 0 });
    await b.settle();
    const sent = b.tg.sent.filter((s) => s.method === "sendAudio" && s.chatId === 4242);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.files[0]?.sha256).toBe(sha(audio()));
    const rows = await findDeliveries(b.app.services.db.kysely, meeting.uuid, 4242, ["audio"]);
    expect(rows.map((r) => r.state)).toEqual(["delivered"]);
    const audit = await b.app.services.db.kysely
      .selectFrom("webhook_events")
      .select(["event", "result", "request_id"])
      .where("meeting_uuid", "=", meeting.uuid)
      .execute();
    expect(audit).toEqual([
      { event: "recording.completed", result: "accepted", request_id: MISSED_WEBHOOK_SWEEP },
    ]);

    // Again: nothing new. And Zoom's webhook, arriving late after all, is a duplicate.
    expect((await sweepMissedWebhooks(b.app.services)).recovered).toEqual([]);
    const late = await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    expect(late.status).toBe(200);
    const results = await b.app.services.db.kysely
      .selectFrom("webhook_events")
      .select("result")
      .where("meeting_uuid", "=", meeting.uuid)
      .orderBy("id")
      .execute();
    expect(results.map((r) => r.result)).toEqual(["accepted", "duplicate"]);
    await b.settle();
    expect(b.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(1);

    const metrics = await (await b.app.http.request("/metrics", { headers: METRICS_AUTH })).text();
    expect(metrics).toContain('zoomgram_webhooks_total{event="recording.completed",result="recovered"} 1');
  });

  it("leaves alone what is not a missed webhook", async () => {
    const { b, user } = await setup(6);
    const other = b.zoom.addUser({ email: "other@example.com" });
    const fresh = addMeeting(b, user, "too-fresh==", 5); // ended 30 min ago: its webhook may still come
    const before = addMeeting(b, user, "before-connect==", -2); // recorded before /connect
    const processing = b.zoom.addMeeting({
      uuid: "still-processing==",
      hostUserId: user.id,
      topic: "Processing",
      start_time: "2026-01-15T13:00:00Z",
      duration: 30,
      files: [{ file_type: "M4A", recording_type: "audio_only", path: audio(), status: "processing" }],
    });
    const viaWebhook = addMeeting(b, user, "came-by-webhook==", 1);
    addMeeting(b, other, "someone-elses==", 1);
    expect((await b.post(b.zoom.buildEvent("recording.completed", viaWebhook.uuid))).status).toBe(200);
    await b.settle();
    const uploadsBefore = b.tg.sent.length;

    const report = await sweepMissedWebhooks(b.app.services);
    expect(report.listed).toBe(4); // the other host's meeting is not in this user's list
    expect(report.recovered).toEqual([]);
    for (const uuid of [fresh.uuid, before.uuid, processing.uuid]) {
      expect(await findDeliveries(b.app.services.db.kysely, uuid, 4242, ["audio"])).toEqual([]);
    }
    expect(b.tg.sent.length).toBe(uploadsBefore);

    // Processing finished and time passed: now both are recovered.
    b.zoom.setFileStatus(processing.uuid, processing.files[0]!.id, "completed");
    b.clock.advance(2 * HOUR);
    expect((await sweepMissedWebhooks(b.app.services)).recovered.sort()).toEqual(
      [fresh.uuid, processing.uuid].sort(),
    );
  });

  it("reads every page of the recordings list", async () => {
    const { b, user } = await setup(10);
    const uuids = [1, 2, 3, 4, 5].map((i) => addMeeting(b, user, `paged-${i}==`, i).uuid);
    const report = await sweepMissedWebhooks(b.app.services, { pageSize: 2 });
    expect(report.listed).toBe(5);
    expect(report.recovered.sort()).toEqual(uuids.sort());
    const listCalls = b.zoom.requests.filter((r) => r.route === "list_recordings");
    expect(listCalls).toHaveLength(3);
    expect(listCalls.filter((r) => r.path.includes("next_page_token="))).toHaveLength(2);
    await b.settle();
    expect(
      new Set(b.tg.sent.filter((s) => s.method === "sendAudio").map((s) => s.caption?.split("\n")[0])).size,
    ).toBe(5);
  });

  it("a Zoom failure for one user is retried on the next run; other users still get theirs", async () => {
    const { b, user } = await setup();
    const second = b.zoom.addUser({ email: "second@example.com" });
    b.clock.advance(-4 * HOUR);
    await b.connect({ user: second, chatId: 5151 });
    b.clock.advance(4 * HOUR);
    const mine = addMeeting(b, user, "first-user==", 0.5);
    const theirs = addMeeting(b, second, "second-user==", 0.5);
    b.zoom.inject("list_recordings", { kind: "status", status: 503 }, 1);

    const first = await sweepMissedWebhooks(b.app.services);
    expect(first.failedUsers).toBe(1);
    expect(first.recovered).toHaveLength(1);
    const second2 = await sweepMissedWebhooks(b.app.services);
    expect([...first.recovered, ...second2.recovered].sort()).toEqual([mine.uuid, theirs.uuid].sort());
    expect(b.lines.join("")).toContain("could not list a user's recordings; next run retries");
  });

  it("is a periodic task of the app, run by one process at a time", async () => {
    const { b, user } = await setup();
    addMeeting(b, user, "periodic==", 0.5);
    const ran = await b.app.periodic.runOnce();
    expect(ran).toContain(MISSED_WEBHOOK_SWEEP);
    const lease = await b.app.services.db.kysely
      .selectFrom("leases")
      .selectAll()
      .where("name", "=", `periodic:${MISSED_WEBHOOK_SWEEP}`)
      .executeTakeFirst();
    expect(lease?.holder).toBe(b.app.services.instanceId);
    expect(await b.app.services.db.kysely.selectFrom("deliveries").select("meeting_uuid").execute()).toEqual([
      { meeting_uuid: "periodic==" },
    ]);
  });
});
