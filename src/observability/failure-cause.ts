/**
 * A short, low-cardinality cause label for `zoomgram_job_failures_total` (zoom_429, telegram_413,
 * download_html, …), from an AppError or from the `code: message` string the worker stores.
 */
import { AppError, type ErrorCode } from "../errors.js";

/** The error code of an AppError, or of a `describeError` string ("zoom.not_found: …"). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof AppError) return error.code;
  if (typeof error === "string") {
    const code = /^([a-z]+\.[a-z_]+):/.exec(error)?.[1];
    return code as ErrorCode | undefined;
  }
  return undefined;
}

/** A low-cardinality cause label for the failure metric. */
export function failureCause(error: unknown): string {
  const code = errorCodeOf(error);
  const status = error instanceof AppError ? error.status : undefined;
  switch (code) {
    case "zoom.rate_limited":
      return "zoom_429";
    case "zoom.unavailable":
      return status !== undefined && status >= 500 && status < 600 ? "zoom_5xx" : "zoom_network";
    case "zoom.unauthorized":
    case "zoom.refresh_rejected":
      return "zoom_auth";
    case "zoom.token_refused":
      return "zoom_token_refused";
    case "zoom.not_found":
      return "zoom_404";
    case "zoom.bad_response":
      return "zoom_bad_response";
    case "download.html":
      return "download_html";
    case "download.truncated":
      return "download_truncated";
    case "download.refused_host":
      return "download_refused_host";
    case "download.too_large":
      return "download_too_large";
    case "download.failed":
      return status !== undefined && status >= 500
        ? "download_5xx"
        : status === 401
          ? "download_401"
          : "download_failed";
    case "summary.gave_up":
      return "summary_gave_up";
    case "telegram.rate_limited":
      return "telegram_429";
    case "telegram.too_large":
      return "telegram_413";
    case "telegram.chat_blocked":
      return "telegram_403";
    case "telegram.chat_migrated":
      return "telegram_migrated";
    case "telegram.unavailable":
      return status !== undefined && status >= 500 ? "telegram_5xx" : "telegram_network";
    case "telegram.rejected":
      return "telegram_400";
    case "media.failed":
    case "media.unwritable":
      return "media";
    case "job.timeout":
      return "timeout";
    default:
      return "other";
  }
}
