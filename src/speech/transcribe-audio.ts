/**
 * A meeting's audio to one timed transcript: each audio file (Zoom's M4A segments, or the MP4 when
 * there is no audio-only file) is downloaded with the delivery pipeline's tokens, compressed for
 * speech and cut into pieces (src/media/speech-pieces.ts), each piece sent to the speech-to-text
 * endpoint in the chat's language with the end of the previous piece as prompt, and the segments
 * stitched back with every piece's offset (src/stt/stitch.ts).
 */

import type { DeliveryServices } from "../delivery/delivery-services.js";
import { downloadRecordingFile } from "../delivery/recording-download.js";
import type { RecordingSource } from "../delivery/recording-source.js";
import { AppError } from "../errors.js";
import type { JobContext } from "../jobs/worker.js";
import { probeMedia } from "../media/probe.js";
import { cutSpeechPieces } from "../media/speech-pieces.js";
import { createMediaWorkspace } from "../media/temp-files.js";
import { SpeechApiError, type SpeechClient } from "../stt/speech-client.js";
import { stitchPieces, type TranscribedPiece } from "../stt/stitch.js";
import type { Cue } from "../transcript/vtt.js";
import { fileKey, type RecordingFileLike } from "../zoom/recording-files.js";

export interface SpeechPieceLimits {
  /** Per-piece upload limit; default 24 MB (tests inject a tiny one). */
  maxPieceBytes?: number;
  /** Per-piece length; default 10 minutes. */
  maxPieceSec?: number;
}

export interface TranscribedAudio {
  cues: Cue[];
  /** Seconds of audio sent to the endpoint. */
  seconds: number;
  pieces: number;
}

/** Characters of the previous piece passed as `prompt` (Whisper reads up to ~224 tokens). */
const PROMPT_CHARS = 400;

export async function transcribeMeetingAudio(
  services: DeliveryServices,
  input: {
    client: SpeechClient;
    source: RecordingSource;
    files: readonly (RecordingFileLike & { download_url?: string; file_size?: number })[];
    language: string | undefined;
    limits: SpeechPieceLimits;
    ctx: Pick<JobContext, "signal" | "job" | "extendLease">;
  },
): Promise<TranscribedAudio> {
  const { ctx, client } = input;
  const ffmpeg = services.ffmpeg;
  if (!ffmpeg) throw new AppError("media.failed", "speech to text needs ffmpeg, and none was found");
  const workspace = await createMediaWorkspace(
    services.config.media.dir,
    `speech-${ctx.job.id}-${ctx.job.attempts}`,
  );
  try {
    const pieces: TranscribedPiece[] = [];
    let offsetMs = 0;
    let seconds = 0;
    let prompt = "";
    for (const file of input.files) {
      const name = fileKey(file);
      const destination = workspace.file(`${name}.source`);
      await downloadRecordingFile(services, {
        url: file.download_url ?? "",
        expectedBytes: file.file_size,
        tokens: input.source.tokens,
        destination,
        signal: ctx.signal,
        attempt: ctx.job.attempts,
      });
      const info = await probeMedia(ffmpeg, destination, ctx.signal);
      if (!info.hasAudio || !(info.durationSec > 0)) continue;
      const cut = await cutSpeechPieces(
        ffmpeg.ffmpeg,
        destination,
        workspace.dir,
        { durationSec: info.durationSec, baseName: name, ...input.limits },
        ctx.signal,
      );
      for (const piece of cut) {
        const result = await transcribePiece(services, client, {
          path: piece.path,
          contentType: "audio/ogg",
          language: input.language,
          prompt: prompt.slice(-PROMPT_CHARS) || undefined,
          durationMs: Math.round(piece.durationSec * 1000),
          signal: ctx.signal,
        });
        await ctx.extendLease();
        const pieceOffset = offsetMs + Math.round(piece.offsetSec * 1000);
        pieces.push({
          offsetMs: pieceOffset,
          durationMs: Math.round(piece.durationSec * 1000),
          segments: result,
        });
        prompt = `${prompt} ${result.map((s) => s.text).join(" ")}`.trim().slice(-PROMPT_CHARS);
        seconds += piece.durationSec;
      }
      offsetMs += Math.round(info.durationSec * 1000);
    }
    return { cues: stitchPieces(pieces), seconds, pieces: pieces.length };
  } finally {
    await workspace.cleanup();
  }
}

async function transcribePiece(
  services: DeliveryServices,
  client: SpeechClient,
  input: {
    path: string;
    contentType: string;
    language: string | undefined;
    prompt: string | undefined;
    durationMs: number;
    signal: AbortSignal;
  },
) {
  try {
    const { segments } = await client.transcribe(
      {
        path: input.path,
        contentType: input.contentType,
        durationMs: input.durationMs,
        ...(input.language ? { language: input.language } : {}),
        ...(input.prompt ? { prompt: input.prompt } : {}),
      },
      input.signal,
    );
    return segments;
  } catch (error) {
    if (!(error instanceof SpeechApiError)) throw error;
    services.metrics.speechFailures.inc({ cause: speechCause(error) });
    throw new AppError(
      error.retryable ? "speech.unavailable" : "speech.rejected",
      `speech to text failed: ${error.message}`,
      {
        retryable: error.retryable,
        cause: error,
        ...(error.status !== undefined ? { status: error.status } : {}),
        ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      },
    );
  }
}

export function speechCause(error: SpeechApiError): string {
  if (error.code !== "http") return error.code;
  if (error.status === 429) return "rate_limited";
  if (error.status === 401 || error.status === 403) return "unauthorized";
  if (error.status !== undefined && error.status >= 500) return "server";
  return "rejected";
}
