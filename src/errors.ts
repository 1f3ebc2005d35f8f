/**
 * One application error with a string-literal code grouped by area, an HTTP status where one
 * applies, and a cause. Entry points (Hono's onError, bot.catch, the worker's failure path) turn it
 * into an outcome; nothing else catches and drops it.
 */
export type ErrorCode =
  | "config.invalid"
  | "http.bad_request"
  | "http.payload_too_large"
  | "http.not_found"
  | "http.rate_limited"
  | "webhook.unauthorized"
  | "webhook.stale"
  | "webhook.malformed"
  | "connect.invalid_link"
  | "connect.expired_link"
  | "connect.invalid_state"
  | "connect.access_denied"
  | "connect.failed"
  | "zoom.refresh_rejected"
  | "zoom.token_refused"
  | "zoom.unauthorized"
  | "zoom.rate_limited"
  | "zoom.unavailable"
  | "zoom.not_found"
  | "zoom.removed"
  | "zoom.scope_missing"
  | "zoom.refused"
  | "zoom.bad_response"
  | "download.refused_host"
  | "download.html"
  | "download.truncated"
  | "download.too_large"
  | "download.failed"
  | "telegram.too_large"
  | "telegram.rate_limited"
  | "telegram.chat_blocked"
  | "telegram.chat_migrated"
  | "telegram.unavailable"
  | "telegram.rejected"
  | "speech.unavailable"
  | "speech.rejected"
  | "summary.gave_up"
  | "media.failed"
  | "media.unwritable"
  | "job.timeout"
  | "job.cancelled"
  | "db.unavailable"
  | "db.write_failed"
  | "internal";

export interface AppErrorOptions {
  status?: number;
  cause?: unknown;
  /** Whether a job that failed with this error should be tried again later. */
  retryable?: boolean;
  /** A delay the remote side asked for (Retry-After, retry_after), in milliseconds. */
  retryAfterMs?: number;
  /** Extra, non-secret facts for logs. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  toJSON(): { error: string; message: string } {
    return { error: this.code, message: this.message };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A short, secret-free description of any thrown value for logs and job rows. */
export function describeError(error: unknown): string {
  if (error instanceof AppError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
