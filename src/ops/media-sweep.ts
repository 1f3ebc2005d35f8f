/**
 * The periodic sweep of MEDIA_DIR (issue #4 §7): jobs delete their own workspace when they end,
 * but a process killed mid-download leaves files behind. Once per interval, fleet-wide (the
 * periodic runner holds a lease), everything older than MEDIA_TTL_HOURS goes
 * (src/media/temp-files.ts `sweepMediaDir`: never follows symlinks, keeps fresh workspaces).
 */
import type { PeriodicTask } from "../leases/periodic.js";
import { sweepMediaDir } from "../media/temp-files.js";
import type { Services } from "../services.js";

export const MEDIA_SWEEP_TASK = "media-sweep";

export function mediaSweepTask(services: Services, options: { intervalMs?: number } = {}): PeriodicTask {
  const { config, clock } = services;
  const ttlMs = config.media.ttlHours * 3_600_000;
  const logger = services.logger.child({ component: "media.sweep" });
  return {
    name: MEDIA_SWEEP_TASK,
    // Often enough that leftovers never outlive the TTL by much; at most hourly.
    intervalMs: options.intervalMs ?? Math.min(3_600_000, Math.max(60_000, Math.floor(ttlMs / 4))),
    async run() {
      const { removed, bytes } = await sweepMediaDir(config.media.dir, ttlMs, clock.now());
      if (removed > 0) logger.info({ removed, bytes }, "old media files deleted");
    },
  };
}
