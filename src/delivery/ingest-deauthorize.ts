/**
 * `app_deauthorized` (reference/zoom.md §2.5, §3.8): the user removed Zoomgram in Zoom. The
 * request path only makes the work durable: the audit row and a `deauthorize-zoom-user` job, in one
 * transaction. The job runs `deauthorizeZoomUser`, which deletes the user's tokens and data and
 * tells the chat; telling the chat is a Telegram call, which has no place in the webhook's answer.
 */
import { withTransaction } from "../db/database.js";
import { enqueueJob } from "../jobs/queue.js";
import type { JobHandler } from "../jobs/worker.js";
import type { Services } from "../services.js";
import { deauthorizeZoomUser } from "../zoom/deauthorize.js";
import type { AppDeauthorizedEvent } from "../zoom/events.js";
import { insertWebhookEvent } from "./delivery.repository.js";
import { auditPayload, type Ingestor } from "./ingest.js";

export const DEAUTHORIZE_JOB = "deauthorize-zoom-user";

/**
 * Deliberately not `zoomUserId`: the purge cancels every unfinished job whose payload names the
 * user, and this job must not cancel itself while it runs.
 */
export interface DeauthorizePayload {
  deauthorizedZoomUserId: string;
}

export const ingestAppDeauthorized: Ingestor<AppDeauthorizedEvent> = async (services, event, ctx) => {
  const zoomUserId = event.payload.user_id;
  const now = ctx.receivedAt;
  const jobId = await withTransaction(services.db, async (tx) => {
    const id = await enqueueJob(
      tx,
      {
        kind: DEAUTHORIZE_JOB,
        payload: { deauthorizedZoomUserId: zoomUserId } satisfies DeauthorizePayload,
        // Zoom may send the event to both endpoints, and re-send it: one purge is enough.
        dedupeKey: `${DEAUTHORIZE_JOB}:${zoomUserId}:${event.payload.deauthorization_time ?? now}`,
      },
      now,
      services.config.jobs.maxAttempts,
    );
    await insertWebhookEvent(tx, {
      receivedAt: now,
      event: event.event,
      meetingUuid: null,
      zoomUserId,
      requestId: ctx.requestId,
      result: id === null ? "duplicate" : "accepted",
      downloadTokenEnc: null,
      payload: auditPayload(ctx.raw),
    });
    return id;
  });
  if (jobId !== null) services.notifier.notify();
  return { result: jobId === null ? "duplicate" : "accepted", jobs: jobId === null ? 0 : 1 };
};

export function deauthorizeJob(services: Services): JobHandler<DeauthorizePayload> {
  return {
    async run(payload) {
      await deauthorizeZoomUser(services, {
        zoomUserId: payload.deauthorizedZoomUserId,
        reason: "deauthorized",
      });
    },
  };
}
