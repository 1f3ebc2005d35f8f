/**
 * Recordings removed in Zoom (reference/zoom.md §11.4; issue #13, item 11). Someone moved a
 * meeting's cloud recording to Zoom's trash (`recording.trashed`), deleted it for good
 * (`recording.deleted`) or restored it from the trash (`recording.recovered`) while parts of it
 * were still on their way to the chat. A download would now fail and be retried for hours; instead:
 *
 * - trashed / deleted: the deliveries that have not arrived stop (`skipped`) and their jobs are
 *   cancelled; what was delivered stays delivered. When Zoom lists `recording_files` (one file
 *   moved to the trash) only those files' parts stop; the meeting-level jobs (speech to text, the
 *   summary) stop only when the whole recording went. A job already running checks again before
 *   it downloads and before it uploads (`stopIfRemovedInZoom`). The card says, in the chat's
 *   language, what happened and (trash) that restoring it within 30 days brings it.
 * - recovered (from the trash only): exactly what was stopped is queued again — the same
 *   deliveries, so nothing arrives twice — and the card says it is on its way.
 *
 * Our own trash after delivery (src/delivery/trash-recording.job.ts) makes Zoom send
 * `recording.trashed` too: a meeting with a `meeting_trash` row we claimed is left alone. Events
 * for meetings we never saw, or of users not connected, are answered 2xx and dropped: nothing is
 * stored. Everything runs inside the inbox processor's transaction (no Zoom or Telegram call); the
 * card is updated by a `recording-changed-card` job. A re-sent event finds nothing left to do.
 */

import { type Executor, withTransaction } from "../db/database.js";
import type { DeliveryRow } from "../db/schema.js";
import type { JobKind } from "../jobs/catalogue.js";
import { cancelJobs, enqueueJob, listUnfinishedJobPayloads } from "../jobs/queue.js";
import type {
  RecordingDeletedEvent,
  RecordingLifecycleEvent,
  RecordingRecoveredEvent,
  RecordingTrashedEvent,
} from "../zoom/events.js";
import { fileKey } from "../zoom/recording-files.js";
import { findMeeting, isSettled, meetingDeliveriesTo } from "./delivery.repository.js";
import {
  DELIVER_CHAT_FILE_JOB,
  DELIVER_RECORDING_JOB,
  DELIVER_SUMMARY_JOB,
  DELIVER_TRANSCRIPT_JOB,
  RECORDING_CHANGED_CARD_JOB,
  type RecordingChangedCardPayload,
  TRANSCRIBE_RECORDING_JOB,
} from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  type IngestContext,
  type Ingestor,
  type IngestResult,
  lockIngestConnection,
  webhookAuditor,
} from "./ingest.js";
import {
  findRecordingRemoval,
  meetingFileIds,
  type RecordingRemoval,
  reopenDeliveries,
  STOPPED_IN_ZOOM,
  type StoppedJob,
  saveRecordingRemoval,
  stopDeliveries,
} from "./recording-removal.repository.js";
import { findMeetingTrash } from "./trash.repository.js";

type CardPartName = RecordingChangedCardPayload["parts"][number];

/** The jobs that fetch from Zoom for a meeting; card, timeout and trash jobs are left alone. */
const FETCHING_JOBS = [
  DELIVER_RECORDING_JOB,
  DELIVER_TRANSCRIPT_JOB,
  DELIVER_CHAT_FILE_JOB,
  DELIVER_SUMMARY_JOB,
  TRANSCRIBE_RECORDING_JOB,
] as const;

const DROPPED: IngestResult = { result: "ignored", jobs: 0 };

/** The meeting and chat an event concerns, or undefined when we never saw it or its user left. */
async function meetingInChat(
  tx: Executor,
  services: DeliveryServices,
  event: RecordingLifecycleEvent,
): Promise<MeetingScope | undefined> {
  const object = event.payload.object;
  const meeting = await findMeeting(tx, object.uuid);
  // Another account's event naming a uuid we know changes nothing of ours.
  if (!meeting || meeting.zoom_user_id !== object.host_id) return undefined;
  const connection = await lockIngestConnection(tx, services, meeting.zoom_user_id);
  if (!connection) return undefined;
  return { meetingUuid: meeting.meeting_uuid, zoomUserId: meeting.zoom_user_id, chatId: connection.chatId };
}

type MeetingScope = { meetingUuid: string; zoomUserId: string; chatId: number };
type Audit = ReturnType<typeof webhookAuditor>;

/**
 * One lifecycle event's transaction: for a meeting we know in a connected chat, `body` runs with
 * its audit writer; anything else is dropped without a trace. Workers are woken after the commit.
 */
async function inMeeting(
  services: DeliveryServices,
  event: RecordingLifecycleEvent,
  ctx: IngestContext,
  body: (tx: Executor, scope: MeetingScope, audit: Audit) => Promise<IngestResult>,
): Promise<IngestResult> {
  const outcome = await withTransaction(services.db, async (tx): Promise<IngestResult> => {
    const scope = await meetingInChat(tx, services, event);
    if (!scope) return DROPPED;
    return body(tx, scope, webhookAuditor(tx, ctx, { ...scope, event: event.event, downloadTokenEnc: null }));
  });
  if (outcome.jobs > 0) services.notifier.notify();
  return outcome;
}

export const ingestRecordingRemoved: Ingestor<RecordingTrashedEvent | RecordingDeletedEvent> = async (
  services,
  event,
  ctx,
) => {
  const change = event.event === "recording.trashed" ? "trashed" : "deleted";
  const now = ctx.receivedAt;
  return inMeeting(services, event, ctx, async (tx, scope, audit) => {
    const { meetingUuid, chatId } = scope;
    // We moved it to the trash ourselves, after everything arrived: Zoom telling us is expected.
    const ours = await findMeetingTrash(tx, meetingUuid);
    if (change === "trashed" && (ours?.state === "moving" || ours?.state === "moved")) {
      await audit("ignored");
      return DROPPED;
    }

    const listed = new Set((event.payload.object.recording_files ?? []).map(fileKey));
    const known = await meetingFileIds(tx, meetingUuid);
    const whole = listed.size === 0 || known.every((id) => listed.has(id));
    const concerns = (fileId: string) => whole || listed.has(fileId);

    const deliveries = (await listMeetingDeliveries(tx, meetingUuid, chatId)).filter(
      (d) => !isSettled(d.state) && concerns(d.file_id),
    );
    const jobs = (await listUnfinishedJobPayloads(tx, FETCHING_JOBS)).filter(
      (job) =>
        job.payload.meetingUuid === meetingUuid &&
        job.payload.chatId === chatId &&
        jobConcerns(job, whole, listed),
    );
    const reason = STOPPED_IN_ZOOM[change];
    await stopDeliveries(
      tx,
      deliveries.map((d) => Number(d.id)),
      reason,
      now,
    );
    await cancelJobs(
      tx,
      jobs.map((j) => j.id),
      reason,
      now,
    );

    const before = await findRecordingRemoval(tx, meetingUuid);
    const stoppedBefore = before && before.state !== "recovered" ? before : undefined;
    // Deleted for good after it went to the trash: the card's line changes, nothing else does.
    const gone = change === "deleted" && stoppedBefore?.state === "trashed";
    if (deliveries.length === 0 && jobs.length === 0 && !gone) {
      // Nothing on its way (all delivered, or a re-sent event): nothing to say either.
      await audit(before?.state === change ? "duplicate" : "ignored");
      return DROPPED;
    }
    const removal: RecordingRemoval = {
      ...scope,
      state: change,
      stoppedDeliveries: union(
        stoppedBefore?.stoppedDeliveries ?? [],
        deliveries.map((d) => Number(d.id)),
      ),
      stoppedJobs: [
        ...(stoppedBefore?.stoppedJobs ?? []),
        ...jobs.filter((j) => !stoppedBefore?.stoppedJobs.some((s) => s.id === j.id)),
      ],
    };
    await saveRecordingRemoval(tx, removal, now);
    const parts = cardParts(deliveries, jobs);
    const enqueued = await enqueueCardChange(tx, services, { meetingUuid, chatId, change, parts }, now);
    await audit("accepted");
    return { result: "accepted", jobs: enqueued ? 1 : 0 };
  });
};

export const ingestRecordingRecovered: Ingestor<RecordingRecoveredEvent> = async (services, event, ctx) => {
  const now = ctx.receivedAt;
  return inMeeting(services, event, ctx, async (tx, scope, audit) => {
    const { meetingUuid, chatId } = scope;
    const removal = await findRecordingRemoval(tx, meetingUuid);
    // Only a trashed recording comes back; nothing of ours was stopped, or it came back already.
    if (removal?.state !== "trashed") {
      await audit(removal?.state === "recovered" ? "duplicate" : "ignored");
      return DROPPED;
    }
    await reopenDeliveries(tx, removal.stoppedDeliveries, now);
    let jobs = 0;
    for (const job of removal.stoppedJobs) {
      // The job's own key was used by the cancelled one; this one is keyed by it, once.
      const id = await enqueueJob(
        tx,
        {
          kind: job.kind as JobKind,
          payload: job.payload as never,
          dedupeKey: `${job.kind}:recovered:${job.id}`,
        },
        now,
        services.config.jobs.maxAttempts,
      );
      if (id !== null) jobs++;
    }
    const reopened = await listMeetingDeliveries(tx, meetingUuid, chatId);
    const parts = cardParts(
      reopened.filter((d) => removal.stoppedDeliveries.includes(Number(d.id)) && d.state === "pending"),
      removal.stoppedJobs,
    );
    await saveRecordingRemoval(
      tx,
      { ...removal, chatId, state: "recovered", stoppedDeliveries: [], stoppedJobs: [] },
      now,
    );
    if (await enqueueCardChange(tx, services, { meetingUuid, chatId, change: "recovered", parts }, now))
      jobs++;
    await audit("accepted");
    return { result: "accepted", jobs };
  });
};

/** Whether a fetching job works on what the event removed. */
function jobConcerns(
  job: { kind: string; payload: Record<string, unknown> },
  whole: boolean,
  listed: ReadonlySet<string>,
): boolean {
  if (whole) return true;
  const { fileIds, fileId } = job.payload;
  if (job.kind === DELIVER_RECORDING_JOB) {
    // A job that also owns files still in Zoom goes on; it skips the stopped ones.
    return Array.isArray(fileIds) && fileIds.length > 0 && fileIds.every((id) => listed.has(String(id)));
  }
  if (job.kind === DELIVER_TRANSCRIPT_JOB || job.kind === DELIVER_CHAT_FILE_JOB)
    return typeof fileId === "string" && listed.has(fileId);
  return false; // speech to text and the summary need the meeting, not one file
}

/** The card lines a change touches: the parts of the deliveries and jobs it stopped or reopened. */
function cardParts(
  deliveries: readonly Pick<DeliveryRow, "kind">[],
  jobs: readonly Pick<StoppedJob, "kind">[],
): CardPartName[] {
  const parts = new Set<CardPartName>();
  for (const d of deliveries) {
    if (d.kind === "audio" || d.kind === "video") parts.add("audio");
    else if (d.kind === "transcript") parts.add("transcript");
    else if (d.kind === "summary") parts.add("summary");
    else if (d.kind === "chat") parts.add("chat");
  }
  for (const job of jobs) {
    if (job.kind === DELIVER_RECORDING_JOB) parts.add("audio");
    else if (job.kind === DELIVER_TRANSCRIPT_JOB || job.kind === TRANSCRIBE_RECORDING_JOB)
      parts.add("transcript");
    else if (job.kind === DELIVER_SUMMARY_JOB) parts.add("summary");
    else if (job.kind === DELIVER_CHAT_FILE_JOB) parts.add("chat");
  }
  return [...parts];
}

async function enqueueCardChange(
  tx: Executor,
  services: DeliveryServices,
  payload: RecordingChangedCardPayload,
  now: number,
): Promise<boolean> {
  const id = await enqueueJob(
    tx,
    {
      kind: RECORDING_CHANGED_CARD_JOB,
      payload,
      dedupeKey: `${RECORDING_CHANGED_CARD_JOB}:${payload.meetingUuid}:${payload.chatId}:${payload.change}:${now}`,
    },
    now,
    services.config.jobs.maxAttempts,
  );
  return id !== null;
}

/** Every delivery of a meeting to a chat, whatever its kind. */
function listMeetingDeliveries(db: Executor, meetingUuid: string, chatId: number): Promise<DeliveryRow[]> {
  return meetingDeliveriesTo(db, meetingUuid, chatId).selectAll().orderBy("id").execute();
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])];
}

/** The card job: says what happened in Zoom, and shows the parts it stopped or reopened. */
export function recordingChangedCardJob(services: DeliveryServices): {
  run(payload: RecordingChangedCardPayload): Promise<undefined>;
} {
  return {
    async run({ meetingUuid, chatId, change, parts }) {
      const { progress } = services;
      await progress.publish({ meetingUuid, chatId, part: "zoom", status: "done", detail: change });
      for (const part of parts) {
        await progress.publish({
          meetingUuid,
          chatId,
          part,
          status: change === "recovered" ? "pending" : "unavailable",
        });
      }
      return undefined;
    },
  };
}
