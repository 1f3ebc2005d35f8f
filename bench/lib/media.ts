/**
 * Benchmark media, made with the npm-installed ffmpeg and cached under os.tmpdir() across runs.
 * Long files are a short encoded segment repeated with the concat demuxer and stream copy (no
 * re-encode: seconds, not the minutes that encoding 9 hours of AAC would take), remuxed with the
 * `moov` atom first: valid M4A files of the wanted size and duration.
 */
import { execFile } from "node:child_process";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { FFMPEG, FFPROBE, makeTestAudio } from "../../test/support/media.js";

const run = promisify(execFile);
export const BENCH_MEDIA_DIR = join(tmpdir(), "zoomgram-bench-media");
const SEGMENT_SECONDS = 120;

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

export async function probeSeconds(path: string): Promise<number> {
  const { stdout } = await run(FFPROBE, [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "default=nw=1:nk=1",
    path,
  ]);
  return Number(stdout.trim());
}

/**
 * An M4A of about `targetBytes` (or `seconds` long) at `bitrateKbps`: a 120 s segment of tone and
 * pink noise (test/support/media.ts), repeated. Returns the path, its size and duration.
 */
export async function makeLongAudio(opts: {
  bitrateKbps: number;
  seconds?: number;
  targetBytes?: number;
  name: string;
}): Promise<{ path: string; bytes: number; seconds: number; generatedMs: number }> {
  await mkdir(BENCH_MEDIA_DIR, { recursive: true });
  const out = join(BENCH_MEDIA_DIR, `${opts.name}.m4a`);
  const started = Date.now();
  if (!(await exists(out))) {
    const segment = await makeTestAudio({ seconds: SEGMENT_SECONDS, bitrateKbps: opts.bitrateKbps });
    const segBytes = (await stat(segment)).size;
    const copies = opts.seconds
      ? Math.max(1, Math.round(opts.seconds / SEGMENT_SECONDS))
      : Math.max(1, Math.round((opts.targetBytes ?? segBytes) / segBytes));
    const list = join(BENCH_MEDIA_DIR, `.${process.pid}-${opts.name}.txt`);
    await writeFile(list, `${Array.from({ length: copies }, () => `file '${segment}'`).join("\n")}\n`);
    const partial = join(BENCH_MEDIA_DIR, `.${process.pid}-${opts.name}.m4a`);
    try {
      await run(
        FFMPEG,
        [
          "-nostdin",
          "-hide_banner",
          "-loglevel",
          "error",
          "-y",
          "-f",
          "concat",
          "-safe",
          "0",
          "-i",
          list,
          "-c",
          "copy",
          "-movflags",
          "+faststart",
          "-f",
          "ipod",
          partial,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      await rename(partial, out);
    } finally {
      await rm(list, { force: true });
      await rm(partial, { force: true });
    }
  }
  return {
    path: out,
    bytes: (await stat(out)).size,
    seconds: await probeSeconds(out),
    generatedMs: Date.now() - started,
  };
}

/** A short M4A (latency and scale benchmarks). */
export async function makeShortAudio(seconds: number): Promise<{ path: string; bytes: number }> {
  const path = await makeTestAudio({ seconds, bitrateKbps: 64 });
  return { path, bytes: (await stat(path)).size };
}
