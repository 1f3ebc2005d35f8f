/**
 * Data kept only as long as needed (issue #13, item 5): once per interval, fleet-wide (the
 * periodic runner holds a lease), rows older than RETENTION_DAYS go — webhook audit rows, finished
 * jobs (a job's dedupe key stays, emptied, so a re-sent webhook still does nothing twice), spent
 * connect links and abandoned OAuth states whose links expired, and what a recording removed in
 * Zoom stopped once Zoom's trash can no longer give it back (never before 31 days). Deliveries
 * stay: they are the per-file de-duplication and /history.
 */
import { deleteExpiredConnectLinks } from "../connect/connect-link.repository.js";
import { deleteExpiredOAuthStates } from "../connect/oauth-state.js";
import { pruneWebhookEvents } from "../delivery/delivery.repository.js";
import { pruneRecordingRemovals, ZOOM_TRASH_KEEPS_MS } from "../delivery/recording-removal.repository.js";
import { pruneFinishedJobs } from "../jobs/queue.js";
import type { PeriodicTask } from "../leases/periodic.js";
import type { Services } from "../services.js";

export const RETENTION_TASK = "retention";

export interface RetentionReport {
  webhookEvents: number;
  jobsDeleted: number;
  jobsEmptied: number;
  connectLinks: number;
  oauthStates: number;
  recordingRemovals: number;
}

/** One retention pass at `now`. */
export async function pruneOldData(services: Services, now: number): Promise<RetentionReport> {
  const { db, config } = services;
  const before = now - config.retentionDays * 86_400_000;
  const jobs = await pruneFinishedJobs(db.kysely, before);
  return {
    webhookEvents: await pruneWebhookEvents(db.kysely, before),
    jobsDeleted: jobs.deleted,
    jobsEmptied: jobs.emptied,
    // Spent links and states are useless the moment they expire; no need to wait RETENTION_DAYS.
    connectLinks: await deleteExpiredConnectLinks(db.kysely, now),
    oauthStates: await deleteExpiredOAuthStates(db.kysely, now),
    // A trashed recording can be restored for 30 days, whatever RETENTION_DAYS says.
    recordingRemovals: await pruneRecordingRemovals(db.kysely, Math.min(before, now - ZOOM_TRASH_KEEPS_MS)),
  };
}

export function retentionTask(services: Services, options: { intervalMs?: number } = {}): PeriodicTask {
  const logger = services.logger.child({ component: "retention" });
  return {
    name: RETENTION_TASK,
    intervalMs: options.intervalMs ?? 3_600_000,
    async run() {
      const report = await pruneOldData(services, services.clock.now());
      if (Object.values(report).some((n) => n > 0)) logger.info(report, "old data pruned");
    },
  };
}
