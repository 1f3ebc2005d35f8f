/**
 * Trash after delivery (issue 15): when a chat's setting is on, a meeting's cloud recording goes
 * to Zoom's trash — `DELETE /meetings/{uuid}/recordings?action=trash`, never `action=delete` — once
 * everything the chat receives of it was delivered intact (src/delivery/trash-decision.ts).
 *
 * The trigger listens to the parts' progress and enqueues one job per meeting (dedupe key) when
 * the meeting is ready; the job checks again, claims the meeting's `meeting_trash` row (at most one
 * trash per meeting, whichever process gets there first) and asks Zoom. A missing scope or any
 * other refusal leaves the recording where it is, and the meeting card says what happened and how
 * to fix it; a moved recording's card says how to restore it (30 days, Zoom's web portal).
 */
import { isAppError } from "../errors.js";
import { enqueueJob } from "../jobs/queue.js";
import type { JobHandler } from "../jobs/worker.js";
import { chatSettingsFor } from "./chat-settings-for.js";
import { findMeeting } from "./delivery.repository.js";
import { TRASH_RECORDING_JOB, type TrashRecordingPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import type { PartProgress } from "./progress.js";
import {
  claimMeetingTrash,
  findMeetingTrash,
  loadTrashFacts,
  setMeetingTrashState,
  type TrashState,
} from "./trash.repository.js";
import { trashReadiness } from "./trash-decision.js";
import { asZoomUser } from "./zoom-as-user.js";

/** Whether the meeting may be trashed now for this chat (its setting on, everything delivered). */
async function isReady(services: DeliveryServices, meetingUuid: string, chatId: number): Promise<boolean> {
  const settings = await chatSettingsFor(services, chatId);
  if (!settings.trashAfterDelivery) return false;
  const facts = await loadTrashFacts(services.db.kysely, meetingUuid, chatId);
  return trashReadiness(facts, settings.parts) === "ready";
}

const TRIGGER_PARTS = new Set<PartProgress["part"]>(["audio", "transcript", "summary", "chat"]);

/**
 * The progress listener: after an audio, transcript, summary or chat file part settles, a meeting that became
 * ready gets its one trash job.
 */
export function trashTrigger(services: DeliveryServices): (event: PartProgress) => Promise<void> {
  return async (event) => {
    if (!TRIGGER_PARTS.has(event.part)) return;
    if (event.status !== "done" && event.status !== "unavailable" && event.status !== "failed") return;
    const { db, clock } = services;
    if (await findMeetingTrash(db.kysely, event.meetingUuid)) return;
    if (!(await isReady(services, event.meetingUuid, event.chatId))) return;
    const meeting = await findMeeting(db.kysely, event.meetingUuid);
    if (!meeting) return;
    const now = clock.now();
    const id = await enqueueJob(
      db.kysely,
      {
        kind: TRASH_RECORDING_JOB,
        payload: { meetingUuid: event.meetingUuid, chatId: event.chatId, zoomUserId: meeting.zoom_user_id },
        dedupeKey: `${TRASH_RECORDING_JOB}:${event.meetingUuid}`,
      },
      now,
      services.config.jobs.maxAttempts,
    );
    if (id !== null) services.notifier.notify();
  };
}

export function trashRecordingJob(services: DeliveryServices): JobHandler<TrashRecordingPayload> {
  const { db, clock } = services;
  const settle = async (payload: TrashRecordingPayload, state: TrashState, detail: string | null) => {
    await setMeetingTrashState(db.kysely, payload.meetingUuid, state, detail, clock.now());
    if (state === "gone") return;
    await services.progress.publish({
      meetingUuid: payload.meetingUuid,
      chatId: payload.chatId,
      part: "trash",
      status: state === "moved" ? "done" : "failed",
      detail: state,
    });
  };
  return {
    async run(payload, ctx) {
      const { meetingUuid, chatId, zoomUserId } = payload;
      const existing = await findMeetingTrash(db.kysely, meetingUuid);
      // Settled before (by this job's earlier attempt or another chat's): never a second trash.
      if (existing && existing.state !== "moving") return undefined;
      if (!existing) {
        // Checked again: a setting switched off or a resend since the trigger keeps the recording.
        if (!(await isReady(services, meetingUuid, chatId))) return undefined;
        if (!(await claimMeetingTrash(db.kysely, { meetingUuid, chatId, zoomUserId }, clock.now())))
          return undefined;
      }
      let result: "trashed" | "not_found";
      try {
        result = await asZoomUser(
          services.tokens,
          zoomUserId,
          { signal: ctx.signal, attempt: ctx.job.attempts },
          (auth) => services.zoomApi.trashMeetingRecordings(auth, meetingUuid),
        );
      } catch (error) {
        if (isAppError(error) && error.code === "zoom.scope_missing") {
          await settle(payload, "scope_missing", error.message);
          return undefined;
        }
        if (isAppError(error) && !error.retryable) {
          await settle(payload, "refused", error.message);
          return undefined;
        }
        throw error; // 429, 5xx, network: the job retries
      }
      // 404 after an earlier attempt of ours: that attempt moved it (its answer was lost).
      const moved = result === "trashed" || (existing?.state === "moving" && ctx.job.attempts > 1);
      ctx.logger.info({ meetingUuid, result, moved }, "asked Zoom to move the cloud recording to its trash");
      await settle(payload, moved ? "moved" : "gone", null);
      return undefined;
    },
    async onDead(payload, error) {
      const existing = await findMeetingTrash(db.kysely, payload.meetingUuid);
      if (existing?.state === "moving") await settle(payload, "refused", error.slice(0, 300));
    },
  };
}
