/**
 * Audio for speech to text (reference/speech-to-text.md): mono, 16 kHz, low-bit-rate Opus in Ogg
 * (what Whisper hears anyway, ~11 MB per hour at 24 kbit/s), cut into pieces that each stay under
 * the server's upload limit (OpenAI: 25 MB) and a few minutes of processing, so no single request
 * runs into a self-hosted server's timeout. Each piece is encoded straight from the source with
 * `-ss`/`-t`, so its timestamps start at zero and its offset in the recording is exact.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { MediaError } from "./media-error.js";
import { noAudioClassifier, runFfmpeg } from "./run-ffmpeg.js";

export interface SpeechPiece {
  path: string;
  /** Where the piece starts in the source, in seconds. */
  offsetSec: number;
  durationSec: number;
  bytes: number;
}

export interface SpeechPieceOptions {
  /** Length of the source (probeMedia). */
  durationSec: number;
  /** Every piece must be at most this large; default 24 MB (under OpenAI's 25 MB). */
  maxPieceBytes?: number;
  /** And at most this long; default 10 minutes. */
  maxPieceSec?: number;
  /** Opus bit rate; default 24 kbit/s. */
  bitrateKbps?: number;
  /** Pieces are named `<baseName>-001.ogg`, … */
  baseName: string;
}

export const SPEECH_MAX_PIECE_BYTES = 24 * 1024 * 1024;
export const SPEECH_MAX_PIECE_SEC = 10 * 60;
const FILL = 0.8;
/** A piece over budget is cut in half this many times at most. */
const MAX_HALVINGS = 4;
/** Below this a recording is not worth a request (and Opus frames would dominate the size). */
const MIN_PIECE_SEC = 0.5;

export async function cutSpeechPieces(
  ffmpeg: string,
  input: string,
  outDir: string,
  options: SpeechPieceOptions,
  signal?: AbortSignal,
): Promise<SpeechPiece[]> {
  const {
    durationSec,
    maxPieceBytes = SPEECH_MAX_PIECE_BYTES,
    maxPieceSec = SPEECH_MAX_PIECE_SEC,
    bitrateKbps = 24,
  } = options;
  if (!(durationSec > 0) || !Number.isFinite(durationSec)) {
    throw new RangeError(`cutSpeechPieces needs a positive durationSec, got ${durationSec}`);
  }
  const byBytes = (maxPieceBytes * FILL) / ((bitrateKbps * 1000) / 8);
  const pieceSec = Math.max(1, Math.floor(Math.min(maxPieceSec, byBytes)));
  const baseName = options.baseName.replace(/[^A-Za-z0-9._-]/g, "_") || "speech";
  const pieces: SpeechPiece[] = [];
  let counter = 0;
  const encode = async (offsetSec: number, lengthSec: number, depth: number): Promise<void> => {
    counter++;
    const path = join(outDir, `${baseName}-${String(counter).padStart(3, "0")}.ogg`);
    await runFfmpeg(
      ffmpeg,
      [
        "-ss",
        offsetSec.toFixed(3),
        "-t",
        lengthSec.toFixed(3),
        "-i",
        input,
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-ac",
        "1",
        "-ar",
        "16000",
        "-c:a",
        "libopus",
        "-b:a",
        `${bitrateKbps}k`,
        "-application",
        "voip",
        "-map_metadata",
        "-1",
        "-f",
        "ogg",
        path,
      ],
      { what: "speech piece", outputs: [path], signal, classify: noAudioClassifier(input) },
    );
    const bytes = (await stat(path)).size;
    if (bytes <= maxPieceBytes) {
      pieces.push({ path, offsetSec, durationSec: lengthSec, bytes });
      return;
    }
    if (depth >= MAX_HALVINGS || lengthSec / 2 < MIN_PIECE_SEC) {
      throw new MediaError(
        "ffmpeg_failed",
        `a ${lengthSec.toFixed(1)} s speech piece is ${bytes} bytes, over the ${maxPieceBytes}-byte limit`,
      );
    }
    const half = lengthSec / 2;
    await encode(offsetSec, half, depth + 1);
    await encode(offsetSec + half, lengthSec - half, depth + 1);
  };
  for (let offset = 0; offset < durationSec - MIN_PIECE_SEC / 2; offset += pieceSec) {
    const length = Math.min(pieceSec, durationSec - offset);
    if (length < MIN_PIECE_SEC && pieces.length > 0) break;
    await encode(offset, length, 0);
  }
  return pieces;
}
