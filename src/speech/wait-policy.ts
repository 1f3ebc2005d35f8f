/**
 * When speech to text takes over from Zoom (issue 16). The job is enqueued at `recording.completed`
 * due STT_WAIT_MINUTES later, when the event listed no transcript; when it runs, it looks again:
 *
 * - a transcript of Zoom's already has a delivery in this chat (it came meanwhile): nothing to do;
 * - ours was delivered already (a re-run): nothing to do;
 * - Zoom now lists a transcript that is ready: hand it to the Zoom transcript delivery;
 * - Zoom lists one still processing: look again after another wait, for at most a day (Zoom takes
 *   up to 24 h, reference/zoom.md §4.3), then transcribe anyway;
 * - otherwise: transcribe.
 */
import type { DeliveryRow } from "../db/schema.js";
import { SPEECH_TRANSCRIPT_FILE_ID } from "../delivery/delivery-jobs.js";

export type SpeechDecision =
  | { kind: "skip"; why: string }
  | { kind: "zoom-ready" }
  | { kind: "wait"; until: number }
  | { kind: "transcribe" };

/** How long a transcript Zoom still processes is waited for before we transcribe anyway. */
export const MAX_ZOOM_TRANSCRIPT_WAIT_MS = 24 * 3_600_000;

/** Zoom transcript deliveries that failed for good or came empty: they leave the gap to us. */
export function spentZoomTranscripts(
  deliveries: readonly Pick<DeliveryRow, "file_id" | "state" | "detail">[],
): string[] {
  return deliveries
    .filter(
      (d) =>
        d.file_id !== SPEECH_TRANSCRIPT_FILE_ID && (d.state === "failed" || d.detail === "empty transcript"),
    )
    .map((d) => d.file_id);
}

export function decideBeforeDownload(
  deliveries: readonly Pick<DeliveryRow, "file_id" | "state" | "detail">[],
): SpeechDecision {
  const ours = deliveries.find((d) => d.file_id === SPEECH_TRANSCRIPT_FILE_ID);
  if (ours?.state === "delivered") return { kind: "skip", why: "already transcribed" };
  // A Zoom transcript that failed for good, or came empty, leaves the gap for us to fill.
  const spent = new Set(spentZoomTranscripts(deliveries));
  const usable = deliveries.filter((d) => d.file_id !== SPEECH_TRANSCRIPT_FILE_ID && !spent.has(d.file_id));
  if (usable.length > 0) return { kind: "skip", why: "Zoom's transcript is here" };
  return { kind: "transcribe" };
}

export function decideFromZoomFiles(input: {
  /** Zoom's transcript files of the meeting as the API lists them now. */
  transcripts: ReadonlyArray<{ ready: boolean }>;
  requestedAt: number;
  now: number;
  waitMinutes: number;
}): SpeechDecision {
  if (input.transcripts.some((t) => t.ready)) return { kind: "zoom-ready" };
  if (input.transcripts.length > 0 && input.now - input.requestedAt < MAX_ZOOM_TRANSCRIPT_WAIT_MS) {
    return { kind: "wait", until: input.now + Math.max(1, input.waitMinutes) * 60_000 };
  }
  return { kind: "transcribe" };
}
