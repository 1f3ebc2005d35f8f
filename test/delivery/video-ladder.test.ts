/**
 * The video ladder end to end through the fakes (issue 15 item 3), with real MP4s made by ffmpeg
 * and a 1 MB upload limit: a video over the limit that a smaller encode brings under it goes as
 * that encode; one that no watchable encode fits goes in stream-copied parts (and a split cut
 * short after part 2 of 4 sends only parts 3 and 4 on its retry); one that cannot be cut to fit
 * becomes Zoom's link with the reason in the chat's language. A 413 on the video as it is leads
 * to the smaller encode, not to the link.
 */
import { describe, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import type { Locale } from "../../src/i18n/locales.js";
import { uploadBudgetBytes } from "../../src/media/delivery-plan.js";
import { updateChatSettings } from "../../src/settings/chat-settings.repository.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, generatedForFile } from "../support/each-test.js";
import { makeHeavyTestVideo } from "../support/media.js";
import { addRecording, videoFile } from "../support/recordings.js";
import { type DeliveryHarness, sha256File, startDeliveryHarness } from "./harness.js";

const CHAT = 7070;
/** 10 s at 1.2 Mbit/s (~1.6 MB): a 542 kbit/s encode (~0.8 MB) fits a 1 MB limit. */
const tenSeconds = generatedForFile(
  () => makeHeavyTestVideo({ seconds: 10, kbps: 1200, keyframeSeconds: 2 }),
  120_000,
);
/** 30 s at 0.7 Mbit/s (~2.8 MB), a keyframe every 2 s: no watchable encode fits 1 MB; 4 parts do. */
const thirtySeconds = generatedForFile(
  () => makeHeavyTestVideo({ seconds: 30, kbps: 700, keyframeSeconds: 2 }),
  120_000,
);
/** The same with a single keyframe: stream copy cannot cut it. */
const uncuttable = generatedForFile(
  () => makeHeavyTestVideo({ seconds: 30, kbps: 700, keyframeSeconds: 30 }),
  120_000,
);
const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

async function deliverVideo(
  path: string,
  options: { limitMb?: number; locale?: Locale; before?: (b: DeliveryHarness) => void } = {},
) {
  const env = options.limitMb ? { TELEGRAM_UPLOAD_LIMIT_MB: String(options.limitMb) } : {};
  const b = closeAfterTest(await startDeliveryHarness({ env }));
  const { zoomUserId } = await b.connect({ chatId: CHAT, locale: options.locale ?? "en" });
  await updateChatSettings(b.services.db.kysely, CHAT, { parts: { video: true } }, b.clock.now());
  const meeting = addRecording(b.zoom, zoomUserId, {
    uuid: "video-ladder==",
    topic: "Design review",
    start_time: "2026-03-01T08:00:00Z",
    files: [videoFile("shared_screen_with_speaker_view", path)],
  });
  options.before?.(b);
  await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
  await b.settle();
  return { b, meeting };
}

const videos = (b: DeliveryHarness) => b.tg.sent.filter((s) => s.method === "sendVideo" && s.chatId === CHAT);
const videoCalls = (b: DeliveryHarness) => b.tg.calls.filter((c) => c.method === "sendVideo");

async function videoRow(b: DeliveryHarness, meetingUuid: string) {
  const [row] = await findDeliveries(b.services.db.kysely, meetingUuid, CHAT, ["video"]);
  return { state: row?.state, detail: JSON.parse(row?.detail ?? "{}") as Record<string, unknown> };
}

describe(`the video ladder through the fakes on ${TEST_DIALECT}`, () => {
  it("sends a smaller encode of a video over the limit when one fits", async () => {
    const { b, meeting } = await deliverVideo(tenSeconds(), { limitMb: 1 });
    expect(meeting.files[0]!.file_size).toBeGreaterThan(1_000_000);
    const sent = videos(b);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.files[0]!.sha256).not.toBe(await sha256File(tenSeconds()));
    expect(sent[0]!.files[0]!.size).toBeLessThanOrEqual(uploadBudgetBytes(1));
    expect(sent[0]!.fields).toMatchObject({ duration: "10", height: "240", supports_streaming: "true" });
    expect(videoCalls(b).map((c) => c.status)).toEqual([200]);
    expect(await videoRow(b, meeting.uuid)).toMatchObject({
      state: "delivered",
      detail: { rung: "transcode" },
    });
  });

  it("goes to the smaller encode after a 413 on the video as it is, not to the link", async () => {
    const { b, meeting } = await deliverVideo(tenSeconds(), {
      before: (h) => h.tg.inject("sendVideo", { kind: "413" }, 1),
    });
    const size = meeting.files[0]!.file_size;
    expect(videoCalls(b).map((c) => c.status)).toEqual([413, 200]);
    const sent = videos(b);
    expect(sent).toHaveLength(1);
    // Aimed under the size Telegram refused.
    expect(sent[0]!.files[0]!.size).toBeLessThanOrEqual(size * 0.9);
    expect(b.tg.sent.some((s) => s.method === "sendMessage" && s.text?.includes("🔗"))).toBe(false);
    expect(await videoRow(b, meeting.uuid)).toMatchObject({
      state: "delivered",
      detail: { attempted: ["direct"], rung: "transcode", refusedBytes: size },
    });
  });

  it("splits a video no watchable encode fits into parts that each fit", async () => {
    const { b, meeting } = await deliverVideo(thirtySeconds(), { limitMb: 1 });
    const sent = videos(b);
    expect(sent).toHaveLength(4);
    expect(sent.map((s) => s.caption?.split("\n")[0])).toEqual([
      "Part 1/4",
      "Part 2/4",
      "Part 3/4",
      "Part 4/4",
    ]);
    expect(sent.map((s) => s.files[0]!.filename)).toEqual(
      [1, 2, 3, 4].map((i) => `2026-03-01 Design review - part ${i} of 4.mp4`),
    );
    for (const call of videoCalls(b)) {
      expect(call.status).toBe(200);
      expect(call.bytesReceived).toBeLessThanOrEqual(1_000_000);
    }
    const seconds = sent.reduce((sum, s) => sum + Number(s.fields.duration), 0);
    expect(Math.abs(seconds - 30)).toBeLessThanOrEqual(1);
    expect(await videoRow(b, meeting.uuid)).toMatchObject({
      state: "delivered",
      detail: { rung: "split", parts: 4 },
    });
  });

  it("after a crash following part 2 of 4, the retry sends only parts 3 and 4", async () => {
    const { b, meeting } = await deliverVideo(thirtySeconds(), {
      limitMb: 1,
      before: (h) => {
        // The attempt dies as it starts part 3 (the connection drops with the process).
        let calls = 0;
        h.services.telegram.config.use((prev, method, payload, signal) => {
          if (method === "sendVideo" && ++calls === 3) throw new Error("socket hang up: the worker died");
          return prev(method, payload, signal);
        });
      },
    });
    const sent = videos(b);
    expect(sent.map((s) => s.caption?.split("\n")[0])).toEqual([
      "Part 1/4",
      "Part 2/4",
      "Part 3/4",
      "Part 4/4",
    ]);
    const row = await videoRow(b, meeting.uuid);
    expect(row).toMatchObject({ state: "delivered", detail: { rung: "split", parts: 4 } });
    expect(row.detail.messageIds).toEqual(sent.map((s) => s.messageId));
    expect(await b.recordingJobs()).toMatchObject([{ state: "completed", attempts: 2 }]);
  });

  it("sends Zoom's link with the reason in the chat's language when nothing fits", async () => {
    const { b, meeting } = await deliverVideo(uncuttable(), { limitMb: 1, locale: "de" });
    expect(videoCalls(b)).toEqual([]);
    const links = b.tg.sent.filter((s) => s.method === "sendMessage" && s.text?.includes("🔗"));
    expect(links).toHaveLength(1);
    expect(links[0]!.text).toContain("Design review");
    expect(links[0]!.text).toMatch(
      /🔗 Diese Datei lässt sich nicht über Telegram senden \(die Datei ist größer, als Telegram annimmt \(1 MB\), und dieser Server kann sie nicht verkleinern\), deshalb hier ein Link: http:\/\/127\.0\.0\.1:\d+\/rec\/share\//,
    );
    expect(await videoRow(b, meeting.uuid)).toMatchObject({
      state: "delivered",
      detail: { attempted: ["split"], rung: "link" },
    });
  });
});
