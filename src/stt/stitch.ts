/**
 * The pieces' segments as one timed transcript: each piece's times shifted by its offset in the
 * recording, clamped to the piece (Whisper sometimes stretches the last segment past the end),
 * kept in order, and a segment that only repeats the previous one across a cut dropped.
 */
import type { Cue } from "../transcript/vtt.js";
import type { SpeechSegment } from "./transcription-format.js";

export interface TranscribedPiece {
  offsetMs: number;
  durationMs: number;
  segments: readonly SpeechSegment[];
}

export function stitchPieces(pieces: readonly TranscribedPiece[]): Cue[] {
  const cues: Cue[] = [];
  const ordered = [...pieces].sort((a, b) => a.offsetMs - b.offsetMs);
  for (const piece of ordered) {
    const end = piece.offsetMs + piece.durationMs;
    for (const segment of piece.segments) {
      const text = segment.text.replace(/\s+/g, " ").trim();
      if (text === "") continue;
      const startMs = Math.min(end, piece.offsetMs + Math.max(0, segment.startMs));
      const endMs = Math.min(end, Math.max(startMs, piece.offsetMs + segment.endMs));
      const previous = cues.at(-1);
      if (previous && previous.text === text && startMs - previous.endMs < 2_000) continue;
      cues.push({ startMs: Math.max(startMs, previous?.startMs ?? 0), endMs, text });
    }
  }
  return cues;
}
