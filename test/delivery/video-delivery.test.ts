/**
 * Video (issue 15 item 3) through the fakes: with the chat's video toggle on, the best MP4
 * (shared screen with speaker over gallery) goes by sendVideo with duration, picture size and
 * supports_streaming, next to the audio; a chat without video never downloads an MP4. The ffmpeg
 * steps of the larger rungs (a smaller transcode, stream-copied parts) run on a real file.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { probeMedia } from "../../src/media/probe.js";
import { splitVideo, transcodeVideo } from "../../src/media/video-transform.js";
import { updateChatSettings } from "../../src/settings/chat-settings.repository.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { type OpsHarness as OpsBench, startOpsHarness as startOpsBench } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import {
  closeAfterEachTest,
  tempDirForFile,
  testAudioForFile,
  testVideoForFile,
} from "../support/each-test.js";
import { FFMPEG, FFPROBE } from "../support/media.js";
import { addRecording, videoFile } from "../support/recordings.js";

const CHAT = 4242;
const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });
const video = testVideoForFile({ seconds: 4 });
const closeAfterTest = closeAfterEachTest<OpsBench>();

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

async function setup(videoOn: boolean): Promise<{ b: OpsBench; user: ZoomUser }> {
  const b = closeAfterTest(await startOpsBench());
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  await b.connect({ user, chatId: CHAT });
  if (videoOn) {
    await updateChatSettings(b.app.services.db.kysely, CHAT, { parts: { video: true } }, b.clock.now());
  }
  return { b, user };
}

const addMeeting = (b: OpsBench, user: ZoomUser, uuid: string) =>
  addRecording(b.zoom, user, {
    uuid,
    duration: 1,
    audio: audio(),
    files: [
      { file_type: "MP4", recording_type: "gallery_view", bytes: "not the one" },
      videoFile("shared_screen_with_speaker_view", video()),
    ],
  });

describe(`video delivery on ${TEST_DIALECT}`, () => {
  it("sends the best MP4 by sendVideo with duration, size and streaming, next to the audio", async () => {
    const { b, user } = await setup(true);
    const meeting = addMeeting(b, user, "with-video==");
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle();
    const videos = b.tg.sent.filter((s) => s.method === "sendVideo" && s.chatId === CHAT);
    expect(videos).toHaveLength(1);
    expect(videos[0]?.files[0]?.sha256).toBe(sha(video()));
    expect(videos[0]?.fields).toMatchObject({
      duration: "4",
      width: "160",
      height: "120",
      supports_streaming: "true",
    });
    expect(videos[0]?.caption).toContain(`Topic ${meeting.uuid}`);
    expect(b.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(1);
    const rows = await b.app.services.db.kysely
      .selectFrom("deliveries")
      .select(["kind", "state"])
      .where("meeting_uuid", "=", meeting.uuid)
      .orderBy("kind")
      .execute();
    expect(rows).toEqual([
      { kind: "audio", state: "delivered" },
      { kind: "video", state: "delivered" },
    ]);
    // The gallery view was never downloaded.
    const gallery = meeting.files.find((f) => f.recording_type === "gallery_view")!;
    const token = new URL(gallery.download_url).pathname.split("/").pop()!;
    expect(b.zoom.requests.some((r) => r.path.includes(token))).toBe(false);
  });

  it("a chat without video never downloads an MP4", async () => {
    const { b, user } = await setup(false);
    const meeting = addMeeting(b, user, "audio-only==");
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle();
    expect(b.tg.sent.filter((s) => s.method === "sendVideo")).toEqual([]);
    expect(b.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(1);
    for (const file of meeting.files.filter((f) => f.file_type === "MP4")) {
      const token = new URL(file.download_url).pathname.split("/").pop()!;
      expect(b.zoom.requests.some((r) => r.route === "download" && r.path.includes(token))).toBe(false);
    }
  });
});

describe("video ffmpeg steps", () => {
  const dir = tempDirForFile("zoomgram-video-");

  it("transcodes to a smaller H.264/AAC MP4 and splits into playable parts", async () => {
    const small = join(dir(), "small.mp4");
    await transcodeVideo(FFMPEG, video(), small, { videoKbps: 100, height: 96, audioKbps: 32 });
    const info = await probeMedia({ ffmpeg: FFMPEG, ffprobe: FFPROBE }, small);
    expect(info).toMatchObject({ hasVideo: true, hasAudio: true, height: 96 });
    expect(Math.round(info.durationSec)).toBe(4);

    const partsDir = join(dir(), "parts");
    await mkdir(partsDir);
    // The transcode has a keyframe every 2 s, so it cuts into parts of 2 s.
    const parts = await splitVideo(FFMPEG, small, partsDir, 2);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    let total = 0;
    for (const part of parts)
      total += (await probeMedia({ ffmpeg: FFMPEG, ffprobe: FFPROBE }, part)).durationSec;
    expect(Math.round(total)).toBe(4);
  });
});
