/**
 * The ffmpeg steps of the video ladder (src/media/video-plan.ts): a smaller H.264/AAC encode, and
 * stream-copied parts of equal length. Both put `moov` first so Telegram can stream them.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runFfmpeg } from "./run-ffmpeg.js";

export async function transcodeVideo(
  ffmpeg: string,
  input: string,
  output: string,
  options: { videoKbps: number; height: number; audioKbps: number },
  signal?: AbortSignal,
): Promise<void> {
  const { videoKbps, height, audioKbps } = options;
  await runFfmpeg(
    ffmpeg,
    [
      "-i",
      input,
      "-map",
      "0:v:0",
      "-map",
      "0:a:0?",
      "-vf",
      `scale=-2:'min(${height},ih)'`,
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-b:v",
      `${videoKbps}k`,
      "-maxrate",
      `${videoKbps}k`,
      "-bufsize",
      `${videoKbps * 2}k`,
      "-pix_fmt",
      "yuv420p",
      // A keyframe every 2 s, so the result can still be cut into parts without re-encoding.
      "-force_key_frames",
      "expr:gte(t,n_forced*2)",
      "-c:a",
      "aac",
      "-b:a",
      `${audioKbps}k`,
      "-movflags",
      "+faststart",
      output,
    ],
    { what: "video transcode", outputs: [output], signal },
  );
}

/**
 * Splits `input` into `dir/part-000.mp4`, … of about `partSeconds` each. Stream copy cuts only at
 * keyframes, so a part may run longer: the caller checks each part's size.
 */
export async function splitVideo(
  ffmpeg: string,
  input: string,
  dir: string,
  partSeconds: number,
  signal?: AbortSignal,
): Promise<string[]> {
  const pattern = join(dir, "part-%03d.mp4");
  await runFfmpeg(
    ffmpeg,
    [
      "-i",
      input,
      "-map",
      "0",
      "-c",
      "copy",
      "-f",
      "segment",
      "-segment_time",
      String(partSeconds),
      "-reset_timestamps",
      "1",
      "-segment_format_options",
      "movflags=+faststart",
      pattern,
    ],
    { what: "video split", outputs: [], signal },
  );
  const names = (await readdir(dir)).filter((n) => /^part-\d{3}\.mp4$/.test(n)).sort();
  return names.map((n) => join(dir, n));
}
