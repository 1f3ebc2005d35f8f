/**
 * The webhook inbox processed in the harness process: what a `worker` would do with the events a
 * `web` process stored, without starting one (benchmarks that time the two apart).
 */
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { createInboxProcessor } from "../../src/delivery/inbox-processor.js";
import { silentLogger } from "../../src/observability/logger.js";

/** Processes every stored inbox event; resolves with how many and how long it took. */
export async function drainInbox(
  env: Record<string, string>,
): Promise<{ events: number; seconds: number; batchSize: number }> {
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const app = await createApp(
    parsed.config,
    { web: false, worker: false },
    { logger: silentLogger(), disablePolling: true, disablePeriodic: true, ffmpeg: null },
  );
  try {
    const processor = createInboxProcessor(app.services);
    const t0 = performance.now();
    const events = await processor.drain();
    return { events, seconds: (performance.now() - t0) / 1000, batchSize: parsed.config.inbox.batchSize };
  } finally {
    await app.stop();
  }
}
