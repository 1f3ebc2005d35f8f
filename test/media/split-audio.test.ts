import { execFile } from "node:child_process";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { probeMedia } from "../../src/media/probe.js";
import { MediaError, splitAudio } from "../../src/media/transform.js";
import { tempDirForFile } from "../support/each-test.js";
import { FFMPEG, FFPROBE, makeTestAudio } from "../support/media.js";

const run = promisify(execFile);

/** Decodes every packet: a part that is not independently playable fails here. */
async function decodesCleanly(file: string): Promise<void> {
  const { stderr } = await run(FFMPEG, ["-v", "error", "-nostdin", "-i", file, "-f", "null", "-"]);
  expect(stderr).toBe("");
}

const work = tempDirForFile("zoomgram-split-");

describe("splitAudio", () => {
  it("cuts 6 minutes at 128 kbit/s into playable parts under 1.5 MB that add up to the whole", async () => {
    const input = await makeTestAudio({ seconds: 360, moovAtEnd: true });
    const source = await probeMedia(FFPROBE, input);
    const outDir = await mkdtemp(join(work(), "six-"));
    const maxPartBytes = 1_500_000;

    const parts = await splitAudio(FFMPEG, input, outDir, {
      maxPartBytes,
      durationSec: source.durationSec,
      baseName: "meeting 2026/01/15",
    });

    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(parts.map((p) => p.index)).toEqual(parts.map((_, i) => i + 1));
    let probedTotal = 0;
    for (const part of parts) {
      expect(part.bytes).toBeLessThanOrEqual(maxPartBytes);
      expect(part.path).toMatch(/meeting_2026_01_15-part-\d{3}\.m4a$/);
      const info = await probeMedia(FFPROBE, part.path);
      expect(info).toMatchObject({ hasAudio: true, hasVideo: false, audioCodec: "aac", audioChannels: 2 });
      expect(Math.abs(info.durationSec - part.durationSec)).toBeLessThan(0.1);
      await decodesCleanly(part.path);
      probedTotal += info.durationSec;
    }
    // Most of the budget is used: no needlessly many parts.
    expect(parts[0]!.bytes).toBeGreaterThan(0.8 * maxPartBytes);
    expect(Math.abs(probedTotal - source.durationSec)).toBeLessThan(0.5);
    // Only the parts remain: the segment list is gone.
    expect((await readdir(outDir)).sort()).toEqual(parts.map((p) => p.path.split("/").pop()).sort());
  });

  it("returns a single part when the file already fits", async () => {
    const input = await makeTestAudio({ seconds: 30 });
    const outDir = await mkdtemp(join(work(), "one-"));
    const parts = await splitAudio(FFMPEG, input, outDir, {
      maxPartBytes: 5_000_000,
      durationSec: 30,
      baseName: "short",
    });
    expect(parts).toHaveLength(1);
    expect(Math.abs(parts[0]!.durationSec - 30)).toBeLessThan(0.1);
  });

  describe("with a bit rate that varies along the file", () => {
    let uneven: string;
    let duration: number;

    // 3 minutes at 32 kbit/s, then 3 minutes at 192 kbit/s, joined by stream copy: the average
    // bit rate underestimates the loud half, so the first segment length is too long there.
    beforeAll(async () => {
      const [quiet, loud] = await Promise.all([
        makeTestAudio({ seconds: 180, bitrateKbps: 32 }),
        makeTestAudio({ seconds: 180, bitrateKbps: 192 }),
      ]);
      const list = join(work(), "concat.txt");
      await writeFile(list, `file '${quiet}'\nfile '${loud}'\n`);
      uneven = join(work(), "uneven.m4a");
      await run(FFMPEG, [
        "-v",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        list,
        "-c",
        "copy",
        uneven,
      ]);
      duration = (await probeMedia(FFPROBE, uneven)).durationSec;
    });

    it("re-splits with a shorter segment until every part fits", async () => {
      const outDir = await mkdtemp(join(work(), "uneven-"));
      const maxPartBytes = 1_500_000;
      const parts = await splitAudio(FFMPEG, uneven, outDir, {
        maxPartBytes,
        durationSec: duration,
        baseName: "u",
      });
      for (const part of parts) expect(part.bytes).toBeLessThanOrEqual(maxPartBytes);
      const total = parts.reduce((sum, p) => sum + p.durationSec, 0);
      expect(Math.abs(total - duration)).toBeLessThan(0.5);
      // No leftovers of the first, too-coarse attempt.
      expect(await readdir(outDir)).toHaveLength(parts.length);
    });

    it("gives up after maxAttempts with ffmpeg_failed and removes its parts", async () => {
      const outDir = await mkdtemp(join(work(), "give-up-"));
      const error = await splitAudio(FFMPEG, uneven, outDir, {
        maxPartBytes: 1_500_000,
        durationSec: duration,
        baseName: "u",
        maxAttempts: 1,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MediaError);
      expect((error as MediaError).code).toBe("ffmpeg_failed");
      expect(await readdir(outDir)).toEqual([]);
    });
  });

  it("refuses a budget that holds less than a few seconds of audio", async () => {
    const input = await makeTestAudio({ seconds: 30 });
    const outDir = await mkdtemp(join(work(), "tiny-"));
    const error = await splitAudio(FFMPEG, input, outDir, {
      maxPartBytes: 50_000,
      durationSec: 30,
      baseName: "t",
    }).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe("ffmpeg_failed");
    expect((error as MediaError).message).toMatch(/fewer than 5 s/);
    expect(await readdir(outDir)).toEqual([]);
  });

  it("rejects with aborted and leaves no parts when the signal has fired", async () => {
    const input = await makeTestAudio({ seconds: 30 });
    const outDir = await mkdtemp(join(work(), "abort-"));
    const error = await splitAudio(
      FFMPEG,
      input,
      outDir,
      { maxPartBytes: 100_000, durationSec: 30, baseName: "a" },
      AbortSignal.abort(),
    ).catch((e: unknown) => e);
    expect((error as MediaError).code).toBe("aborted");
    expect(await readdir(outDir)).toEqual([]);
  });
});
