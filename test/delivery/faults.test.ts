/**
 * The ways a delivery goes wrong, through the fakes: Zoom's HTML login page and cut-off bodies,
 * 429 and 5xx from Zoom and Telegram, files still processing, a chat that blocked the bot or
 * became a supergroup, a recording that is gone, one that is too big, and a download URL off the
 * allow-list. Each ends delivered exactly once, or not at all with the chat told why.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { findChat } from "../../src/telegram/chat.repository.js";
import type { AddRecordingFileInput, FakeMeeting } from "../fakes/fake-zoom.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { makeTestAudio } from "../support/media.js";
import { type DeliveryHarness, sha256File, startDeliveryHarness } from "./harness.js";

const audio = testAudioForFile({ seconds: 20, bitrateKbps: 64 });
const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

const CHAT = 5150;

async function setup(options: Parameters<typeof startDeliveryHarness>[0] = {}, chatId = CHAT) {
  const b = closeAfterTest(await startDeliveryHarness(options));
  const connected = await b.connect({ chatId, chatType: chatId < 0 ? "group" : "private" });
  return { b, ...connected };
}

function meetingOf(b: DeliveryHarness, hostUserId: string, files?: AddRecordingFileInput[]): FakeMeeting {
  return b.zoom.addMeeting({
    uuid: `m-${Math.random().toString(36).slice(2)}==`,
    hostUserId,
    topic: "Retro",
    start_time: "2026-03-01T08:00:00Z",
    files: files ?? [{ file_type: "M4A", recording_type: "audio_only", path: audio() }],
  });
}

/** A connected host's recording, announced by Zoom, whose download answers `fault` the first `times` times. */
async function announceWithBrokenDownload(
  fault: "html" | "truncate",
  times: number,
  options: Parameters<typeof startDeliveryHarness>[0] = {},
) {
  const { b, zoomUserId } = await setup(options);
  const m = meetingOf(b, zoomUserId);
  b.zoom.inject("download", { kind: fault }, times);
  await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
  return { b, m };
}

async function jobStates(b: DeliveryHarness) {
  return (
    await b.services.db.kysely
      .selectFrom("jobs")
      .select(["kind", "state", "attempts"])
      .orderBy("id")
      .execute()
  ).filter((j) => j.kind === "deliver-recording");
}

function failedMessages(b: DeliveryHarness, chatId = CHAT) {
  return b.tg.sent.filter(
    (s) => s.chatId === chatId && s.method === "sendMessage" && /couldn't be delivered/.test(s.text ?? ""),
  );
}

describe(`delivery faults on ${TEST_DIALECT}`, () => {
  it("never delivers Zoom's HTML login page; delivers the real file on the next attempt", async () => {
    const { b } = await announceWithBrokenDownload("html", 1);
    await b.app.worker!.drain();
    expect(b.uploads()).toHaveLength(0);
    expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "retry", attempts: 1 }]);
    await b.settle();
    const uploads = b.uploads();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]!.sha256).toBe(await sha256File(audio()));
    const failures = await b.services.metrics.jobFailures.get();
    expect(failures.values.find((v) => v.labels.cause === "download_html")?.value).toBe(1);
  });

  it("gives up on a download that is always an HTML page, and tells the chat in plain words", async () => {
    const { b, m } = await announceWithBrokenDownload("html", 1000);
    await b.settle();
    expect(b.uploads()).toHaveLength(0);
    expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "dead", attempts: 6 }]);
    const [told] = failedMessages(b);
    expect(told?.text).toBe(
      "❌ The recording of “Retro” couldn't be delivered, even after several attempts. Reason: the download from Zoom was broken (Zoom sent a web page or cut the file short)",
    );
    const rows = await findDeliveries(b.services.db.kysely, m.uuid, CHAT, ["audio"]);
    expect(rows.map((r) => r.state)).toEqual(["failed"]);
  });

  it("alerts ADMIN_CHAT_ID when a delivery dies, besides telling the chat", async () => {
    const { b } = await announceWithBrokenDownload("html", 1000, { env: { ADMIN_CHAT_ID: "-100999" } });
    b.tg.addChat({ id: -100999, type: "supergroup", title: "Ops" });
    await b.settle();
    await b.services.alerts.settle();
    expect(failedMessages(b)).toHaveLength(1);
    const [alert] = b.tg.sent.filter((s) => s.chatId === -100999);
    expect(alert?.text).toMatch(/^🚨 Job \d+ \(deliver-recording\) failed for good: download\.html: /);
  });

  it("resumes a cut-off download with Range and delivers the exact bytes", async () => {
    const { b } = await announceWithBrokenDownload("truncate", 1);
    await b.app.worker!.drain();
    const downloads = b.zoom.requests.filter((r) => r.route === "download");
    expect(downloads).toHaveLength(2);
    expect(downloads[1]!.headers.range).toMatch(/^bytes=\d+-$/);
    const [upload] = b.uploads();
    expect(upload?.files[0]?.sha256).toBe(await sha256File(audio()));
  });

  it("never delivers a body that keeps breaking off", async () => {
    const { b } = await announceWithBrokenDownload("truncate", 1000);
    await b.settle();
    expect(b.uploads()).toHaveLength(0);
    expect(failedMessages(b)).toHaveLength(1);
  });

  it("waits out Zoom's 429 (Retry-After) and 5xx, then delivers once", async () => {
    const { b, zoomUserId } = await setup();
    const m = meetingOf(b, zoomUserId);
    b.zoom.inject("recordings", { kind: "status", status: 429, retryAfter: "40" }, 1);
    b.zoom.inject("recordings", { kind: "status", status: 503 }, 1);
    b.zoom.inject("download", { kind: "status", status: 500 }, 1);
    const start = b.clock.now();
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    await b.app.worker!.drain();
    const [retry] = await b.recordingJobs();
    // Retry-After: 40 s is honoured (the worker's own backoff is shorter on the first attempt).
    expect(Number(retry?.run_at) - start).toBeGreaterThanOrEqual(40_000);
    expect(retry?.last_error).toMatch(/^zoom\.rate_limited/);
    await b.settle();
    expect(b.uploads()).toHaveLength(1);
    const causes = (await b.services.metrics.jobFailures.get()).values.map((v) => [v.labels.cause, v.value]);
    expect(causes).toEqual(
      expect.arrayContaining([
        ["zoom_429", 1],
        ["zoom_5xx", 1],
      ]),
    );
  });

  it("waits out Telegram's 429 retry_after and 5xx, sending the whole file each time, delivered once", async () => {
    const { b, zoomUserId } = await setup();
    const m = meetingOf(b, zoomUserId);
    b.tg.inject("sendAudio", { kind: "429", retryAfter: 30 }, 1);
    b.tg.inject("sendAudio", { kind: "500" }, 1);
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    const start = b.clock.now();
    await b.app.worker!.drain();
    const [job] = await b.recordingJobs();
    expect(Number(job?.run_at) - start).toBeGreaterThanOrEqual(30_000);
    await b.settle();
    const audioCalls = b.tg.calls.filter((c) => c.method === "sendAudio");
    expect(audioCalls.map((c) => c.status)).toEqual([429, 500, 200]);
    // Every attempt carried the whole file (a re-openable InputFile, not a spent stream).
    expect(new Set(audioCalls.map((c) => c.bytesReceived)).size).toBe(1);
    expect(b.uploads()).toHaveLength(1);
  });

  it("waits while Zoom is still processing the file, without spending attempts", async () => {
    const { b, zoomUserId } = await setup();
    const m = meetingOf(b, zoomUserId, [
      { file_type: "M4A", recording_type: "audio_only", path: audio(), status: "processing" },
    ]);
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    for (let i = 0; i < 3; i++) {
      await b.app.worker!.drain();
      b.clock.advance(5 * 60_000);
    }
    expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "retry", attempts: 0 }]);
    expect(b.zoom.requests.filter((r) => r.route === "download")).toHaveLength(0);
    b.zoom.setFileStatus(m.uuid, m.files[0]!.id, "completed");
    await b.settle();
    expect(b.uploads()).toHaveLength(1);
  });

  it("pauses a chat that blocked the bot: no retries, and later recordings skip Telegram entirely", async () => {
    const { b, zoomUserId } = await setup();
    b.tg.blockChat(CHAT);
    const first = meetingOf(b, zoomUserId);
    await b.post(b.zoom.buildEvent("recording.completed", first.uuid));
    await b.settle();
    expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "dead", attempts: 1 }]);
    expect((await findChat(b.services.db.kysely, CHAT))?.status).toBe("paused");
    const callsAfterFirst = b.tg.calls.length;

    const second = meetingOf(b, zoomUserId);
    await b.post(b.zoom.buildEvent("recording.completed", second.uuid));
    await b.settle();
    expect(b.tg.calls.length).toBe(callsAfterFirst);
    expect(b.zoom.requests.filter((r) => r.route === "download")).toHaveLength(1);
    const rows = await findDeliveries(b.services.db.kysely, second.uuid, CHAT, ["audio"]);
    expect(rows.map((r) => r.state)).toEqual(["skipped"]);
  });

  it("follows a group that became a supergroup and delivers there", async () => {
    const { b, zoomUserId } = await setup({}, -4001);
    b.tg.addChat({ id: -1004001, type: "supergroup", title: "Team" });
    b.tg.migrateChat(-4001, -1004001);
    const m = meetingOf(b, zoomUserId);
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    await b.settle();
    expect(b.uploads().map((u) => u.chatId)).toEqual([-1004001]);
    expect(await findChat(b.services.db.kysely, -4001)).toMatchObject({
      status: "migrated",
      migrated_to: -1004001,
    });
    const connection = await b.services.db.kysely
      .selectFrom("zoom_connections")
      .select("chat_id")
      .executeTakeFirstOrThrow();
    expect(Number(connection.chat_id)).toBe(-1004001);
  });

  it("tells the chat when the recording is gone from Zoom (404), without retrying", async () => {
    const { b, zoomUserId } = await setup();
    const m = meetingOf(b, zoomUserId);
    const event = b.zoom.buildEvent("recording.completed", m.uuid);
    (event.payload as { object: { uuid: string } }).object.uuid = "deleted-meeting==";
    await b.post(event);
    await b.settle();
    expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "dead", attempts: 1 }]);
    expect(failedMessages(b)[0]?.text).toMatch(
      /Reason: the recording was deleted in Zoom or can no longer be found$/,
    );
  });

  it("does not download a file over MAX_RECORDING_MB and says so", async () => {
    const { b, zoomUserId } = await setup({ env: { MAX_RECORDING_MB: "1" } });
    const big = await makeTestAudio({ seconds: 90, bitrateKbps: 128 });
    const m = meetingOf(b, zoomUserId, [{ file_type: "M4A", recording_type: "audio_only", path: big }]);
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    await b.settle();
    expect(b.zoom.requests.filter((r) => r.route === "download")).toHaveLength(0);
    // Other features (the meeting card) may post too: pick the refusal.
    const [message] = b.tg.sent.filter((s) => s.method === "sendMessage" && s.text?.startsWith("📦"));
    expect(message?.text).toMatch(
      /^📦 The recording of “Retro” is 1\.\d MB, over this Zoomgram server's 1 MB limit/,
    );
    expect((await findDeliveries(b.services.db.kysely, m.uuid, CHAT, ["audio"]))[0]?.state).toBe("skipped");
  });

  it("sends no token to a redirect off the allow-list, and the evil host sees no request", async () => {
    const evilSeen: http.IncomingHttpHeaders[] = [];
    const evil = http.createServer((req, res) => {
      evilSeen.push(req.headers);
      res.end("gotcha");
    });
    await new Promise<void>((r) => evil.listen(0, "127.0.0.2", r));
    const evilUrl = `http://127.0.0.2:${(evil.address() as AddressInfo).port}/steal`;
    try {
      const { b, zoomUserId } = await setup();
      const m = meetingOf(b, zoomUserId);
      // Zoom's API is unusable (the connection broke), so the job falls back to the webhook's own
      // file list, whose download_url an attacker with the webhook secret could have pointed anywhere.
      await b.services.db.kysely.updateTable("zoom_connections").set({ status: "broken" }).execute();
      const event = b.zoom.buildEvent("recording.completed", m.uuid);
      const files = (event.payload as { object: { recording_files: Array<{ download_url: string }> } }).object
        .recording_files;
      files[0]!.download_url = evilUrl;
      await b.post(event);
      await b.settle();
      expect(evilSeen).toEqual([]);
      expect(b.uploads()).toHaveLength(0);
      expect(await jobStates(b)).toEqual([{ kind: "deliver-recording", state: "dead", attempts: 1 }]);
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
  });

  it("delivers from the webhook's own token and file list when the OAuth connection is broken", async () => {
    const { b, zoomUserId } = await setup();
    const m = meetingOf(b, zoomUserId);
    await b.services.db.kysely.updateTable("zoom_connections").set({ status: "broken" }).execute();
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    await b.settle();
    expect(b.zoom.requests.filter((r) => r.route === "recordings")).toHaveLength(0);
    const [download] = b.zoom.requests.filter((r) => r.route === "download");
    expect(download?.path).toMatch(/^\/rec\/webhook_download\//);
    expect(b.uploads()[0]?.files[0]?.sha256).toBe(await sha256File(audio()));
  });

  it("follows Zoom's redirect to storage without forwarding the token", async () => {
    const { b, zoomUserId } = await setup();
    b.zoom.setDownloadRedirect(true);
    const m = meetingOf(b, zoomUserId);
    await b.post(b.zoom.buildEvent("recording.completed", m.uuid));
    await b.settle();
    expect(b.zoom.stats.storageRequests).toBe(1);
    expect(b.zoom.stats.authHeadersAtStorage).toBe(0);
    expect(b.uploads()[0]?.files[0]?.sha256).toBe(await sha256File(audio()));
  });
});
