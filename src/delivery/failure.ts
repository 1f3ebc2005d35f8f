/**
 * Failures in words: which `reason-*` message (src/i18n/locales) tells the chat what went wrong.
 * Works from an AppError or from the `code: message` string the worker stores and hands to onDead.
 * (The metric's cause label is src/observability/failure-cause.ts.)
 */
import type { ErrorCode } from "../errors.js";
import { errorCodeOf } from "../observability/failure-cause.js";

const REASONS: Partial<Record<ErrorCode, string>> = {
  "zoom.unavailable": "reason-zoom-unreachable",
  "zoom.bad_response": "reason-zoom-unreachable",
  "zoom.rate_limited": "reason-zoom-rate-limited",
  "zoom.token_refused": "reason-zoom-unreachable",
  "zoom.refresh_rejected": "reason-zoom-access-rejected",
  "zoom.unauthorized": "reason-zoom-access-rejected",
  "zoom.not_found": "reason-recording-not-found",
  "download.refused_host": "reason-download-corrupted",
  "download.html": "reason-download-corrupted",
  "download.truncated": "reason-download-corrupted",
  "download.failed": "reason-zoom-unreachable",
  "telegram.too_large": "reason-telegram-file-too-large",
  "telegram.unavailable": "reason-telegram-unreachable",
  "telegram.rate_limited": "reason-telegram-unreachable",
  "media.unwritable": "reason-server-storage",
  "speech.unavailable": "reason-speech-failed",
  "speech.rejected": "reason-speech-failed",
  "summary.gave_up": "reason-summary-never-came",
};

/** The `reason-*` key for a failure; `reason-unknown` when nothing more precise fits. */
export function reasonKeyFor(error: unknown): string {
  const code = errorCodeOf(error);
  // Zoom answered every attempt, but refused every credential we hold (revoked app, dead tokens):
  // the last word is about access, not about reaching Zoom, and the fix is /connect. Only the
  // final error (onDead's string) says so; a single 401 may just be a file Zoom has not finished
  // (zoom.md §6.4), so a waiting card keeps the milder reason.
  if (code === "download.failed" && typeof error === "string" && REFUSED_EVERY_TOKEN.test(error)) {
    return "reason-zoom-access-rejected";
  }
  return (code && REASONS[code]) ?? "reason-unknown";
}

/** downloadRecording's final refusal, as the worker stores it. */
const REFUSED_EVERY_TOKEN = /refused every download token \(HTTP 40[13]\)/;
