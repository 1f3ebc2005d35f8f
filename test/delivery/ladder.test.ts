/**
 * Delivery of any size (issue #4 §5), with real AAC made by ffmpeg: a 413 moves down the ladder and
 * the refused file is never sent again; recordings over TELEGRAM_UPLOAD_LIMIT_MB are re-encoded or
 * split into playable parts under the limit; without ffmpeg the chat gets Zoom's link and the reason.
 */
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { probeMedia } from "../../src/media/probe.js";
import type { AddRecordingFileInput } from "../fakes/fake-zoom.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, generatedForFile, testAudioForFile } from "../support/each-test.js";
import { FFPROBE, makeTestAudio, makeTestVideo } from "../support/media.js";
import { addRecording } from "../support/recordings.js";
import { type DeliveryHarness, sha256File, startDeliveryHarness } from "./harness.js";

const small = testAudioForFile({ seconds: 20, bitrateKbps: 128 });
const fiveMinutes = generatedForFile(() => makeTestAudio({ seconds: 300, bitrateKbps: 128 }), 120_000);
const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

const CHAT = 6060;

async function deliver(options: Parameters<typeof startDeliveryHarness>[0], files: AddRecordingFileInput[]) {
  const b = closeAfterTest(await startDeliveryHarness(options));
  const { zoomUserId } = await b.connect({ chatId: CHAT });
  const meeting = addRecording(b.zoom, zoomUserId, {
    uuid: "ladder==",
    topic: "All hands",
    start_time: "2026-03-01T08:00:00Z",
    files,
  });
  await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
  return { b, meeting };
}

describe(`the upload ladder on ${TEST_DIALECT}`, () => {
  it("moves to the re-encode after a 413 and never sends the refused file again, even on retry", async () => {
    const { b, meeting } = await deliver({}, [
      { file_type: "M4A", recording_type: "audio_only", path: small() },
    ]);
    b.tg.inject("sendAudio", { kind: "413" }, 1);
    // The re-encoded upload then meets a Telegram outage: the job retries later.
    b.tg.inject("sendAudio", { kind: "500" }, 1);
    await b.settle();
    const calls = b.tg.calls.filter((c) => c.method === "sendAudio");
    expect(calls.map((c) => c.status)).toEqual([413, 500, 200]);
    const uploads = b.uploads(CHAT);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]!.sha256).not.toBe(await sha256File(small()));
    // Mono ~48 kbit/s: well under half the 128 kbit/s stereo original.
    expect(uploads[0]!.files[0]!.size).toBeLessThan(meeting.files[0]!.file_size / 2);
    const rows = await findDeliveries(b.services.db.kysely, meeting.uuid, CHAT, ["audio"]);
    expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ attempted: ["direct"], rung: "transcode" });
    const metric = (await b.services.metrics.jobFailures.get()).values.find(
      (v) => v.labels.cause === "telegram_413",
    );
    expect(metric?.value).toBe(1);
  });

  it("splits a recording too large even re-encoded into playable parts under the limit, as replies to part 1", async () => {
    const { b } = await deliver({ env: { TELEGRAM_UPLOAD_LIMIT_MB: "1" } }, [
      { file_type: "M4A", recording_type: "audio_only", path: fiveMinutes() },
    ]);
    await b.settle();
    const uploads = b.uploads(CHAT);
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    const total = uploads.length;
    expect(b.tg.calls.filter((c) => c.status === 413)).toHaveLength(0);
    for (const [i, upload] of uploads.entries()) {
      const call = b.tg.calls.find((c) => c.method === "sendAudio" && c.status === 200 && c.at === upload.at);
      expect(call?.bytesReceived ?? 0).toBeLessThanOrEqual(1_000_000);
      expect(upload.caption?.split("\n")[0]).toBe(`Part ${i + 1}/${total}`);
      expect(upload.files[0]!.filename).toBe(`2026-03-01 All hands - part ${i + 1} of ${total}.m4a`);
      if (i === 0) expect(upload.replyTo).toBeUndefined();
      else expect(upload.replyTo).toBe(uploads[0]!.messageId);
    }
    const seconds = uploads.reduce((sum, u) => sum + Number(u.fields.duration), 0);
    expect(seconds).toBeGreaterThanOrEqual(295);
    expect(seconds).toBeLessThanOrEqual(305);
  });

  it("resumes a split after a 429 with the next part, never repeating a sent one", async () => {
    const { b } = await deliver({ env: { TELEGRAM_UPLOAD_LIMIT_MB: "1" } }, [
      { file_type: "M4A", recording_type: "audio_only", path: fiveMinutes() },
    ]);
    // Telegram floods on the second part (a transformer answers for it, deterministically).
    let calls = 0;
    b.services.telegram.config.use((prev, method, payload, signal) => {
      if (method === "sendAudio" && ++calls === 2) {
        return Promise.resolve({
          ok: false as const,
          error_code: 429,
          description: "Too Many Requests: retry after 12",
          parameters: { retry_after: 12 },
        });
      }
      return prev(method, payload, signal);
    });
    await b.settle();
    const uploads = b.uploads(CHAT);
    const total = uploads.length;
    expect(total).toBeGreaterThanOrEqual(2);
    expect(uploads.map((u) => u.caption?.split("\n")[0])).toEqual(
      Array.from({ length: total }, (_, i) => `Part ${i + 1}/${total}`),
    );
    expect(uploads.slice(1).every((u) => u.replyTo === uploads[0]!.messageId)).toBe(true);
    expect(await b.recordingJobs()).toMatchObject([{ state: "completed", attempts: 2 }]);
  });

  it("without ffmpeg, sends Zoom's link and the reason instead of a file over the limit", async () => {
    const { b } = await deliver({ ffmpeg: null, env: { TELEGRAM_UPLOAD_LIMIT_MB: "1" } }, [
      { file_type: "M4A", recording_type: "audio_only", path: fiveMinutes() },
    ]);
    await b.settle();
    expect(b.uploads(CHAT)).toHaveLength(0);
    const [message] = b.tg.sent.filter((s) => s.method === "sendMessage" && s.text?.includes("🔗"));
    expect(message?.text).toContain("🎙 All hands");
    expect(message?.text).toMatch(
      /🔗 This file can't be sent through Telegram \(the file is larger than Telegram accepts \(1 MB\) and this server can't make it smaller\), so here is a link instead: http:\/\/127\.0\.0\.1:\d+\/rec\/share\//,
    );
  });

  it("without ffmpeg, falls back from a refused video document to the link, saying Telegram refused it", async () => {
    const video = await makeTestVideo({ seconds: 10 });
    const { b } = await deliver({ ffmpeg: null }, [
      { file_type: "MP4", recording_type: "shared_screen_with_speaker_view", path: video },
    ]);
    b.tg.inject("sendDocument", { kind: "413" }, 1);
    await b.settle();
    expect(b.tg.calls.filter((c) => c.method === "sendDocument").map((c) => c.status)).toEqual([413]);
    const [message] = b.tg.sent.filter((s) => s.method === "sendMessage" && s.text?.includes("🔗"));
    expect(message?.text).toContain("(Telegram refused the file because it is too large)");
  });

  it("gets a real M4A over 50 MB to a 50 MB-limited Telegram in uploads each under the limit", async () => {
    const huge = await makeTestAudio({ seconds: 2400, bitrateKbps: 192 });
    const { b, meeting } = await deliver({}, [
      { file_type: "M4A", recording_type: "audio_only", path: huge },
    ]);
    expect(meeting.files[0]!.file_size).toBeGreaterThan(50_000_000);
    const started = performance.now();
    await b.settle();
    const elapsed = performance.now() - started;
    const calls = b.tg.calls.filter((c) => c.method === "sendAudio");
    expect(calls.filter((c) => c.status === 413).length).toBeLessThanOrEqual(1);
    const uploads = b.uploads(CHAT);
    expect(uploads.length).toBeGreaterThanOrEqual(1);
    for (const c of calls.filter((x) => x.status === 200)) expect(c.bytesReceived).toBeLessThan(50_000_000);
    const seconds = uploads.reduce((sum, u) => sum + Number(u.fields.duration), 0);
    expect(Math.abs(seconds - 2400)).toBeLessThanOrEqual(2);
    console.info(
      `58 MB M4A: ${uploads.length} upload(s), ${calls.map((c) => `${c.status}:${(c.bytesReceived / 1e6).toFixed(1)}MB`).join(" ")}, ${(elapsed / 1000).toFixed(1)} s download+encode+upload`,
    );
  }, 240_000);
});

describe(`split parts on ${TEST_DIALECT}`, () => {
  it("are each a playable AAC file whose durations add up to the recording", async () => {
    const { b } = await deliver({ env: { TELEGRAM_UPLOAD_LIMIT_MB: "1" }, keepTelegramFiles: true }, [
      { file_type: "M4A", recording_type: "audio_only", path: fiveMinutes() },
    ]);
    await b.settle();
    let total = 0;
    for (const upload of b.uploads(CHAT)) {
      const info = await probeMedia({ ffprobe: FFPROBE }, upload.files[0]!.path!);
      expect(info.hasAudio).toBe(true);
      expect(info.audioCodec).toBe("aac");
      expect(Math.abs(info.durationSec - Number(upload.fields.duration))).toBeLessThan(1.5);
      total += info.durationSec;
    }
    expect(Math.abs(total - 300)).toBeLessThan(3);
  });
});
