import { execFile } from "node:child_process";
import { access, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { probeMedia } from "../../src/media/probe.js";
import { extractAudio, MediaError, transcodeSpeechAac } from "../../src/media/transform.js";
import { tempDirForFile } from "../support/each-test.js";
import { FFMPEG, FFPROBE, makeTestAudio, makeTestVideo } from "../support/media.js";

const run = promisify(execFile);

/** MD5 over the audio packets as stored: equal hashes mean the stream was copied, not re-encoded. */
async function audioPacketsMd5(file: string): Promise<string> {
  const { stdout } = await run(FFMPEG, [
    "-v",
    "error",
    "-i",
    file,
    "-map",
    "0:a:0",
    "-c",
    "copy",
    "-f",
    "md5",
    "-",
  ]);
  return stdout.trim();
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Processes whose command line mentions `needle` (Linux /proc): proves an aborted ffmpeg is gone. */
async function processesMentioning(needle: string): Promise<number> {
  let count = 0;
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(join("/proc", pid, "cmdline"), "utf8").catch(() => "");
    if (cmdline.includes(needle)) count++;
  }
  return count;
}

const work = tempDirForFile("zoomgram-transform-");

describe("extractAudio", () => {
  it("copies the MP4's AAC into an M4A: same packets, same duration, no video", async () => {
    const video = await makeTestVideo({ seconds: 12 });
    const out = join(work(), "extracted.m4a");
    await extractAudio(FFMPEG, video, out);

    const [before, after] = await Promise.all([probeMedia(FFPROBE, video), probeMedia(FFPROBE, out)]);
    expect(after).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: "aac" });
    expect(after.audioChannels).toBe(before.audioChannels);
    expect(after.audioBitRate).toBe(before.audioBitRate);
    expect(Math.abs(after.durationSec - before.durationSec)).toBeLessThan(0.1);
    expect(await audioPacketsMd5(out)).toBe(await audioPacketsMd5(video));
  });

  it("fails with no_audio for a video without sound and leaves no output", async () => {
    const silent = await makeTestVideo({ seconds: 5, withAudio: false });
    const out = join(work(), "silent.m4a");
    const error = await extractAudio(FFMPEG, silent, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe("no_audio");
    expect(await exists(out)).toBe(false);
  });

  it("fails with ffmpeg_failed and the stderr tail for a missing input", async () => {
    const error = await extractAudio(FFMPEG, join(work(), "missing.mp4"), join(work(), "x.m4a")).catch(
      (e: unknown) => e,
    );
    expect((error as MediaError).code).toBe("ffmpeg_failed");
    expect((error as MediaError).message).toMatch(/No such file or directory/);
  });

  it("fails with ffmpeg_failed when the binary does not exist", async () => {
    const video = await makeTestVideo({ seconds: 12 });
    const error = await extractAudio(join(work(), "no-ffmpeg"), video, join(work(), "y.m4a")).catch(
      (e: unknown) => e,
    );
    expect((error as MediaError).code).toBe("ffmpeg_failed");
  });
});

describe("transcodeSpeechAac", () => {
  it("turns 128 kbit/s stereo into ~48 kbit/s mono AAC", async () => {
    const input = await makeTestAudio({ seconds: 60, moovAtEnd: true });
    const out = join(work(), "speech.m4a");
    await transcodeSpeechAac(FFMPEG, input, out);
    const info = await probeMedia(FFPROBE, out);
    expect(info).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: "aac", audioChannels: 1 });
    expect(Math.abs(info.durationSec - 60)).toBeLessThan(0.5);
    expect(info.bitRate).toBeGreaterThan(40_000);
    expect(info.bitRate).toBeLessThan(56_000);
  });

  it("takes the audio of a video and honours bitrate and channels", async () => {
    const video = await makeTestVideo({ seconds: 12 });
    const out = join(work(), "speech-from-video.m4a");
    await transcodeSpeechAac(FFMPEG, video, out, { bitrateKbps: 32, channels: 2 });
    const info = await probeMedia(FFPROBE, out);
    expect(info).toMatchObject({ hasVideo: false, audioCodec: "aac", audioChannels: 2 });
    expect(info.audioBitRate).toBeLessThan(40_000);
  });

  it("kills ffmpeg on abort, rejects with aborted and removes the partial output", async () => {
    const input = await makeTestAudio({ seconds: 360 });
    const out = join(work(), "aborted-transcode-output.m4a");
    const controller = new AbortController();
    const pending = transcodeSpeechAac(FFMPEG, input, out, {}, controller.signal).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error("job cancelled")), 300);
    const error = await pending;

    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).code).toBe("aborted");
    // The abort ended ffmpeg (no process left) and removed its partial output.
    expect(await processesMentioning("aborted-transcode-output")).toBe(0);
    expect(await exists(out)).toBe(false);
  });
});
