/**
 * `app_deauthorized` (reference/zoom.md §2.5, §3.8): the user removed Zoomgram in Zoom. The
 * request path only makes the work durable: the audit row and a `deauthorize-zoom-user` job, in one
 * transaction. The job (src/connect/deauthorize.job.ts) deletes the user's tokens and data and
 * tells the chat; telling the chat is a Telegram call, which has no place in the webhook's answer.
 */

import { DEAUTHORIZE_JOB } from "../connect/deauthorize.job.js";
import { withTransaction } from "../db/database.js";
import { enqueueJob } from "../jobs/queue.js";
import type { AppDeauthorizedEvent } from "../zoom/events.js";
import { insertWebhookEvent } from "./delivery.repository.js";
import { auditPayload, type Ingestor } from "./ingest.js";

export const ingestAppDeauthorized: Ingestor<AppDeauthorizedEvent> = async (services, event, ctx) => {
  const zoomUserId = event.payload.user_id;
  const now = ctx.receivedAt;
  const jobId = await withTransaction(services.db, async (tx) => {
    const id = await enqueueJob(
      tx,
      {
        kind: DEAUTHORIZE_JOB,
        payload: { deauthorizedZoomUserId: zoomUserId },
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
