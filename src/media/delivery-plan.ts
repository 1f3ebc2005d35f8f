/**
 * The audio delivery ladder, as pure arithmetic: send as is when it fits, else re-encode to mono
 * speech AAC when that fits, else split into parts that fit, else (no ffmpeg) send a link.
 * A rung that Telegram refused with 413 is passed back in `attempted` and skipped.
 */
export type Rung = "direct" | "transcode" | "split" | "link";

/**
 * Bytes of the multipart request that are not the file: boundaries and part headers for
 * chat_id, duration, title, performer, caption, parse_mode, reply_markup and the file itself
 * (~200 B each), plus a caption of up to 1024 characters that may be 4 UTF-8 bytes each and
 * carry HTML markup before entity parsing. 64 KiB covers that several times over and costs 0.14%
 * of the 50 MB cloud limit.
 */
export const MULTIPART_RESERVE_BYTES = 64 * 1024;

/** Share of `limit × 10^6` a file may fill: Telegram does not say whether "50 MB" means 10^6 or 2^20 (CONTRACT.md). */
export const UPLOAD_LIMIT_SHARE = 0.95;

/** Speech re-encode target, and the MP4/M4A container's share on top of the raw AAC (sample tables, headers). */
export const SPEECH_BITRATE_KBPS = 48;
export const CONTAINER_OVERHEAD = 1.05;

/**
 * Largest file we plan to upload for TELEGRAM_UPLOAD_LIMIT_MB: floor(0.95 × limit × 10^6) minus
 * MULTIPART_RESERVE_BYTES. 50 → 47,434,464 bytes; 2000 → 1,899,934,464 bytes.
 */
export function uploadBudgetBytes(limitMb: number): number {
  if (!(limitMb > 0)) throw new RangeError(`upload limit must be positive, got ${limitMb} MB`);
  return Math.max(0, Math.floor(UPLOAD_LIMIT_SHARE * limitMb * 1_000_000) - MULTIPART_RESERVE_BYTES);
}

/** Expected size of a speech transcode: duration × bitrate / 8 × container overhead. Infinity for an unknown duration. */
export function estimateSpeechAacBytes(durationSec: number, bitrateKbps = SPEECH_BITRATE_KBPS): number {
  if (!Number.isFinite(durationSec) || durationSec < 0) return Number.POSITIVE_INFINITY;
  return Math.ceil(((durationSec * bitrateKbps * 1000) / 8) * CONTAINER_OVERHEAD);
}

export interface AudioDeliveryInput {
  /** Size of the audio file as downloaded (or extracted from the MP4). */
  sizeBytes: number;
  durationSec: number;
  /** Per-file budget, normally uploadBudgetBytes(config.telegram.uploadLimitMb). */
  budgetBytes: number;
  ffmpegAvailable: boolean;
  /** Rungs already tried that Telegram refused (413); they are not chosen again. */
  attempted?: readonly Rung[];
}

/**
 * Picks the next rung. `direct` when the file fits the budget; without ffmpeg, `link` otherwise;
 * with ffmpeg, `transcode` when the estimated 48 kbit/s mono AAC fits, else `split` (see
 * splitSourceFor for what to split). `link` is the floor: it is returned even when attempted.
 */
export function planAudioDelivery(input: AudioDeliveryInput): Rung {
  const { sizeBytes, durationSec, budgetBytes, ffmpegAvailable, attempted = [] } = input;
  const open = (rung: Rung) => !attempted.includes(rung);
  if (open("direct") && sizeBytes <= budgetBytes) return "direct";
  if (!ffmpegAvailable) return "link";
  const estimate = estimateSpeechAacBytes(durationSec);
  // A transcode that does not shrink the file cannot help, whatever the budget says (after a 413
  // on `direct` the original may be within budget yet still too large for this server).
  if (open("transcode") && estimate <= budgetBytes && estimate < sizeBytes) return "transcode";
  if (open("split")) return "split";
  return "link";
}

/**
 * What the split rung should cut: the speech transcode when it is expected to be smaller than the
 * original (fewer parts, same intelligibility), else the original. A caller that already holds
 * a transcoded file (its `transcode` upload got a 413) should compare real sizes instead.
 */
export function splitSourceFor(input: { sizeBytes: number; durationSec: number }): "original" | "transcoded" {
  return estimateSpeechAacBytes(input.durationSec) < input.sizeBytes ? "transcoded" : "original";
}
