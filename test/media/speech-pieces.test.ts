/**
 * Audio compressed for speech and cut into pieces under a (here tiny, injected) size limit: mono
 * 16 kHz Opus, contiguous offsets that cover the recording, every piece within the limit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeMedia } from "../../src/media/probe.js";
import { cutSpeechPieces } from "../../src/media/speech-pieces.js";
import { FFMPEG, FFPROBE, makeTestAudio, makeTestVideo } from "../support/media.js";

let dir: string;
let audio: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "zoomgram-speech-pieces-"));
  audio = await makeTestAudio({ seconds: 14, bitrateKbps: 64 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("speech pieces", () => {
  it("cuts a recording into mono 16 kHz Opus pieces under the size limit, offsets covering it all", async () => {
    const out = mkdtempSync(join(dir, "a-"));
    const pieces = await cutSpeechPieces(FFMPEG, audio, out, {
      durationSec: 14,
      maxPieceBytes: 20_000,
      baseName: "meeting",
    });
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.every((p) => p.bytes <= 20_000 && p.bytes > 0)).toBe(true);
    expect(pieces[0]?.offsetSec).toBe(0);
    for (let i = 1; i < pieces.length; i++) {
      const previous = pieces[i - 1]!;
      expect(pieces[i]?.offsetSec).toBeCloseTo(previous.offsetSec + previous.durationSec, 6);
    }
    const total = pieces.reduce((sum, p) => sum + p.durationSec, 0);
    expect(total).toBeCloseTo(14, 1);
    const info = await probeMedia({ ffprobe: FFPROBE, ffmpeg: FFMPEG }, pieces[0]!.path);
    expect(info).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: "opus", audioChannels: 1 });
    expect(info.durationSec).toBeCloseTo(pieces[0]!.durationSec, 0);
  });

  it("keeps pieces to the length limit too, and takes the audio out of a video", async () => {
    const video = await makeTestVideo({ seconds: 5 });
    const out = mkdtempSync(join(dir, "b-"));
    const pieces = await cutSpeechPieces(FFMPEG, video, out, {
      durationSec: 5,
      maxPieceSec: 2,
      baseName: "video",
    });
    expect(pieces.map((p) => [p.offsetSec, p.durationSec])).toEqual([
      [0, 2],
      [2, 2],
      [4, 1],
    ]);
    const info = await probeMedia({ ffprobe: FFPROBE, ffmpeg: FFMPEG }, pieces[2]!.path);
    expect(info.hasVideo).toBe(false);
  });

  it("refuses a limit nothing fits in", async () => {
    const out = mkdtempSync(join(dir, "c-"));
    await expect(
      cutSpeechPieces(FFMPEG, audio, out, { durationSec: 14, maxPieceBytes: 300, baseName: "x" }),
    ).rejects.toThrow(/over the 300-byte limit/);
  });
});
