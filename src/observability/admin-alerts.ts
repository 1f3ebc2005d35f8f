/**
 * Operator alerts in the Telegram chat named by ADMIN_CHAT_ID: a job that died for good, and Zoom
 * webhook requests that keep failing signature verification (a wrong ZOOM_WEBHOOK_SECRET, or
 * someone forging requests). Prometheus alerts (deploy/prometheus/alerts.yml) say the same to
 * whoever runs Alertmanager; this path needs nothing but the bot.
 *
 * Rate limits hold across the fleet: each alert kind may be sent once per window, claimed through a
 * lease row (src/leases/lease.ts) with a fresh holder, so whichever process claims it first sends
 * and every other process — and this one, until the window ends — counts the alert as suppressed
 * and mentions the count in its next message. Alerts never throw into the caller: a job's failure
 * path and a webhook answer must not depend on Telegram being reachable.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { describeError } from "../errors.js";
import type { Translator } from "../i18n/translator.js";
import type { Job } from "../jobs/queue.js";
import { acquireLease } from "../leases/lease.js";
import { chatLocale } from "../telegram/chat.repository.js";
import { truncate } from "../telegram/text/escape.js";

export interface AdminAlerts {
  /** Whether ADMIN_CHAT_ID is set (otherwise every method is a no-op). */
  readonly enabled: boolean;
  /** A job is dead (attempts used up or a permanent error). At most one message per job kind per window. */
  jobDead(job: Pick<Job, "id" | "kind">, error: string): Promise<void>;
  /**
   * A Zoom webhook request failed verification. Cheap and synchronous for the route; once
   * `threshold` failures fall inside `window`, one message goes out (at most once per window).
   */
  webhookVerificationFailed(reason: string): void;
  /**
   * Zoom's token endpoint refused a refresh with something other than `invalid_grant` (e.g.
   * `invalid_client` after the client secret was rotated): our fault or Zoom's, never the user's.
   * One message per window, fleet-wide; connections stay as they are.
   */
  tokenEndpointRefused(reason: string): Promise<void>;
  /**
   * Webhooks are being refused with 503 because the inbox is `lagSeconds` behind. Cheap and
   * synchronous for the route; at most one message per window.
   */
  webhookOverloaded(lagSeconds: number): void;
  /** Resolves when alerts started so far have been sent or given up (tests, shutdown). */
  settle(): Promise<void>;
}

export interface AdminAlertsOptions {
  adminChatId: number | undefined;
  db: Db;
  clock: Clock;
  logger: Logger;
  translator: Pick<Translator, "t">;
  /** Sends plain text (no parse_mode: error texts are not markup). */
  send(chatId: number, text: string): Promise<unknown>;
  /** Scrubs secrets from error texts before they leave the process; default: unchanged. */
  redact?: (text: string) => string;
  /** One message per alert kind per this many ms, fleet-wide. Default 15 minutes. */
  minIntervalMs?: number;
  /** Verification failures that trigger an alert… Default 5. */
  verificationThreshold?: number;
  /** …within this window (ms). Default 10 minutes. */
  verificationWindowMs?: number;
}

const REASON_MAX = 600;

export function createAdminAlerts(options: AdminAlertsOptions): AdminAlerts {
  const {
    adminChatId,
    clock,
    logger,
    translator,
    redact = (text: string) => text,
    verificationThreshold = 5,
    verificationWindowMs = 10 * 60_000,
  } = options;
  const sender = createRateLimitedSender(options);
  const failures = createFailureWindow(verificationWindowMs);

  return {
    enabled: adminChatId !== undefined,
    jobDead(job, error) {
      if (adminChatId === undefined) return Promise.resolve();
      const reason = truncate(redact(error), REASON_MAX);
      return sender.alert(`job-dead:${job.kind}`, (locale) =>
        translator.t(locale, "admin-job-dead", { job_id: job.id, kind: job.kind, reason }),
      );
    },
    tokenEndpointRefused(error) {
      if (adminChatId === undefined) return Promise.resolve();
      const reason = truncate(redact(error), REASON_MAX);
      return sender.alert("token-endpoint-refused", (locale) =>
        translator.t(locale, "admin-token-endpoint-refused", { reason }),
      );
    },
    webhookVerificationFailed(reason) {
      const count = failures.add(clock.now());
      logger.debug({ reason, recentFailures: count }, "webhook verification failure counted");
      if (adminChatId === undefined || count < verificationThreshold) return;
      void sender.alert("webhook-verification", (locale) =>
        translator.t(locale, "admin-webhook-verification-failures", {
          count,
          minutes: Math.round(verificationWindowMs / 60_000),
        }),
      );
    },
    webhookOverloaded(lagSeconds) {
      if (adminChatId === undefined) return;
      void sender.alert("webhook-overload", (locale) =>
        translator.t(locale, "admin-webhook-overloaded", { seconds: Math.round(lagSeconds) }),
      );
    },
    settle: sender.settle,
  };
}

type Render = (locale: Parameters<Translator["t"]>[0]) => string;

/**
 * Sends alerts to the admin chat, at most one per alert kind per `minIntervalMs` across the
 * fleet; the ones held back are counted and mentioned in the kind's next message. `alert` never
 * rejects; `settle` waits for every alert started so far.
 */
function createRateLimitedSender(options: AdminAlertsOptions): {
  alert(kind: string, render: Render): Promise<void>;
  settle(): Promise<void>;
} {
  const { adminChatId, db, logger, translator, send, minIntervalMs = 15 * 60_000 } = options;
  const claim = createWindowClaim(db, options.clock, minIntervalMs);
  const suppressed = new Map<string, number>();
  const pending = new Set<Promise<void>>();

  const holdBack = (kind: string) => {
    suppressed.set(kind, (suppressed.get(kind) ?? 0) + 1);
    logger.info({ alert: kind }, "admin alert suppressed by rate limit");
  };

  // One claim-and-send per alert kind at a time in this process: alerts that come while it runs
  // (a burst of forged webhooks) wait for it and are held back, instead of each asking the
  // database for the lease, and are counted in the next message.
  const sending = new Map<string, Promise<void>>();

  async function deliver(kind: string, render: Render) {
    if (adminChatId === undefined) return;
    const running = sending.get(kind);
    if (running) {
      await running;
      holdBack(kind);
      return;
    }
    const attempt = claimAndSend(kind, render, adminChatId);
    sending.set(kind, attempt);
    try {
      await attempt;
    } finally {
      sending.delete(kind);
    }
  }

  async function claimAndSend(kind: string, render: Render, adminChatId: number) {
    try {
      if (!(await claim(kind))) {
        holdBack(kind);
        return;
      }
      const locale = await chatLocale(db.kysely, adminChatId);
      let text = render(locale);
      const skipped = suppressed.get(kind) ?? 0;
      if (skipped > 0) {
        text += `\n\n${translator.t(locale, "admin-alerts-suppressed", {
          count: skipped,
          minutes: Math.round(minIntervalMs / 60_000),
        })}`;
      }
      await send(adminChatId, text);
      suppressed.delete(kind);
      logger.info({ alert: kind }, "admin alert sent");
    } catch (error) {
      logger.warn({ alert: kind, err: describeError(error) }, "admin alert could not be sent");
    }
  }

  return {
    alert(kind, render) {
      const promise = deliver(kind, render);
      pending.add(promise);
      return promise.finally(() => pending.delete(promise));
    },
    async settle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/**
 * Claims an alert kind's window of `minIntervalMs`, fleet-wide, through a lease row: `claim(kind)`
 * is true for exactly one caller per window, whichever process asks.
 */
function createWindowClaim(db: Db, clock: Clock, minIntervalMs: number): (kind: string) => Promise<boolean> {
  // Until when this process knows the window is taken: a flood of forged webhooks must not turn
  // into a database write per request.
  const knownTakenUntil = new Map<string, number>();
  return async (kind) => {
    const now = clock.now();
    if ((knownTakenUntil.get(kind) ?? 0) > now) return false;
    // A fresh holder can only take a free or expired lease, never renew one: exactly one sender
    // per window, whichever process asks.
    const won = await acquireLease(db.kysely, `alert:${kind}`, randomUUID(), minIntervalMs, now);
    // Never shorten what is already known (a slower claim must not undo a faster one's window).
    const until = now + (won ? minIntervalMs : Math.min(minIntervalMs, 60_000));
    knownTakenUntil.set(kind, Math.max(until, knownTakenUntil.get(kind) ?? 0));
    return won;
  };
}

/**
 * Counts events (failure times) inside a sliding window of `windowMs`. The times are kept as a
 * queue, oldest first: a flood of forged requests costs amortized O(1) per request. (Filtering the
 * whole list on every failure made a flood quadratic: 40,000 forged requests in ten minutes took a
 * minute of CPU.)
 */
function createFailureWindow(windowMs: number): { add(now: number): number } {
  let times: number[] = [];
  let oldest = 0;
  return {
    /** Records an event at `now`; answers how many fall inside the window ending at `now`. */
    add(now) {
      while (oldest < times.length && now - (times[oldest] as number) >= windowMs) oldest++;
      if (oldest > 1024 && oldest * 2 > times.length) {
        times = times.slice(oldest);
        oldest = 0;
      }
      times.push(now);
      return times.length - oldest;
    },
  };
}
