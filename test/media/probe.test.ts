import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaError } from "../../src/media/media-error.js";
import { parseFfmpegBanner, probeMedia } from "../../src/media/probe.js";
import { FFMPEG, FFPROBE, makeTestAudio, makeTestVideo } from "../support/media.js";

/** Top-level MP4 atoms in file order, to prove a fixture really has `moov` at the end. */
async function topLevelAtoms(path: string): Promise<string[]> {
  const handle = await open(path);
  try {
    const { size } = await handle.stat();
    const atoms: string[] = [];
    const header = Buffer.alloc(8);
    for (let offset = 0; offset < size; ) {
      await handle.read(header, 0, 8, offset);
      atoms.push(header.toString("latin1", 4, 8));
      const atomSize = header.readUInt32BE(0);
      if (atomSize < 8) break;
      offset += atomSize;
    }
    return atoms;
  } finally {
    await handle.close();
  }
}

let work: string;
let moovAtEnd: string;
let video: string;
let silentVideo: string;

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "zoomgram-probe-"));
  [moovAtEnd, video, silentVideo] = await Promise.all([
    makeTestAudio({ seconds: 30, moovAtEnd: true }),
    makeTestVideo({ seconds: 12 }),
    makeTestVideo({ seconds: 5, withAudio: false }),
  ]);
});

describe("probeMedia", () => {
  it("fixture check: the moov-at-end M4A really ends with its moov atom", async () => {
    const atoms = await topLevelAtoms(moovAtEnd);
    expect(atoms.at(-1)).toBe("moov");
    expect(atoms.indexOf("mdat")).toBeLessThan(atoms.indexOf("moov"));
  });

  it.each([
    ["ffprobe", FFPROBE],
    ["ffmpeg -i", FFMPEG],
  ])("reads an M4A with moov at the end via %s", async (_label, tool) => {
    const info = await probeMedia(tool, moovAtEnd);
    expect(Math.abs(info.durationSec - 30)).toBeLessThan(0.5);
    expect(info).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: "aac", audioChannels: 2 });
    expect(info.formatName).toContain("mp4");
    expect(info.bitRate).toBeGreaterThan(110_000);
    expect(info.bitRate).toBeLessThan(145_000);
  });

  it("prefers ffprobe and falls back to ffmpeg when given both", async () => {
    const viaBoth = await probeMedia({ ffprobe: FFPROBE, ffmpeg: FFMPEG }, video);
    const viaBrokenProbe = await probeMedia({ ffprobe: join(work, "no-ffprobe"), ffmpeg: FFMPEG }, video);
    for (const info of [viaBoth, viaBrokenProbe]) {
      expect(Math.abs(info.durationSec - 12)).toBeLessThan(0.5);
      expect(info).toMatchObject({ hasAudio: true, hasVideo: true, audioCodec: "aac", audioChannels: 1 });
    }
  });

  it.each([
    ["ffprobe", FFPROBE],
    ["ffmpeg -i", FFMPEG],
  ])("reports a video without audio via %s", async (_label, tool) => {
    const info = await probeMedia(tool, silentVideo);
    expect(info.hasAudio).toBe(false);
    expect(info.hasVideo).toBe(true);
    expect(info.audioCodec).toBeUndefined();
  });

  it.each([
    ["ffprobe", FFPROBE],
    ["ffmpeg -i", FFMPEG],
  ])("rejects a non-media file via %s with ffmpeg_failed", async (_label, tool) => {
    const html = join(work, "not-media.m4a");
    await writeFile(html, "<html><body>Sign in to Zoom</body></html>");
    const error = await probeMedia(tool, html).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe("ffmpeg_failed");
  });

  it("rejects with aborted when the signal has fired", async () => {
    const error = await probeMedia(FFPROBE, moovAtEnd, AbortSignal.abort()).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe("aborted");
  });
});

describe("parseFfmpegBanner", () => {
  it("does not count cover art as video and reads surround layouts", () => {
    const banner = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.m4a':",
      "  Duration: 01:02:03.45, start: 0.000000, bitrate: 97 kb/s",
      "    Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1, fltp, 95 kb/s (default)",
      "    Stream #0:1: Video: mjpeg, yuvj420p, 300x300, 90k tbr, 90k tbn (attached pic)",
      "At least one output file must be specified",
    ].join("\n");
    expect(parseFfmpegBanner(banner)).toEqual({
      durationSec: 3723.45,
      hasAudio: true,
      hasVideo: false,
      audioCodec: "aac",
      bitRate: 97_000,
      audioBitRate: 95_000,
      audioChannels: 6,
      formatName: "mov,mp4,m4a,3gp,3g2,mj2",
    });
  });

  it("returns null without an input section", () => {
    expect(parseFfmpegBanner("x.m4a: Invalid data found when processing input")).toBeNull();
  });
});
