/**
 * Why a media operation failed. `ffmpeg_failed` covers ffmpeg/ffprobe exiting non-zero or not
 * starting at all (the stderr tail is in the message); `aborted` means the caller's AbortSignal
 * fired and the child was killed; `no_audio` means the input has no audio stream to work with.
 */
export type MediaErrorCode = "ffmpeg_failed" | "aborted" | "no_audio";

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  /** The last bytes of the tool's stderr, for logs; never contains secrets (only local paths). */
  readonly stderrTail: string | undefined;

  constructor(code: MediaErrorCode, message: string, options: { cause?: unknown; stderrTail?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = "MediaError";
    this.code = code;
    this.stderrTail = options.stderrTail;
  }
}

export function isMediaError(error: unknown): error is MediaError {
  return error instanceof MediaError;
}
