import { rm } from "node:fs/promises";
import { basename } from "node:path";
import { MediaError } from "./media-error.js";
import { failureMessage, runProcess } from "./run-process.js";

/** Flags every ffmpeg run gets: no reading from our stdin, no banner noise, overwrite outputs. */
export const FFMPEG_COMMON_ARGS = ["-nostdin", "-hide_banner", "-y"] as const;

/** Input arguments that take the first audio stream of `input` and drop video, subtitles and data. */
export function audioStreamOf(input: string): string[] {
  return ["-i", input, "-map", "0:a:0", "-vn", "-sn", "-dn"];
}

/**
 * Runs ffmpeg and throws a MediaError unless it exits 0. `classify` may turn a known stderr
 * message into a more specific error (e.g. `no_audio`). On any failure the outputs are deleted:
 * a half-written M4A looks valid enough to be uploaded by mistake.
 */
export async function runFfmpeg(
  ffmpeg: string,
  args: readonly string[],
  options: {
    what: string;
    outputs: readonly string[];
    signal?: AbortSignal | undefined;
    classify?: (stderrTail: string) => MediaError | undefined;
  },
): Promise<void> {
  try {
    const result = await runProcess(ffmpeg, [...FFMPEG_COMMON_ARGS, ...args], { signal: options.signal });
    if (result.exitCode === 0) return;
    throw (
      options.classify?.(result.stderrTail) ??
      new MediaError("ffmpeg_failed", failureMessage(options.what, result), { stderrTail: result.stderrTail })
    );
  } catch (error) {
    await Promise.all(options.outputs.map((path) => rm(path, { force: true, recursive: true })));
    throw error;
  }
}

/** ffmpeg's words for "this input has no audio stream" (with `-map 0:a:0`, and without a map). */
export function noAudioClassifier(input: string) {
  return (stderrTail: string): MediaError | undefined =>
    /Stream map '0:a:0' matches no streams|does not contain any stream/.test(stderrTail)
      ? new MediaError("no_audio", `${basename(input)} has no audio stream`, { stderrTail })
      : undefined;
}
