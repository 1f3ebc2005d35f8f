/**
 * POST /webhooks/zoom and /webhooks/zoom/deauth at the byte level: what is refused (and that a
 * refusal changes nothing), the CRC, the audit row and its encrypted token, the deauthorization
 * path, and how fast an answer is.
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { downloadTokenAad } from "../../src/delivery/ingest.js";
import { computeCrcResponse, computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { countRows, TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest } from "../support/each-test.js";
import { loadZoomFixtureText } from "../support/fixtures.js";
import { addStrangersRecording } from "../support/recordings.js";
import { type DeliveryHarness, startDeliveryHarness } from "./harness.js";

const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

async function counts(b: DeliveryHarness) {
  const n = (table: "webhook_events" | "jobs" | "deliveries" | "meetings" | "recordings") =>
    countRows(b.services.db, table);
  return {
    events: await n("webhook_events"),
    jobs: await n("jobs"),
    deliveries: await n("deliveries"),
    meetings: await n("meetings"),
    recordings: await n("recordings"),
  };
}

const NOTHING = { events: 0, jobs: 0, deliveries: 0, meetings: 0, recordings: 0 };

async function connectedMeeting(b: DeliveryHarness) {
  const { zoomUserId } = await b.connect({ chatId: 77 });
  return b.zoom.addMeeting({
    uuid: "q8rWw0T1TXWZ7z1/pcvDIA==",
    hostUserId: zoomUserId,
    topic: "Planning <Q2> & more",
    start_time: "2026-03-01T08:00:00Z",
    files: [
      { file_type: "M4A", recording_type: "audio_only", bytes: "x".repeat(100) },
      { file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: "WEBVTT\n" },
      { file_type: "CHAT", recording_type: "chat_file", bytes: "hi" },
    ],
  });
}

describe(`Zoom webhook routes on ${TEST_DIALECT}`, () => {
  it("answers the CRC only for a signed request, with HMAC(secret, plainToken)", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const body = loadZoomFixtureText("endpoint.url_validation.request.official-example.json");
    const ok = await bench.post(body);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual(
      computeCrcResponse(bench.config.zoom.webhookSecret, "qgg8vlvZRS6UYooatFL8Aw"),
    );
    const forged = await bench.post(body, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    expect(JSON.stringify(await forged.json())).not.toContain("encryptedToken");
    // The deauthorization endpoint answers validation the same way.
    expect((await bench.post(body, { path: "/webhooks/zoom/deauth" })).status).toBe(200);
    expect(await counts(bench)).toEqual(NOTHING);
  });

  it("refuses bad signatures, missing headers, stale and future timestamps with 401 and no side effect", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const meeting = await connectedMeeting(bench);
    const event = bench.zoom.buildEvent("recording.completed", meeting.uuid);
    const raw = JSON.stringify(event);
    const now = Math.floor(bench.clock.now() / 1000);

    expect((await bench.post(event, { secret: "wrong" })).status).toBe(401);
    expect((await bench.post(event, { timestampSec: now - 301 })).status).toBe(401);
    expect((await bench.post(event, { timestampSec: now + 301 })).status).toBe(401);
    expect((await bench.post(event, { timestampSec: now - 299 })).status).toBe(200);
    await bench.app.services.db.kysely.deleteFrom("jobs").execute();
    await bench.app.services.db.kysely.deleteFrom("deliveries").execute();
    await bench.app.services.db.kysely.deleteFrom("webhook_events").execute();
    const before = await counts(bench);

    const noHeaders = await bench.app.http.request("/webhooks/zoom", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: raw,
    });
    expect(noHeaders.status).toBe(401);
    // Signed over other bytes (a re-serialization with different spacing) does not verify.
    const ts = String(now);
    const respaced = await bench.app.http.request("/webhooks/zoom", {
      method: "POST",
      headers: {
        "x-zm-request-timestamp": ts,
        "x-zm-signature": computeZoomSignature(
          bench.config.zoom.webhookSecret,
          ts,
          JSON.stringify(event, null, 1),
        ),
      },
      body: raw,
    });
    expect(respaced.status).toBe(401);
    const stale = await bench.post(event, { timestampSec: now - 3600 });
    expect(await stale.json()).toMatchObject({ error: "webhook.stale" });
    expect(await counts(bench)).toEqual(before);
  });

  it("answers 4xx, never 5xx, to malformed bodies, and ignores unknown signed events", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    await connectedMeeting(bench);
    const statuses: Record<string, number> = {};
    statuses.notJson = (await bench.post("{not json")).status;
    statuses.array = (await bench.post("[1,2,3]")).status;
    statuses.noEvent = (await bench.post({ payload: {} })).status;
    statuses.badShape = (
      await bench.post({ event: "recording.completed", payload: { object: { uuid: 5 } } })
    ).status;
    statuses.badUtf8 = (await bench.post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("latin1"))).status;
    statuses.unknown = (
      await bench.post({ event: "meeting.started", payload: { object: { id: "1" } } })
    ).status;
    expect(statuses).toEqual({
      notJson: 400,
      array: 400,
      noEvent: 400,
      badShape: 400,
      badUtf8: 400,
      unknown: 200,
    });
    expect(await counts(bench)).toEqual({ ...NOTHING, events: 0 });
  });

  it("stores odd but valid values without failing: fractional or absurd durations, Unicode topics", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const meeting = await connectedMeeting(bench);
    for (const duration of [1.5, "45", 1e12, -3]) {
      const event = bench.zoom.buildEvent("recording.completed", meeting.uuid);
      const object = (event.payload as { object: Record<string, unknown> }).object;
      object.duration = duration;
      object.topic = "Ünïcødé 🎙 \u0000 <script>";
      const response = await bench.post(event);
      expect(response.status).toBe(200);
    }
    const stored = await bench.services.db.kysely
      .selectFrom("meetings")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(stored.duration_minutes).toBeNull();
    // U+0000 cannot be stored in PostgreSQL text and never comes from Zoom: it is dropped.
    expect(stored.topic).toBe("Ünïcødé 🎙  <script>");
  });

  it("refuses a body over 1 MiB with 413 before looking at it", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const big = JSON.stringify({ event: "recording.completed", pad: "x".repeat(1024 * 1024) });
    const response = await bench.post(big);
    expect(response.status).toBe(413);
    expect(await counts(bench)).toEqual(NOTHING);
  });

  it("records recording.completed durably before answering: audit row, meeting, files, deliveries, jobs", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const meeting = await connectedMeeting(bench);
    // Sometimes the transcript is ready with the recording and listed in the same event.
    const event = bench.zoom.buildEvent("recording.completed", meeting.uuid, {
      fileTypes: ["M4A", "TRANSCRIPT", "CHAT"],
    });
    const response = await bench.post(event, { headers: { "x-zm-request-id": "6009d653_d487" } });
    expect(response.status).toBe(200);
    expect(await counts(bench)).toEqual({ events: 1, jobs: 2, deliveries: 2, meetings: 1, recordings: 3 });

    const db = bench.services.db.kysely;
    const audit = await db.selectFrom("webhook_events").selectAll().executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      event: "recording.completed",
      meeting_uuid: meeting.uuid,
      result: "accepted",
      request_id: "6009d653_d487",
    });
    // The 24 h bearer token is stored only encrypted, and the payload is stored without it.
    expect(audit.payload).not.toContain(event.download_token);
    expect(JSON.parse(audit.payload)).not.toHaveProperty("download_token");
    expect(audit.download_token_enc).not.toContain(event.download_token);
    expect(bench.services.cipher.decrypt(audit.download_token_enc!, downloadTokenAad(meeting.uuid))).toBe(
      event.download_token,
    );

    const jobs = await db.selectFrom("jobs").select(["kind", "payload"]).orderBy("id").execute();
    expect(jobs.map((j) => j.kind)).toEqual(["deliver-recording", "deliver-transcript"]);
    expect(JSON.parse(jobs[0]!.payload)).toEqual({
      meetingUuid: meeting.uuid,
      chatId: 77,
      zoomUserId: meeting.hostUserId,
      requestedAt: bench.clock.now(),
      fileIds: [meeting.files[0]!.id],
    });
    const transcriptFile = meeting.files.find((f) => f.file_type === "TRANSCRIPT")!;
    expect(JSON.parse(jobs[1]!.payload)).toMatchObject({
      meetingUuid: meeting.uuid,
      chatId: 77,
      fileId: transcriptFile.id,
    });
    const deliveries = await db
      .selectFrom("deliveries")
      .select(["kind", "state", "file_id"])
      .orderBy("id")
      .execute();
    expect(deliveries).toEqual([
      { kind: "audio", state: "pending", file_id: meeting.files[0]!.id },
      { kind: "transcript", state: "pending", file_id: transcriptFile.id },
    ]);
  });

  it("keeps an audit row but creates no work for a Zoom user nobody connected", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const meeting = addStrangersRecording(bench.zoom, {
      uuid: "stranger==",
      topic: "x",
      start_time: "2026-03-01T08:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "abc" }],
    });
    const response = await bench.post(bench.zoom.buildEvent("recording.completed", meeting.uuid));
    // The answer only says the event is durably in the inbox; the processor decides the rest.
    expect(await response.json()).toEqual({ status: "received" });
    expect(await bench.auditResults()).toEqual(["no_connection"]);
    expect(await counts(bench)).toEqual({ ...NOTHING, events: 1 });
  });

  it("accepts the official recording.completed example (no connection) and app_deauthorized on both paths", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const official = await bench.post(loadZoomFixtureText("recording.completed.official-example.json"));
    expect(await official.json()).toEqual({ status: "received" });
    expect(await bench.auditResults()).toEqual(["no_connection"]);

    const { zoomUserId } = await bench.connect({ chatId: 99 });
    const deauth = bench.zoom.buildDeauthorizationEvent(zoomUserId);
    const first = await bench.post(deauth, { path: "/webhooks/zoom/deauth" });
    expect(await first.json()).toEqual({ status: "received" });
    // The same event on the other path is the same deauthorization: one purge.
    const second = await bench.post(deauth);
    expect(await second.json()).toEqual({ status: "received" });
    expect(await bench.auditResults()).toEqual(["no_connection", "accepted", "duplicate"]);
    // The answer went out before any Telegram call: the chat hears about it from the job.
    expect(bench.tg.sent).toHaveLength(0);
    await bench.app.worker!.drain();
    const connection = await bench.services.db.kysely.selectFrom("zoom_connections").selectAll().execute();
    expect(connection).toEqual([]);
    expect(bench.tg.sent.map((s) => [s.chatId, s.method])).toEqual([[99, "sendMessage"]]);
    expect(bench.tg.sent[0]!.text).toMatch(/removed from the Zoom account/);
  });

  it("nothing in the request path calls Zoom or Telegram (answer times are reported)", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const meeting = await connectedMeeting(bench);
    const zoomCalls = bench.zoom.requests.length;
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const event = bench.zoom.buildEvent("recording.completed", meeting.uuid);
      const started = performance.now();
      const response = await bench.post(event);
      timings.push(performance.now() - started);
      expect(response.status).toBe(200);
    }
    expect(bench.zoom.requests.length).toBe(zoomCalls);
    expect(bench.tg.calls).toHaveLength(0);
    timings.sort((a, b) => a - b);
    const p95 = timings[Math.floor(timings.length * 0.95)]!;
    // Reported, not asserted: speed targets live in `npm run bench` (docs/benchmarks.md).
    console.info(
      `webhook answer on ${TEST_DIALECT}: median ${timings[10]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
    );
  });
});
