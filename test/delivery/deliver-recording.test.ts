/**
 * The whole flow, through the fakes, with real media made by ffmpeg: a signed recording.completed
 * goes in through POST /webhooks/zoom, the worker runs, and the fake Telegram receives the audio.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { extractAudio } from "../../src/media/transform.js";
import { createLogger } from "../../src/observability/logger.js";
import type { FakeMeeting } from "../fakes/fake-zoom.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile, testVideoForFile } from "../support/each-test.js";
import { FFMPEG, makeTestAudio } from "../support/media.js";
import { type DeliveryHarness, sha256File, startDeliveryHarness } from "./harness.js";

const audio30 = testAudioForFile({ seconds: 30, bitrateKbps: 64 });
const video20 = testVideoForFile({ seconds: 20 });
const silentVideo = testVideoForFile({ seconds: 5, withAudio: false });
const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

async function setup(options: Parameters<typeof startDeliveryHarness>[0] = {}) {
  const b = closeAfterTest(await startDeliveryHarness(options));
  const connected = await b.connect({ chatId: 4242, timezone: "Europe/Berlin", displayName: "Ann Lee" });
  return { b, ...connected };
}

function addMeeting(
  b: DeliveryHarness,
  hostUserId: string,
  input: Partial<Parameters<DeliveryHarness["zoom"]["addMeeting"]>[0]> = {},
): FakeMeeting {
  return b.zoom.addMeeting({
    uuid: input.uuid ?? "4444AAAiAAAAAiAiAiiAii==",
    hostUserId,
    topic: input.topic ?? "Weekly sync",
    start_time: input.start_time ?? "2026-03-01T08:00:00Z",
    duration: input.duration ?? 1,
    files: input.files ?? [
      { file_type: "M4A", recording_type: "audio_only", path: audio30() },
      { file_type: "MP4", recording_type: "shared_screen_with_speaker_view", path: video20() },
    ],
    ...(input.timezone ? { timezone: input.timezone } : {}),
  });
}

/** Adds the meeting (see `addMeeting`), announces it as Zoom would and runs its delivery to the end. */
async function deliverMeeting(
  b: DeliveryHarness,
  hostUserId: string,
  input: Parameters<typeof addMeeting>[2] = {},
): Promise<FakeMeeting> {
  const meeting = addMeeting(b, hostUserId, input);
  await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
  await b.settle();
  return meeting;
}

describe(`recording delivery on ${TEST_DIALECT}`, () => {
  it("delivers the audio_only M4A byte for byte, with name, duration, title, performer and caption", async () => {
    const { b, zoomUserId } = await setup();
    const meeting = addMeeting(b, zoomUserId);
    const response = await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "received" });
    expect(await b.auditResults()).toEqual(["accepted"]);
    await b.settle();

    const uploads = b.uploads(4242);
    expect(uploads).toHaveLength(1);
    const sent = uploads[0]!;
    expect(sent.method).toBe("sendAudio");
    expect(sent.files).toHaveLength(1);
    expect(sent.files[0]!.sha256).toBe(await sha256File(audio30()));
    expect(sent.files[0]!.filename).toBe("2026-03-01 Weekly sync.m4a");
    expect(Number(sent.fields.duration)).toBe(30);
    expect(sent.fields.title).toBe("Weekly sync");
    expect(sent.fields.performer).toBe("Ann Lee");
    expect(sent.parseMode).toBeUndefined();
    // 08:00 UTC is 09:00 in Berlin on 1 March.
    expect(sent.caption).toBe("🎙 Weekly sync\n🗓 Started: Mar 1, 2026, 9:00 AM GMT+1\n⏱ Duration: 30 sec");

    const rows = await findDeliveries(b.services.db.kysely, meeting.uuid, 4242, ["audio"]);
    expect(rows.map((r) => r.state)).toEqual(["delivered"]);
    expect(JSON.parse(rows[0]!.message_ids!)).toEqual([sent.messageId]);
    // The job's workspace is gone once the audio is delivered.
    expect(readdirSync(b.mediaDir)).toEqual([]);
  });

  it("delivers a triple-sent event once", async () => {
    const { b, zoomUserId } = await setup();
    const meeting = addMeeting(b, zoomUserId);
    for (let i = 0; i < 3; i++) {
      // Each copy carries a fresh download_token, as Zoom's re-sends do (zoom.md §6.1).
      expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
      await b.settle();
    }
    expect(await b.auditResults()).toEqual(["accepted", "duplicate", "duplicate"]);
    expect(b.uploads(4242)).toHaveLength(1);
    const events = await b.services.db.kysely.selectFrom("webhook_events").select("result").execute();
    expect(events.map((e) => e.result)).toEqual(["accepted", "duplicate", "duplicate"]);
    const jobs = await b.services.db.kysely
      .selectFrom("jobs")
      .select("kind")
      .where("kind", "=", "deliver-recording")
      .execute();
    expect(jobs).toHaveLength(1);
  });

  it.each([
    ["/ajXp112QmuoKj4854875==", "%252FajXp112QmuoKj4854875%253D%253D"],
    ["abc//def==", "abc%252F%252Fdef%253D%253D"],
    ["ab/cd+ef==", "ab%2Fcd%2Bef%3D%3D"],
  ])("finds the recordings of UUID %s at /meetings/%s/recordings", async (uuid, segment) => {
    const { b, zoomUserId } = await setup();
    const meeting = addMeeting(b, zoomUserId, { uuid });
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle();
    expect(b.uploads(4242)).toHaveLength(1);
    const calls = b.zoom.requests.filter((r) => r.route === "recordings");
    // Right the first time: no second try with the other encoding.
    expect(calls.map((r) => r.path.split("?")[0])).toEqual([`/v2/meetings/${segment}/recordings`]);
    expect(calls[0]!.path).toContain("include_fields=download_access_token");
  });

  it("extracts the audio of an MP4-only meeting with ffmpeg and sends it as M4A audio", async () => {
    const { b, zoomUserId } = await setup();
    const meeting = await deliverMeeting(b, zoomUserId, {
      files: [{ file_type: "MP4", recording_type: "shared_screen_with_speaker_view", path: video20() }],
    });
    const [sent] = b.uploads(4242);
    expect(sent?.method).toBe("sendAudio");
    expect(sent?.files[0]?.filename).toMatch(/\.m4a$/);
    expect(Number(sent?.fields.duration)).toBeGreaterThanOrEqual(19);
    // Exactly the MP4's audio track, copied without re-encoding.
    const expected = join(mkdtempSync(join(tmpdir(), "zoomgram-expect-")), "audio.m4a");
    await extractAudio(FFMPEG, video20(), expected);
    expect(sent!.files[0]!.sha256).toBe(await sha256File(expected));
    expect(sent!.files[0]!.size).toBeLessThan(meeting.files[0]!.file_size);
  });

  it("without ffmpeg sends an MP4-only meeting's video as a document", async () => {
    const { b, zoomUserId } = await setup({ ffmpeg: null });
    await deliverMeeting(b, zoomUserId, {
      files: [{ file_type: "MP4", recording_type: "active_speaker", path: video20() }],
    });
    const [sent] = b.uploads(4242);
    expect(sent?.method).toBe("sendDocument");
    expect(sent?.files[0]?.sha256).toBe(await sha256File(video20()));
    expect(sent?.caption).toMatch(/^🎬 No audio could be extracted/);
  });

  it("sends a silent MP4 as a document even with ffmpeg (no audio track to extract)", async () => {
    const { b, zoomUserId } = await setup();
    await deliverMeeting(b, zoomUserId, {
      files: [{ file_type: "MP4", recording_type: "active_speaker", path: silentVideo() }],
    });
    expect(b.uploads(4242).map((s) => s.method)).toEqual(["sendDocument"]);
  });

  it("delivers each segment once when a later event adds a file, even with both jobs running at once", async () => {
    const { b, zoomUserId } = await setup();
    const second = await makeTestAudio({ seconds: 12, bitrateKbps: 64 });
    const meeting = addMeeting(b, zoomUserId, {
      files: [
        { file_type: "M4A", recording_type: "audio_only", path: audio30() },
        { file_type: "M4A", recording_type: "audio_only", path: second },
      ],
    });
    const early = b.zoom.buildEvent("recording.completed", meeting.uuid);
    const object = (early.payload as { object: { recording_files: unknown[] } }).object;
    object.recording_files = object.recording_files.slice(0, 1);
    expect((await b.post(early)).status).toBe(200);
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    expect(await b.auditResults()).toEqual(["accepted", "accepted"]);
    await b.settle();
    const hashes = b.uploads(4242).map((u) => u.files[0]!.sha256);
    expect(hashes.sort()).toEqual([await sha256File(audio30()), await sha256File(second)].sort());
    const names = b.uploads(4242).map((u) => u.files[0]!.filename);
    expect(names.sort()).toEqual(["2026-03-01 Weekly sync - 2.m4a", "2026-03-01 Weekly sync.m4a"]);
  });

  it("publishes progress at each stage, counts metrics, and never logs a token", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      destination: new Writable({
        write(chunk, _encoding, callback) {
          lines.push(String(chunk));
          callback();
        },
      }),
    });
    const { b, zoomUserId } = await setup({ deps: { logger } });
    const events: string[] = [];
    b.services.progress.subscribe(async (e) => {
      events.push([e.part, e.status, e.detail].filter(Boolean).join(":"));
    });
    const meeting = addMeeting(b, zoomUserId);
    const event = b.zoom.buildEvent("recording.completed", meeting.uuid);
    await b.post(event);
    b.clock.advance(1500);
    await b.settle();
    expect(events).toEqual([
      "received:done",
      "audio:working:downloading",
      "audio:working:uploading",
      "audio:done",
    ]);

    const m = b.services.metrics;
    expect((await m.webhooks.get()).values).toContainEqual(
      expect.objectContaining({ labels: { event: "recording.completed", result: "accepted" }, value: 1 }),
    );
    expect((await m.bytesDownloaded.get()).values[0]?.value).toBe(meeting.files[0]!.file_size);
    expect((await m.bytesUploaded.get()).values[0]?.value).toBe(meeting.files[0]!.file_size);
    expect((await m.deliveries.get()).values).toContainEqual(
      expect.objectContaining({ labels: { kind: "audio", result: "delivered" }, value: 1 }),
    );
    const latency = (await m.deliveryLatency.get()).values.find((v) => v.metricName?.endsWith("_sum"));
    expect(latency?.value).toBe(1.5);

    const log = lines.join("");
    expect(log).toContain("audio delivered");
    const tokens = [
      event.download_token,
      ...b.zoom.requests.map((r) => String(r.headers.authorization ?? "")),
    ]
      .map((t) => t.replace(/^Bearer /, ""))
      .filter((t) => t.length > 20);
    expect(tokens.length).toBeGreaterThan(1);
    for (const token of tokens) expect(log).not.toContain(token);
  });
});
