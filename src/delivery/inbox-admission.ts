/**
 * Admission control for POST /webhooks/zoom (issue 14): when the oldest webhook in the inbox has
 * waited longer than WEBHOOK_MAX_BACKLOG_SECONDS, the processors are more than a few seconds of
 * work behind, and a new request is answered 503 with Retry-After at once instead of joining a
 * queue its sender may give up on (Zoom retries a 5xx after 5, 20 and 60 minutes; zoom.md §1.7).
 *
 * The check is synchronous and reads a cached backlog; a request that finds the cache older than
 * `refreshMs` starts one refresh (one index probe: the oldest due event). Each refresh also sets the
 * lag gauge and, while overloaded, raises the (rate-limited) admin alert; a /metrics scrape also
 * counts the pending and failed events.
 */
import { describeError } from "../errors.js";
import type { Services } from "../services.js";
import { countInboxEvents, oldestDueInboxEvent } from "./inbox.repository.js";

export type Admission = { admit: true } | { admit: false; lagSeconds: number; retryAfterSeconds: number };

export interface InboxAdmission {
  check(): Admission;
  /** Reads the backlog now (tests, /metrics). */
  refresh(): Promise<void>;
}

export function createInboxAdmission(
  services: Pick<Services, "db" | "clock" | "metrics" | "alerts" | "logger" | "config">,
  options: { refreshMs?: number } = {},
): InboxAdmission {
  const { db, clock, metrics, alerts, logger } = services;
  const maxLagMs = services.config.inbox.maxBacklogSeconds * 1000;
  const refreshMs = options.refreshMs ?? 250;
  let oldest: number | null = null;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | undefined;

  const lagMs = (now: number) => (oldest === null ? 0 : Math.max(0, now - oldest));

  async function read(): Promise<void> {
    try {
      oldest = await oldestDueInboxEvent(db.kysely);
      const now = clock.now();
      refreshedAt = now;
      metrics.inboxLagSeconds.set(lagMs(now) / 1000);
      if (lagMs(now) > maxLagMs) {
        logger.warn({ lagSeconds: lagMs(now) / 1000 }, "webhook inbox overloaded");
        alerts.webhookOverloaded(lagMs(now) / 1000);
      }
    } catch (error) {
      // Unknown backlog: admit (the append itself will fail with 500 if the database is away).
      refreshedAt = clock.now();
      logger.warn({ err: describeError(error) }, "could not read the webhook inbox backlog");
    }
  }

  function refresh(): Promise<void> {
    running ??= read().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    check() {
      const now = clock.now();
      if (now - refreshedAt >= refreshMs) void refresh();
      // A reading older than a few refreshes says nothing about now (no traffic for a while): admit.
      if (now - refreshedAt > 4 * refreshMs) return { admit: true };
      const lag = lagMs(now);
      if (lag <= maxLagMs) return { admit: true };
      return {
        admit: false,
        lagSeconds: lag / 1000,
        retryAfterSeconds: Math.min(3600, Math.max(1, Math.ceil(lag / 1000))),
      };
    },
    async refresh() {
      await refresh();
      metrics.inboxPending.set(await countInboxEvents(db.kysely, "pending"));
      metrics.inboxFailed.set(await countInboxEvents(db.kysely, "failed"));
    },
  };
}
