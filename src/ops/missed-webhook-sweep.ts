/**
 * Missed-webhook recovery. Zoom retries a failed webhook three times (after 5, 25 and 85 minutes)
 * and then drops it (reference/zoom.md §1.7); an outage, a broken proxy or a disabled event
 * subscription therefore loses recordings for good. This periodic sweep — run by one process at a
 * time through the periodic runner's database lease — lists each connected user's cloud
 * recordings of the last few days (`GET /users/me/recordings`, every page) and hands every meeting
 * that never reached its chat to the same ingest a `recording.completed` webhook goes through, so
 * it is delivered exactly like one: one transaction, the usual deduplication, the usual jobs.
 *
 * A meeting is swept only when all of this holds: it ended after the user connected (older
 * recordings were never promised to the chat), its files are all `completed`, it ended longer
 * ago than the grace period (its webhook may still be on its way; if it comes later anyway, the
 * delivery's unique key makes it a duplicate), and the chat has no delivery for it yet.
 */
import type { Logger } from "pino";
import { findConnectionByZoomUserId, listActiveZoomUserIds } from "../connect/connection.repository.js";
import type { TokenService } from "../connect/token-service.js";
import { hasAnyDelivery } from "../delivery/delivery.repository.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import { ingestRecordingCompleted } from "../delivery/ingest-recording.js";
import { asZoomUser } from "../delivery/zoom-as-user.js";
import { describeError } from "../errors.js";
import type { PeriodicTask } from "../leases/periodic.js";
import {
  type RecordingCompletedEvent,
  recordingCompletedEventSchema,
  type ZoomRecordingMeeting,
} from "../zoom/events.js";
import { isFileReady } from "../zoom/recording-files.js";
import type { ZoomApi } from "../zoom/zoom-api.js";

export const MISSED_WEBHOOK_SWEEP = "missed-webhook-sweep";

export interface MissedWebhookSweepOptions {
  /** How far back to look, in days. Default 3 (Zoom's last retry is 85 minutes after the first try). */
  lookbackDays?: number;
  /** A meeting must have ended this long ago (ms) before the sweep takes it. Default 2 hours. */
  graceMs?: number;
  /** How often the sweep runs (ms). Default 30 minutes. */
  intervalMs?: number;
  /** Page size of the recordings list. Default 300 (Zoom's maximum). */
  pageSize?: number;
  tokens?: TokenService;
  zoomApi?: ZoomApi;
}

export interface SweepReport {
  users: number;
  /** Meetings listed by Zoom across all users. */
  listed: number;
  /** Meetings handed to ingest (each one a `recording.completed` Zoom never got through). */
  recovered: string[];
  /** Users whose listing failed (the next run tries again). */
  failedUsers: number;
}

export function missedWebhookSweepTask(
  services: DeliveryServices,
  options: MissedWebhookSweepOptions = {},
): PeriodicTask {
  return {
    name: MISSED_WEBHOOK_SWEEP,
    intervalMs: options.intervalMs ?? 30 * 60_000,
    run: async (signal) => {
      await sweepMissedWebhooks(services, options, signal);
    },
  };
}

export async function sweepMissedWebhooks(
  services: DeliveryServices,
  options: MissedWebhookSweepOptions = {},
  signal?: AbortSignal,
): Promise<SweepReport> {
  const logger = services.logger.child({ component: MISSED_WEBHOOK_SWEEP });
  const tokens = options.tokens ?? services.tokens;
  const zoomApi = options.zoomApi ?? services.zoomApi;
  const report: SweepReport = { users: 0, listed: 0, recovered: [], failedUsers: 0 };

  for (const zoomUserId of await listActiveZoomUserIds(services.db.kysely)) {
    if (signal?.aborted) break;
    report.users++;
    try {
      await sweepUser(services, { tokens, zoomApi, logger, options, signal }, zoomUserId, report);
    } catch (error) {
      report.failedUsers++;
      logger.warn(
        { zoomUserId, err: describeError(error) },
        "could not list a user's recordings; next run retries",
      );
    }
  }
  if (report.recovered.length > 0 || report.failedUsers > 0) {
    logger.info(
      {
        users: report.users,
        listed: report.listed,
        recovered: report.recovered.length,
        failedUsers: report.failedUsers,
      },
      "missed-webhook sweep finished",
    );
  }
  return report;
}

interface SweepDeps {
  tokens: TokenService;
  zoomApi: ZoomApi;
  logger: Logger;
  options: MissedWebhookSweepOptions;
  signal: AbortSignal | undefined;
}

async function sweepUser(
  services: DeliveryServices,
  deps: SweepDeps,
  zoomUserId: string,
  report: SweepReport,
) {
  const { clock, db, config } = services;
  const connection = await findConnectionByZoomUserId(db.kysely, zoomUserId, config.zoom.apiBaseUrl);
  if (connection?.status !== "active") return;
  const now = clock.now();
  // Zoom lists at most one month per call.
  const lookbackDays = Math.min(deps.options.lookbackDays ?? 3, 28);
  const graceMs = deps.options.graceMs ?? 2 * 3_600_000;
  // Zoom reads from/to as dates; a day more on each side covers every time zone.
  const from = isoDay(Math.max(now - (lookbackDays + 1) * 86_400_000, connection.connectedAt - 86_400_000));
  const to = isoDay(now + 86_400_000);

  // An expired or revoked access token is refreshed once, as the delivery jobs do (zoom-as-user.ts).
  const meetings = await asZoomUser(deps.tokens, zoomUserId, { signal: deps.signal }, async (auth) => {
    const listed: ZoomRecordingMeeting[] = [];
    for await (const m of deps.zoomApi.listUserRecordings(auth, {
      from,
      to,
      pageSize: deps.options.pageSize,
    })) {
      listed.push(m);
    }
    return listed;
  });
  report.listed += meetings.length;

  for (const meeting of meetings) {
    if (deps.signal?.aborted) return;
    if (meeting.host_id !== zoomUserId) continue;
    const ended = endedAt(meeting);
    if (ended === undefined || ended < connection.connectedAt || now - ended < graceMs) continue;
    if (meeting.recording_files.length === 0 || !meeting.recording_files.every(isFileReady)) continue;
    if (await hasAnyDelivery(db.kysely, meeting.uuid, connection.chatId)) continue;

    const raw = {
      event: "recording.completed",
      event_ts: now,
      payload: { account_id: meeting.account_id || connection.zoomAccountId || "unknown", object: meeting },
    };
    const parsed = recordingCompletedEventSchema.safeParse(raw);
    if (!parsed.success) continue;
    const outcome = await ingestRecordingCompleted(services, parsed.data as RecordingCompletedEvent, {
      receivedAt: now,
      requestId: MISSED_WEBHOOK_SWEEP,
      raw,
    });
    if (outcome.result === "accepted") {
      report.recovered.push(meeting.uuid);
      services.metrics.webhooks.inc({ event: "recording.completed", result: "recovered" });
      deps.logger.warn(
        { zoomUserId, meetingUuid: meeting.uuid, jobs: outcome.jobs },
        "recovered a recording whose webhook never arrived",
      );
    }
  }
}

/** When the recording ended: the latest file end, else start + duration. */
function endedAt(meeting: ZoomRecordingMeeting): number | undefined {
  let latest: number | undefined;
  for (const f of meeting.recording_files) {
    const t = Date.parse(f.recording_end ?? "");
    if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const start = Date.parse(meeting.start_time);
  if (Number.isNaN(start)) return undefined;
  return start + (Number(meeting.duration) || 0) * 60_000;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
