/**
 * `recording.completed` → durable work, in one transaction (reference/zoom.md §2.2, §6.1):
 * the audit row, the meeting, its files, one delivery per chosen file and chat (insert-or-ignore
 * on the table's unique constraint), and the jobs for the deliveries this event created. Zoom
 * re-sends events (each copy with a new download_token) and they arrive late or twice: a copy
 * that creates no new delivery is recorded as `duplicate` and enqueues nothing.
 */

import { type Executor, withTransaction } from "../db/database.js";
import { type ChatSettings, getChatSettings, topicPasses } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import type { RecordingCompletedEvent, ZoomRecordingFile } from "../zoom/events.js";
import { fileKey } from "../zoom/recording-files.js";
import { chooseAudioSources, chooseChatFiles, chooseTranscripts, chooseVideo } from "./choose-files.js";
import {
  fileIdsUnderEarlierChatId,
  insertDeliveryIfAbsent,
  insertWebhookEvent,
  upsertMeeting,
  upsertRecordingFile,
} from "./delivery.repository.js";
import {
  DELIVER_CHAT_FILE_JOB,
  DELIVER_TRANSCRIPT_JOB,
  type DeliverTranscriptPayload,
  enqueueFileDelivery,
  enqueueRecordingDelivery,
  enqueueSpeechTranscription,
} from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  auditPayload,
  encryptDownloadToken,
  type Ingestor,
  type IngestResult,
  lockIngestConnection,
} from "./ingest.js";

export const ingestRecordingCompleted: Ingestor<RecordingCompletedEvent> = async (services, event, ctx) => {
  const meeting = event.payload.object;
  const meetingUuid = meeting.uuid;
  const zoomUserId = meeting.host_id;
  const now = ctx.receivedAt;
  const audit = {
    receivedAt: now,
    event: event.event,
    meetingUuid,
    zoomUserId,
    requestId: ctx.requestId,
    downloadTokenEnc: encryptDownloadToken(services, event.download_token, meetingUuid),
    payload: auditPayload(ctx.raw),
  };

  const outcome = await withTransaction(services.db, async (tx): Promise<IngestResult> => {
    const connection = await lockIngestConnection(tx, services, zoomUserId);
    if (!connection) {
      // Not (or no longer) connected: keep the audit row, do nothing else.
      await insertWebhookEvent(tx, { ...audit, result: "no_connection" });
      return { result: "no_connection", jobs: 0 };
    }
    await storeMeeting(tx, meeting, now);
    const base = { meetingUuid, chatId: connection.chatId, zoomUserId, requestedAt: now };
    // What this chat chose in /settings: which parts, and whether this meeting's topic passes.
    const settings = await getChatSettings(tx, base.chatId, defaultChatSettings(services.config));
    const chosen = chooseForChat(settings, meeting);
    const made = await createDeliveries(tx, services, chosen, base);
    const jobs = made.jobs + (await askForSpeech(tx, services, settings, meeting, base));
    // Nothing deliverable at all (nothing this chat wants) is `ignored`; all of it seen before,
    // `duplicate`.
    const any = Object.values(chosen).some((files) => files.length > 0);
    const result = made.created > 0 ? "accepted" : any ? "duplicate" : "ignored";
    await insertWebhookEvent(tx, { ...audit, result });
    return { result, jobs };
  });
  if (outcome.jobs > 0) services.notifier.notify();
  return outcome;
};

async function storeMeeting(
  tx: Executor,
  meeting: RecordingCompletedEvent["payload"]["object"],
  now: number,
) {
  await upsertMeeting(
    tx,
    {
      meetingUuid: meeting.uuid,
      zoomUserId: meeting.host_id,
      meetingNumber: meeting.id,
      topic: meeting.topic,
      startTime: meeting.start_time,
      timezone: meeting.timezone ?? null,
      durationMinutes: wholeMinutes(meeting.duration),
      hostEmail: meeting.host_email ?? null,
      shareUrl: meeting.share_url ?? null,
    },
    now,
  );
  for (const file of meeting.recording_files) {
    await upsertRecordingFile(tx, meeting.uuid, file, now);
  }
}

interface ChosenFiles {
  audio: ZoomRecordingFile[];
  video: ZoomRecordingFile[];
  transcripts: ZoomRecordingFile[];
  chatFiles: ZoomRecordingFile[];
}

/** The files this chat receives of the meeting, by its parts and topic filter. */
function chooseForChat(
  settings: ChatSettings,
  meeting: { topic: string; recording_files: ZoomRecordingFile[] },
): ChosenFiles {
  const files = meeting.recording_files;
  const wanted = topicPasses(settings.topicFilter, meeting.topic);
  const want = (part: keyof ChatSettings["parts"]) => wanted && settings.parts[part];
  // Video: the best MP4 (chooseVideo). Its audio is in it, so an audio source that would be that
  // same MP4 is not delivered twice. A chat without video never gets an MP4 downloaded as video.
  const video = want("video") ? chooseVideo(files) : [];
  const videoIds = new Set(video.map(fileKey));
  return {
    audio: want("audio") ? chooseAudioSources(files).files.filter((f) => !videoIds.has(fileKey(f))) : [],
    video,
    transcripts: want("transcript") ? chooseTranscripts(files) : [],
    chatFiles: want("chat") ? chooseChatFiles(files) : [],
  };
}

/** The deliveries this event creates (insert-or-ignore) and the jobs for the new ones. */
async function createDeliveries(
  tx: Executor,
  services: DeliveryServices,
  chosen: ChosenFiles,
  base: Omit<DeliverTranscriptPayload, "fileId">,
): Promise<{ created: number; jobs: number }> {
  const { requestedAt: now } = base;
  const maxAttempts = services.config.jobs.maxAttempts;
  // A group that became a supergroup already has what it received under its old id.
  const earlier = await fileIdsUnderEarlierChatId(tx, base.meetingUuid, base.chatId);
  const fresh = (files: readonly ZoomRecordingFile[]) => files.filter((f) => !earlier.has(fileKey(f)));
  const newAudio: string[] = [];
  const media = [
    ...fresh(chosen.audio).map((file) => ({ file, kind: "audio" as const })),
    ...fresh(chosen.video).map((file) => ({ file, kind: "video" as const })),
  ];
  for (const { file, kind } of media) {
    const fileId = fileKey(file);
    // The same job delivers audio and video (one download workspace, one card line).
    if (await insertDeliveryIfAbsent(tx, { ...base, fileId, kind }, now)) newAudio.push(fileId);
  }
  let jobs = 0;
  if (newAudio.length > 0 && (await enqueueRecordingDelivery(tx, base, newAudio, now, maxAttempts)) !== null)
    jobs++;
  const transcripts = await deliverEachFile(tx, base, fresh(chosen.transcripts), "transcript", (payload) =>
    enqueueFileDelivery(tx, DELIVER_TRANSCRIPT_JOB, payload, now, maxAttempts),
  );
  const chatFiles = await deliverEachFile(tx, base, fresh(chosen.chatFiles), "chat", (payload) =>
    enqueueFileDelivery(tx, DELIVER_CHAT_FILE_JOB, payload, now, maxAttempts),
  );
  return {
    created: newAudio.length + transcripts.created + chatFiles.created,
    jobs: jobs + transcripts.jobs + chatFiles.jobs,
  };
}

/**
 * No transcript from Zoom (yet) for a chat that wants one: speech to text gets the audio once Zoom
 * had STT_WAIT_MINUTES to send its own (the speech feature's wait policy looks again then).
 */
async function askForSpeech(
  tx: Executor,
  services: DeliveryServices,
  settings: ChatSettings,
  meeting: { topic: string; recording_files: ZoomRecordingFile[] },
  base: Omit<DeliverTranscriptPayload, "fileId">,
): Promise<number> {
  const files = meeting.recording_files;
  const wanted = topicPasses(settings.topicFilter, meeting.topic) && settings.parts.transcript;
  const zoomWillTranscribe = chooseTranscripts(files).length > 0;
  const audioToHear = chooseAudioSources(files).files.length > 0;
  if (!services.config.stt.apiUrl || !wanted || zoomWillTranscribe || !audioToHear) return 0;
  const now = base.requestedAt;
  const runAt = now + services.config.stt.waitMinutes * 60_000;
  const id = await enqueueSpeechTranscription(tx, base, runAt, now, services.config.jobs.maxAttempts);
  return id === null ? 0 : 1;
}

/**
 * One delivery per file of a kind delivered by its own job (transcripts, chat files), and that
 * job for each delivery this event created.
 */
async function deliverEachFile(
  tx: Executor,
  base: Omit<DeliverTranscriptPayload, "fileId">,
  files: readonly ZoomRecordingFile[],
  kind: "transcript" | "chat",
  enqueue: (payload: DeliverTranscriptPayload) => Promise<number | null>,
): Promise<{ created: number; jobs: number }> {
  let created = 0;
  let jobs = 0;
  for (const file of files) {
    const fileId = fileKey(file);
    const delivery = { ...base, fileId, kind };
    if (!(await insertDeliveryIfAbsent(tx, delivery, base.requestedAt))) continue;
    created++;
    if ((await enqueue({ ...base, fileId })) !== null) jobs++;
  }
  return { created, jobs };
}

/**
 * `duration` is display-only and its schema is lenient ("60", 60.0): store whole minutes that fit
 * the 32-bit column, or nothing, so a strange value can never turn a signed event into a 500.
 */
function wholeMinutes(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value) || value < 0 || value > 1_000_000) return null;
  return Math.round(value);
}
