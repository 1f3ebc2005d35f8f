/**
 * The backfill feature's job kind: one job per /import run, which does one bounded step (one Zoom
 * call at most) and reschedules itself, so the run is paced, survives a crash (everything it needs
 * is in `backfill_runs`/`backfill_items`), and never holds a worker slot while it waits.
 */
import type { Executor } from "../db/database.js";
import { enqueueJobOnce } from "../jobs/queue.js";

export const BACKFILL_STEP_JOB = "backfill-step";

export interface BackfillStepPayload {
  runId: number;
}

declare module "../jobs/catalogue.js" {
  interface JobCatalogue {
    [BACKFILL_STEP_JOB]: BackfillStepPayload;
  }
}

export async function enqueueBackfillStep(
  tx: Executor,
  runId: number,
  now: number,
  maxAttempts: number,
): Promise<number | null> {
  return enqueueJobOnce(tx, { kind: BACKFILL_STEP_JOB, payload: { runId }, key: [runId] }, now, maxAttempts);
}
