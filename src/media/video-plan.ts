/**
 * The video delivery ladder (issue 15 item 3), as pure arithmetic, decided from Zoom's
 * `file_size` and the recording's duration before anything is downloaded:
 *
 * 1. `direct`: the MP4 fits the upload budget → `sendVideo` as it is (duration, width, height,
 *    supports_streaming).
 * 2. `transcode`: a smaller H.264/AAC encode would fit at a bitrate still worth watching
 *    (≥ {@link MIN_VIDEO_KBPS}) → re-encode to the height that bitrate carries, then `sendVideo`.
 * 3. `split`: stream-copied parts that each fit, at most {@link MAX_VIDEO_PARTS} of them.
 * 4. `link`: Zoom's share link, with the reason (no ffmpeg, too large to download, too long).
 *
 * The upload budget is the audio ladder's (95% of `TELEGRAM_UPLOAD_LIMIT_MB × 10^6`, less the
 * multipart reserve): 50 MB on the cloud Bot API, 2000 MB with a local Bot API server.
 */
import { CONTAINER_OVERHEAD, uploadBudgetBytes } from "./delivery-plan.js";

/** Below this video bitrate a screen share becomes unreadable: split instead. */
export const MIN_VIDEO_KBPS = 250;
/** The audio track of a transcode (speech). */
export const VIDEO_AUDIO_KBPS = 64;
/** More parts than this is a flood in the chat: send the link. */
export const MAX_VIDEO_PARTS = 10;

export type VideoPlan =
  | { rung: "direct" }
  | { rung: "transcode"; videoKbps: number; height: 360 | 480 | 720 }
  | { rung: "split"; parts: number; partSeconds: number }
  | { rung: "link"; reason: "too-large-to-download" | "no-ffmpeg" | "too-long" | "unknown-duration" };

export interface VideoPlanInput {
  /** Zoom's `file_size` of the MP4. */
  fileBytes: number;
  /** Seconds (Zoom's recording_start/end, or a probe). */
  durationSec: number | undefined;
  uploadLimitMb: number;
  /** MAX_RECORDING_MB in bytes: larger files are not downloaded at all. */
  maxDownloadBytes: number;
  ffmpeg: boolean;
}

export function planVideoDelivery(input: VideoPlanInput): VideoPlan {
  const budget = uploadBudgetBytes(input.uploadLimitMb);
  if (input.fileBytes > input.maxDownloadBytes) return { rung: "link", reason: "too-large-to-download" };
  if (input.fileBytes <= budget) return { rung: "direct" };
  if (!input.ffmpeg) return { rung: "link", reason: "no-ffmpeg" };
  const duration = input.durationSec;
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0)
    return { rung: "link", reason: "unknown-duration" };

  // Total bitrate that fills the budget, less the container's share and the audio track.
  const totalKbps = (budget * 8) / duration / 1000 / CONTAINER_OVERHEAD;
  const videoKbps = Math.floor(totalKbps - VIDEO_AUDIO_KBPS);
  if (videoKbps >= MIN_VIDEO_KBPS) {
    const height = videoKbps >= 1500 ? 720 : videoKbps >= 700 ? 480 : 360;
    return { rung: "transcode", videoKbps: Math.min(videoKbps, 2500), height };
  }
  // Stream-copied parts of equal length, each within the budget (keyframes may add a little: 10%).
  const parts = Math.ceil((input.fileBytes * 1.1) / budget);
  if (parts > MAX_VIDEO_PARTS) return { rung: "link", reason: "too-long" };
  return { rung: "split", parts, partSeconds: Math.ceil(duration / parts) };
}
