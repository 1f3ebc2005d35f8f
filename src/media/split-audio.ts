import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { MediaError } from "./media-error.js";
import { audioStreamOf, noAudioClassifier, runFfmpeg } from "./run-ffmpeg.js";

export interface AudioPart {
  path: string;
  bytes: number;
  /** 1-based position, as in the file name and in "part 2 of 5". */
  index: number;
  durationSec: number;
}

export interface SplitAudioOptions {
  /** Every part must end up at most this large (the per-file upload budget). */
  maxPartBytes: number;
  /** Duration of the input, from probeMedia; with the file size it gives the measured bit rate. */
  durationSec: number;
  /** Parts are named `<baseName>-part-001.m4a`, …; unsafe characters become `_`. */
  baseName: string;
  /** Splits to try before giving up when a part comes out too large; default 4. */
  maxAttempts?: number;
}

/**
 * First guess at how much of the budget a part's audio may fill. The input's own bit rate already
 * includes its container overhead, but AAC is not exactly constant-rate (a loud stretch packs
 * more bits than the average) and each part carries its own `moov` header, so aim 10% low.
 */
const FIRST_FILL = 0.9;
/** When a part still came out too large: shrink the segment by the overshoot and 5% more. */
const RETRY_FILL = 0.95;
/** A fixed `ftyp`+`moov` skeleton per part (the per-frame tables scale with the bit rate). */
const PART_HEADER_BYTES = 4 * 1024;
/** Shorter parts than this would mean a budget far below any Bot API limit: refuse, don't flood a chat. */
const MIN_SEGMENT_SEC = 5;

/**
 * Cuts an audio file into independently playable M4A parts with ffmpeg's segment muxer and stream
 * copy (no re-encode, so it runs at disk speed). Each part gets timestamps starting at zero and
 * its `moov` first. The segment length comes from the measured bit rate with a safety margin;
 * parts are then measured and, if one is over `maxPartBytes`, the whole split is redone with a
 * shorter segment (bounded attempts). Returns the parts in order.
 *
 * Give it an audio-only file (Zoom's M4A, or the output of extractAudio/transcodeSpeechAac): the
 * bit rate is taken from the whole file's size, so video bytes would make the parts needlessly short.
 */
export async function splitAudio(
  ffmpeg: string,
  input: string,
  outDir: string,
  options: SplitAudioOptions,
  signal?: AbortSignal,
): Promise<AudioPart[]> {
  const { maxPartBytes, durationSec, maxAttempts = 4 } = options;
  if (!(durationSec > 0) || !Number.isFinite(durationSec)) {
    throw new RangeError(`splitAudio needs a positive durationSec, got ${durationSec}`);
  }
  if (!(maxPartBytes > 0))
    throw new RangeError(`splitAudio needs a positive maxPartBytes, got ${maxPartBytes}`);
  const baseName = options.baseName.replace(/[^A-Za-z0-9._-]/g, "_") || "audio";
  const prefix = `${baseName}-part-`;
  const listPath = join(outDir, `${baseName}-parts.csv`);

  const bytesPerSec = (await stat(input)).size / durationSec;
  let segmentSec = Math.floor((maxPartBytes * FIRST_FILL - PART_HEADER_BYTES) / bytesPerSec);
  let largest = 0;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (segmentSec < MIN_SEGMENT_SEC) break;
    await removeParts(outDir, prefix, listPath);
    await runFfmpeg(
      ffmpeg,
      [
        ...audioStreamOf(input),
        "-c",
        "copy",
        "-f",
        "segment",
        "-segment_time",
        String(segmentSec),
        // `ipod` is ffmpeg's M4A flavour of MP4 (brand "M4A "); both it and `mp4` split AAC fine with
        // this ffmpeg 4.x, but `ipod` is what Telegram and Apple players expect of a .m4a.
        "-segment_format",
        "ipod",
        "-segment_format_options",
        "movflags=+faststart",
        "-reset_timestamps",
        "1",
        "-segment_start_number",
        "1",
        "-segment_list",
        listPath,
        "-segment_list_type",
        "csv",
        join(outDir, `${prefix}%03d.m4a`),
      ],
      { what: "audio split", outputs: [listPath], signal, classify: noAudioClassifier(input) },
    ).catch(async (error: unknown) => {
      await removeParts(outDir, prefix, listPath);
      throw error;
    });

    const parts = await readParts(outDir, listPath);
    await rm(listPath, { force: true });
    largest = Math.max(...parts.map((p) => p.bytes));
    if (largest <= maxPartBytes) return parts;
    segmentSec = Math.floor(segmentSec * (maxPartBytes / largest) * RETRY_FILL);
  }

  await removeParts(outDir, prefix, listPath);
  const why =
    largest > 0
      ? `largest part ${largest} bytes after ${maxAttempts} attempts`
      : `fewer than ${MIN_SEGMENT_SEC} s of this audio fit`;
  throw new MediaError(
    "ffmpeg_failed",
    `could not split into parts of at most ${maxPartBytes} bytes: ${why}`,
  );
}

/** The segment list (CSV: file name, start, end in input seconds) gives order and durations. */
async function readParts(outDir: string, listPath: string): Promise<AudioPart[]> {
  const lines = (await readFile(listPath, "utf8")).split(/\r?\n/).filter((line) => line.trim() !== "");
  return Promise.all(
    lines.map(async (line, i) => {
      // Names are sanitized above, so no CSV quoting can occur; take the last two fields as times.
      const fields = line.split(",");
      const end = Number(fields.pop());
      const start = Number(fields.pop());
      const path = join(outDir, fields.join(","));
      return { path, bytes: (await stat(path)).size, index: i + 1, durationSec: end - start };
    }),
  );
}

async function removeParts(outDir: string, prefix: string, listPath: string): Promise<void> {
  const names = await readdir(outDir);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && name.endsWith(".m4a"))
      .map((name) => rm(join(outDir, name), { force: true })),
  );
  await rm(listPath, { force: true });
}
