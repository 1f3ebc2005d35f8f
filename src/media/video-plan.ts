/**
 * The video delivery ladder (issue 15 item 3), as pure arithmetic, decided from Zoom's
 * `file_size` and the recording's duration before anything is downloaded:
 *
 * 1. `direct`: the MP4 fits the upload budget → `sendVideo` as it is (duration, width, height,
 *    supports_streaming).
 * 2. `transcode`: a smaller H.264/AAC encode would fit at a bitrate still worth watching
 *    (≥ {@link MIN_VIDEO_KBPS}) → re-encode to the height that bitrate carries, then `sendVideo`.
 * 3. `split`: stream-copied parts that each fit, at most {@link MAX_VIDEO_PARTS} of them.
 * 4. `link`: Zoom's share link, with the reason (no ffmpeg, too large to download, too long, or
 *    Telegram refused every rung).
 *
 * The upload budget is the audio ladder's (95% of `TELEGRAM_UPLOAD_LIMIT_MB × 10^6`, less the
 * multipart reserve): 50 MB on the cloud Bot API, 2000 MB with a local Bot API server.
 *
 * A rung Telegram refused with 413 (`attempted`) is not planned again, and the rungs after it aim
 * under {@link REFUSED_SHARE} of the smallest upload it refused (`refusedBytes`): its real limit is
 * lower than the one configured.
 */
import { CONTAINER_OVERHEAD, type Rung, uploadBudgetBytes } from "./delivery-plan.js";

/** Below this video bitrate a screen share becomes unreadable: split instead. */
export const MIN_VIDEO_KBPS = 250;
/** The audio track of a transcode (speech). */
export const VIDEO_AUDIO_KBPS = 64;
/** More parts than this is a flood in the chat: send the link. */
export const MAX_VIDEO_PARTS = 10;
/**
 * Share of the budget a transcode aims at: x264's one-pass rate control lands a few percent over
 * its target (+4% measured on a 10 s test video held to 609 kbit/s), and a transcode that comes
 * out over the budget is wasted work.
 */
export const TRANSCODE_TARGET_SHARE = 0.9;
/** After a 413, later rungs aim under this share of the smallest refused upload. */
export const REFUSED_SHARE = 0.9;

export type VideoPlan =
  | { rung: "direct" }
  | { rung: "transcode"; videoKbps: number; height: 360 | 480 | 720 }
  | { rung: "split"; parts: number; partSeconds: number }
  | {
      rung: "link";
      reason: "too-large-to-download" | "no-ffmpeg" | "too-long" | "unknown-duration" | "refused";
    };

export interface VideoPlanInput {
  /** Zoom's `file_size` of the MP4. */
  fileBytes: number;
  /** Seconds (Zoom's recording_start/end, or a probe). */
  durationSec: number | undefined;
  uploadLimitMb: number;
  /** MAX_RECORDING_MB in bytes: larger files are not downloaded at all. */
  maxDownloadBytes: number;
  ffmpeg: boolean;
  /** Rungs Telegram refused with 413 (or whose result came out over the budget): not planned again. */
  attempted?: readonly Rung[];
  /** The smallest upload Telegram refused with 413, in bytes. */
  refusedBytes?: number | undefined;
}

/** The budget a plan works with: the configured one, under what Telegram already refused. */
export function videoBudgetBytes(input: Pick<VideoPlanInput, "uploadLimitMb" | "refusedBytes">): number {
  const budget = uploadBudgetBytes(input.uploadLimitMb);
  if (input.refusedBytes === undefined) return budget;
  return Math.min(budget, Math.floor(input.refusedBytes * REFUSED_SHARE));
}

export function planVideoDelivery(input: VideoPlanInput): VideoPlan {
  const budget = videoBudgetBytes(input);
  const open = (rung: Rung) => !(input.attempted ?? []).includes(rung);
  if (input.fileBytes > input.maxDownloadBytes) return { rung: "link", reason: "too-large-to-download" };
  if (open("direct") && input.fileBytes <= budget) return { rung: "direct" };
  if (!input.ffmpeg) return { rung: "link", reason: "no-ffmpeg" };
  const duration = input.durationSec;
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0)
    return { rung: "link", reason: "unknown-duration" };

  // Total bitrate that fills the budget, less the container's share and the audio track.
  const totalKbps = (budget * TRANSCODE_TARGET_SHARE * 8) / duration / 1000 / CONTAINER_OVERHEAD;
  const videoKbps = Math.floor(totalKbps - VIDEO_AUDIO_KBPS);
  if (open("transcode") && videoKbps >= MIN_VIDEO_KBPS) {
    const height = videoKbps >= 1500 ? 720 : videoKbps >= 700 ? 480 : 360;
    return { rung: "transcode", videoKbps: Math.min(videoKbps, 2500), height };
  }
  // Stream-copied parts of equal length, each within the budget (keyframes may add a little: 10%).
  const parts = Math.ceil((input.fileBytes * 1.1) / budget);
  if (parts > MAX_VIDEO_PARTS) return { rung: "link", reason: "too-long" };
  if (!open("split")) return { rung: "link", reason: "refused" };
  return { rung: "split", parts, partSeconds: Math.ceil(duration / parts) };
}
