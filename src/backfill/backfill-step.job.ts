/**
 * `backfill-step`: one bounded step of an /import run, then it reschedules itself.
 *
 * 1. Listing: one `GET /users/me/recordings` page per step, one-month windows from the oldest
 *    (zoom.md §11.1: at most a month per request; `next_page_token` followed), for each Zoom user
 *    connected to the chat. Every meeting found is recorded; one the chat already has is `skipped`.
 * 2. Delivering: the oldest meeting still to deliver is fetched afresh (`GET /meetings/{uuid}/
 *    recordings`) and handed, as a synthetic `recording.completed`, to the same ingest a webhook
 *    goes through (same de-duplication, same jobs, same card). The next one follows only when the
 *    previous meeting's audio/video settled, so meetings arrive oldest first and a long import never
 *    crowds out new recordings.
 *
 * Pacing: at most one Zoom call per step and at least {@link STEP_PACE_MS} between steps (list is a
 * Medium call: 2/s on a free account, shared by every app on it, zoom.md §5); a 429 waits as long
 * as Zoom says, without using up attempts. The cursor (user, window, page token) and every item
 * are in the database, so after a crash the job carries on where it stopped; an expired page token
 * (15 minutes) restarts its window, whose meetings are already recorded.
 */
import { findConnectionByZoomUserId } from "../connect/connection.repository.js";
import { hasAnyDelivery } from "../delivery/delivery.repository.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import { ingestRecordingCompleted } from "../delivery/ingest-recording.js";
import { asZoomUser } from "../delivery/zoom-as-user.js";
import { describeError, isAppError } from "../errors.js";
import type { JobContext, JobHandler, JobOutcome } from "../jobs/worker.js";
import {
  type RecordingCompletedEvent,
  recordingCompletedEventSchema,
  type ZoomRecordingMeeting,
} from "../zoom/events.js";
import {
  type BackfillItem,
  type BackfillRun,
  findBackfillRun,
  insertBackfillItems,
  nextBackfillItem,
  saveBackfillCursor,
  setBackfillItemState,
} from "./backfill.repository.js";
import type { BackfillStepPayload } from "./backfill-jobs.js";
import { backfillCounts, endRun, showProgress } from "./backfill-progress.js";
import { isoDay, monthWindow, nextDay } from "./import-range.js";

/** Least time between two steps of a run (each makes at most one Zoom call). */
export const STEP_PACE_MS = 1_000;
/** How often a run looks again while the meeting it queued is being delivered. */
export const WAIT_POLL_MS = 5_000;
/** Page size of the list call: Zoom's maximum, so a month is usually one request. */
export const LIST_PAGE_SIZE = 300;

export const BACKFILL_REQUEST_ID = "backfill";

export interface BackfillStepOptions {
  pageSize?: number;
}

export function backfillStepJob(
  services: DeliveryServices,
  options: BackfillStepOptions = {},
): JobHandler<BackfillStepPayload> {
  return {
    run: (payload, ctx) => runBackfillStep(services, payload.runId, ctx, options),
    async onDead(payload, error) {
      await endRun(services, payload.runId, "failed", error);
    },
  };
}

export async function runBackfillStep(
  services: DeliveryServices,
  runId: number,
  ctx: Pick<JobContext, "signal" | "job">,
  options: BackfillStepOptions = {},
): Promise<JobOutcome> {
  const run = await findBackfillRun(services.db.kysely, runId);
  if (!run || (run.state !== "listing" && run.state !== "delivering")) return undefined;
  const zoom = { signal: ctx.signal, attempt: ctx.job.attempts };
  try {
    const next =
      run.state === "listing"
        ? await listStep(services, run, zoom, options.pageSize ?? LIST_PAGE_SIZE)
        : await deliverStep(services, run, zoom);
    if (next === undefined) return undefined;
    const fresh = await findBackfillRun(services.db.kysely, runId);
    if (fresh) await showProgress(services, fresh);
    return next;
  } catch (error) {
    // Zoom's rate limit: wait as long as it asked, without spending an attempt.
    if (isAppError(error) && error.code === "zoom.rate_limited") {
      return { rescheduleAt: services.clock.now() + (error.retryAfterMs ?? 60_000), note: "rate limited" };
    }
    throw error;
  }
}

type ZoomCall = { signal: AbortSignal; attempt: number };

async function listStep(
  services: DeliveryServices,
  run: BackfillRun,
  zoom: ZoomCall,
  pageSize: number,
): Promise<JobOutcome> {
  const { db, clock } = services;
  const zoomUserId = run.zoomUserIds[run.userIndex];
  if (zoomUserId === undefined) {
    await saveBackfillCursor(db.kysely, run.id, { ...cursorOf(run), state: "delivering" }, clock.now());
    return { rescheduleAt: clock.now() };
  }
  const window = monthWindow(run.windowFrom, run.toDay);
  let page: Awaited<ReturnType<DeliveryServices["zoomApi"]["listUserRecordingsPage"]>>;
  try {
    page = await asZoomUser(services.tokens, zoomUserId, zoom, (auth) =>
      services.zoomApi.listUserRecordingsPage(auth, {
        from: window.from,
        to: window.to,
        pageSize,
        nextPageToken: run.pageToken ?? undefined,
      }),
    );
  } catch (error) {
    if (run.pageToken && isAppError(error) && error.status === 400) {
      // The page token expired (15 minutes, e.g. across a restart): list the window again.
      services.logger.info(
        { runId: run.id, err: describeError(error) },
        "import page token refused; window again",
      );
      await saveBackfillCursor(db.kysely, run.id, { ...cursorOf(run), pageToken: null }, clock.now());
      return { rescheduleAt: clock.now() + STEP_PACE_MS };
    }
    if (isAppError(error) && (error.code === "zoom.refresh_rejected" || error.code === "zoom.unauthorized")) {
      // This user is no longer connected: go on with the next one.
      await saveBackfillCursor(db.kysely, run.id, nextUser(run), clock.now());
      return { rescheduleAt: clock.now() };
    }
    throw error;
  }

  const found = [];
  for (const m of page.meetings) {
    const day = isoDay(Date.parse(m.start_time));
    if (m.host_id !== zoomUserId || !(day >= run.fromDay && day <= run.toDay)) continue;
    found.push({
      meetingUuid: m.uuid,
      zoomUserId,
      startTime: new Date(Date.parse(m.start_time)).toISOString(),
      received: await hasAnyDelivery(db.kysely, m.uuid, run.chatId),
    });
  }
  const now = clock.now();
  await insertBackfillItems(db.kysely, run.id, found, now);
  const cursor = page.nextPageToken
    ? { ...cursorOf(run), pageToken: page.nextPageToken }
    : window.to < run.toDay
      ? { userIndex: run.userIndex, windowFrom: nextDay(window.to), pageToken: null }
      : nextUser(run);
  await saveBackfillCursor(db.kysely, run.id, cursor, now);
  return { rescheduleAt: now + STEP_PACE_MS };
}

function cursorOf(run: BackfillRun) {
  return { userIndex: run.userIndex, windowFrom: run.windowFrom, pageToken: run.pageToken };
}

function nextUser(run: BackfillRun) {
  const userIndex = run.userIndex + 1;
  return {
    userIndex,
    windowFrom: run.fromDay,
    pageToken: null,
    ...(userIndex >= run.zoomUserIds.length ? { state: "delivering" as const } : {}),
  };
}

async function deliverStep(
  services: DeliveryServices,
  run: BackfillRun,
  zoom: ZoomCall,
): Promise<JobOutcome> {
  const { db, clock } = services;
  const counts = await backfillCounts(db.kysely, run);
  // One meeting at a time, oldest first: wait until the previous one's audio/video settled.
  if (counts.onTheirWay > 0) return { rescheduleAt: clock.now() + WAIT_POLL_MS };
  const item = await nextBackfillItem(db.kysely, run.id);
  if (!item) {
    await endRun(services, run.id, "done");
    return undefined;
  }
  await ingestItem(services, run, item, zoom);
  return { rescheduleAt: clock.now() + STEP_PACE_MS };
}

async function ingestItem(
  services: DeliveryServices,
  run: BackfillRun,
  item: BackfillItem,
  zoom: ZoomCall,
): Promise<void> {
  const { db, clock } = services;
  const skip = () => setBackfillItemState(db.kysely, item.id, "skipped", clock.now());
  // Received meanwhile (its webhook came, or another import): nothing to do. An item left
  // `ingesting` by a crash may have been ingested already: ingest again, it de-duplicates.
  if (item.state === "listed" && (await hasAnyDelivery(db.kysely, item.meetingUuid, run.chatId)))
    return skip();
  const connection = await findConnectionByZoomUserId(
    db.kysely,
    item.zoomUserId,
    services.config.zoom.apiBaseUrl,
  );
  if (connection?.status !== "active" || connection.chatId !== run.chatId) return skip();
  await setBackfillItemState(db.kysely, item.id, "ingesting", clock.now());

  let meeting: ZoomRecordingMeeting;
  try {
    meeting = await asZoomUser(services.tokens, item.zoomUserId, zoom, (auth) =>
      services.zoomApi.getMeetingRecordings(auth, item.meetingUuid),
    );
  } catch (error) {
    // Deleted or trashed since it was listed.
    if (isAppError(error) && error.code === "zoom.not_found") return skip();
    throw error;
  }
  const now = clock.now();
  const raw = syntheticEvent(meeting, connection.zoomAccountId, now);
  const parsed = recordingCompletedEventSchema.safeParse(raw);
  if (!parsed.success) return skip();
  const outcome = await ingestRecordingCompleted(services, parsed.data as RecordingCompletedEvent, {
    receivedAt: now,
    requestId: `${BACKFILL_REQUEST_ID}:${run.id}`,
    raw,
  });
  const queued = outcome.result === "accepted" || outcome.result === "duplicate";
  await setBackfillItemState(db.kysely, item.id, queued ? "queued" : "skipped", clock.now());
}

/**
 * The `recording.completed` Zoom would have sent, from the meeting's recordings. Only the fields
 * ingest reads are copied: the response also carries passcodes and a download token, which must
 * not reach the audit row (CONTRACT.md: passcodes are never stored). The share link loses its
 * query (`pwd=`) for the same reason.
 */
function syntheticEvent(meeting: ZoomRecordingMeeting, accountId: string | null, now: number) {
  const object = {
    uuid: meeting.uuid,
    id: meeting.id,
    host_id: meeting.host_id,
    account_id: meeting.account_id,
    host_email: meeting.host_email,
    topic: meeting.topic,
    type: meeting.type,
    start_time: meeting.start_time,
    timezone: meeting.timezone,
    duration: meeting.duration,
    share_url: meeting.share_url?.split("?")[0],
    total_size: meeting.total_size,
    recording_count: meeting.recording_count,
    recording_files: meeting.recording_files.map((f) => ({
      id: f.id,
      meeting_id: f.meeting_id,
      file_type: f.file_type,
      file_extension: f.file_extension,
      file_size: f.file_size,
      download_url: f.download_url,
      status: f.status,
      recording_type: f.recording_type,
      recording_start: f.recording_start,
      recording_end: f.recording_end,
    })),
  };
  return {
    event: "recording.completed",
    event_ts: now,
    payload: { account_id: meeting.account_id || accountId || "unknown", object },
  };
}
