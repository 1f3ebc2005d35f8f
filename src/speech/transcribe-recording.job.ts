/**
 * Job `transcribe-recording` (payload {@link TranscribeRecordingPayload}): when Zoom gave a
 * recording no transcript within STT_WAIT_MINUTES (wait-policy.ts), its audio is transcribed by
 * the OpenAI-compatible endpoint at STT_API_URL (transcribe-audio.ts) and the stitched transcript
 * goes through the same rendering and delivery as Zoom's (document, card, summary input), as the
 * delivery row `speech-to-text`. Kept on the meeting (meetings.speech_transcript) for the summary.
 */

import { type ChatTarget, resolveChatTarget } from "../delivery/chat-target.js";
import { chooseAudioSources, chooseTranscripts } from "../delivery/choose-files.js";
import { findDeliveries, insertDeliveryIfAbsent, updateDelivery } from "../delivery/delivery.repository.js";
import type { TranscribeRecordingPayload } from "../delivery/delivery-jobs.js";
import { SPEECH_TRANSCRIPT_FILE_ID } from "../delivery/delivery-jobs.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import {
  claimDelivery,
  enqueueTranscriptForChat,
  findDelivery,
} from "../delivery/meeting-parts.repository.js";
import { reportPartFailed } from "../delivery/part-failed.js";
import { loadRecordingSource, type RecordingSource } from "../delivery/recording-source.js";
import {
  askForSummary,
  sendTranscriptDocument,
  skipIfOtherTranscriptTaken,
} from "../delivery/transcript-document.js";
import { AppError } from "../errors.js";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/worker.js";
import type { SpeechClient } from "../stt/speech-client.js";
import { writeVtt } from "../transcript/write-vtt.js";
import { fileKey, isFileReady } from "../zoom/recording-files.js";
import { storeSpeechTranscript } from "./speech.repository.js";
import { type SpeechPieceLimits, transcribeMeetingAudio } from "./transcribe-audio.js";
import { decideBeforeDownload, decideFromZoomFiles, spentZoomTranscripts } from "./wait-policy.js";

/** The least time one run may take (the worker's JOB_TIMEOUT_SECONDS applies when it is longer). */
export const SPEECH_JOB_TIMEOUT_MS = 6 * 3_600_000;
/** While Zoom still processes the audio file itself, look again this often. */
const AUDIO_PROCESSING_RETRY_MS = 2 * 60_000;

/** What the job needs besides the services: the speech client (none: STT_API_URL unset) and piece limits. */
interface SpeechJobDeps {
  client: SpeechClient | undefined;
  limits?: SpeechPieceLimits;
}

export function transcribeRecordingJob(
  services: DeliveryServices,
  deps: SpeechJobDeps,
): JobHandler<TranscribeRecordingPayload> {
  return {
    run: (payload, ctx) => transcribeRecording(services, deps, payload, ctx),
    // A long meeting on a CPU server takes a while: at least 6 hours, or JOB_TIMEOUT_SECONDS if longer.
    timeoutMs: Math.max(SPEECH_JOB_TIMEOUT_MS, services.config.jobs.timeoutSeconds * 1000),
    async onDead(payload, error) {
      const { meetingUuid, chatId } = payload;
      services.metrics.speechFailures.inc({ cause: "meeting" });
      const part = { meetingUuid, chatId, fileId: SPEECH_TRANSCRIPT_FILE_ID, kind: "transcript" } as const;
      await reportPartFailed(services, part, error);
      await askForSummary(services, payload, "no-transcript");
    },
  };
}

async function transcribeRecording(
  services: DeliveryServices,
  deps: SpeechJobDeps,
  payload: TranscribeRecordingPayload,
  ctx: JobContext,
): Promise<JobOutcome> {
  const { db, clock, progress } = services;
  const { meetingUuid, chatId } = payload;
  const client = deps.client;
  if (!client) return undefined; // STT_API_URL was unset since the job was enqueued
  const ready = await readyToTranscribe(services, payload, ctx);
  if (!ready.go) return ready.outcome;
  const { target, source, audio } = ready;

  const deliveryId = await ensureDelivery(services, payload);
  if (!(await claimDelivery(db.kysely, deliveryId, `job:${ctx.job.id}`, clock.now()))) return undefined;
  await progress.publish({ meetingUuid, chatId, part: "transcript", status: "working", detail: "stt" });
  const result = await transcribeMeetingAudio(services, {
    client,
    source,
    files: audio,
    language: target.locale,
    limits: deps.limits ?? {},
    ctx,
  });
  services.metrics.speechMinutes.inc(result.seconds / 60);
  ctx.logger.info(
    { meetingUuid, chatId, pieces: result.pieces, seconds: Math.round(result.seconds) },
    "recording transcribed by speech to text",
  );
  const now = clock.now();
  if (result.cues.length === 0) {
    await updateDelivery(db.kysely, deliveryId, { state: "skipped", detail: "empty transcript" }, now);
    await progress.publish({ meetingUuid, chatId, part: "transcript", status: "unavailable" });
    await askForSummary(services, payload, "no-transcript");
    return undefined;
  }
  const part = { meetingUuid, chatId, fileId: SPEECH_TRANSCRIPT_FILE_ID, deliveryId };
  if (await skipIfOtherTranscriptTaken(services, part, now)) return undefined;
  await storeSpeechTranscript(db.kysely, meetingUuid, writeVtt(result.cues), now);
  await sendTranscriptDocument(services, {
    ...payload,
    deliveryId,
    target,
    cues: result.cues,
    source: "stt",
    signal: ctx.signal,
  });
  return undefined;
}

/**
 * Whether this run transcribes now: the chat's target, the recording and its audio files when it
 * does; otherwise what the job does instead (nothing, wait, or hand over to Zoom's transcript).
 * Decided before any delivery row exists, so waiting or handing over leaves no trace in the chat.
 */
async function readyToTranscribe(
  services: DeliveryServices,
  payload: TranscribeRecordingPayload,
  ctx: JobContext,
): Promise<
  | { go: false; outcome: JobOutcome }
  | {
      go: true;
      target: ChatTarget;
      source: RecordingSource;
      audio: RecordingSource["meeting"]["recording_files"];
    }
> {
  const { db, clock } = services;
  const { meetingUuid, chatId } = payload;
  const stop = (outcome?: JobOutcome) => ({ go: false as const, outcome });
  const existing = await findDeliveries(db.kysely, meetingUuid, chatId, ["transcript"]);
  const before = decideBeforeDownload(existing);
  if (before.kind === "skip") {
    ctx.logger.info({ meetingUuid, chatId, why: before.why }, "no speech to text needed");
    return stop();
  }
  const target = await resolveChatTarget(services, chatId);
  if (target.paused) return stop(); // nobody to send to; a new recording is a new chance

  const source = await loadRecordingSource(
    services,
    { tokens: services.tokens, zoomApi: services.zoomApi },
    { meetingUuid, zoomUserId: payload.zoomUserId, ctx },
  );
  const files = source.meeting.recording_files;
  // Zoom's transcripts that already failed for good or came empty are no reason to wait or hand over.
  const spent = new Set(spentZoomTranscripts(existing));
  const zoomTranscripts = chooseTranscripts(files).filter((f) => !spent.has(fileKey(f)));
  const zoom = decideFromZoomFiles({
    transcripts: zoomTranscripts.map((f) => ({ ready: isFileReady(f) })),
    requestedAt: payload.requestedAt,
    now: clock.now(),
    waitMinutes: services.config.stt.waitMinutes,
  });
  if (zoom.kind === "zoom-ready")
    return stop(await handOverToZoom(services, payload, zoomTranscripts.map(fileKey)));
  if (zoom.kind === "wait") {
    await releaseOurs(services, payload);
    return stop({ rescheduleAt: zoom.until, note: "Zoom is still making its transcript" });
  }
  const audio = chooseAudioSources(files).files;
  if (audio.length === 0) throw new AppError("zoom.not_found", "the recording has no audio to transcribe");
  if (!audio.every(isFileReady)) {
    await releaseOurs(services, payload);
    return stop({
      rescheduleAt: clock.now() + AUDIO_PROCESSING_RETRY_MS,
      note: "audio still processing at Zoom",
    });
  }
  return { go: true, target, source, audio };
}

async function ensureDelivery(
  services: DeliveryServices,
  payload: TranscribeRecordingPayload,
): Promise<number> {
  const { db, clock } = services;
  const { meetingUuid, chatId } = payload;
  await insertDeliveryIfAbsent(
    db.kysely,
    {
      meetingUuid,
      fileId: SPEECH_TRANSCRIPT_FILE_ID,
      chatId,
      kind: "transcript",
      requestedAt: payload.requestedAt,
    },
    clock.now(),
  );
  const row = await findOurs(services, payload);
  if (!row) throw new AppError("internal", "speech transcript delivery row vanished");
  return Number(row.id);
}

/** This meeting's speech-to-text delivery row in the chat, if there is one yet. */
function findOurs(services: DeliveryServices, payload: TranscribeRecordingPayload) {
  return findDelivery(services.db.kysely, payload.meetingUuid, SPEECH_TRANSCRIPT_FILE_ID, payload.chatId);
}

/** A retried run that waits gives its claimed row back (pending), so nothing looks stuck. */
async function releaseOurs(services: DeliveryServices, payload: TranscribeRecordingPayload): Promise<void> {
  const { db, clock } = services;
  const ours = await findOurs(services, payload);
  if (ours && ours.state !== "delivered" && ours.state !== "pending") {
    await updateDelivery(db.kysely, Number(ours.id), { state: "pending", detail: null }, clock.now());
  }
}

/** Zoom lists a ready transcript after all (its webhook may have been missed): deliver that one. */
async function handOverToZoom(
  services: DeliveryServices,
  payload: TranscribeRecordingPayload,
  fileIds: readonly string[],
): Promise<JobOutcome> {
  const { db, clock } = services;
  const now = clock.now();
  // An earlier attempt of ours may have left its row claimed: Zoom's transcript replaces it.
  const ours = await findOurs(services, payload);
  if (ours && ours.state !== "delivered") {
    await updateDelivery(
      db.kysely,
      Number(ours.id),
      { state: "skipped", detail: "Zoom made a transcript" },
      now,
    );
  }
  let enqueued = false;
  for (const fileId of fileIds) {
    const job = { ...payload, fileId, requestedAt: now };
    enqueued = (await enqueueTranscriptForChat(db.kysely, job, services.config.jobs.maxAttempts)) || enqueued;
  }
  if (enqueued) services.notifier.notify();
  return undefined;
}
