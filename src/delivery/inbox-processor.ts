/**
 * The work side of the webhook inbox (issue 14): in the worker role, claims a batch of verified
 * events (oldest first), runs each one's ingestor (src/delivery/ingest-table.ts) inside ONE
 * transaction — audit rows, meetings, files, deliveries, jobs for the whole batch — deletes the
 * batch's inbox rows in that same transaction and commits once. So an event is processed exactly
 * once: a crash before the commit leaves every row of the batch in the inbox (and none of its
 * effects), a crash after it leaves nothing to redo. On PostgreSQL the claimed rows are locked
 * FOR UPDATE SKIP LOCKED, so several workers take disjoint batches side by side.
 *
 * Events of one batch run in arrival order, so a re-send seen in the same batch is recognised as a
 * duplicate exactly as it would be across requests. When a batch fails (one bad event, a deadlock,
 * the database going away), its events are retried one per transaction so one poison event cannot
 * hold up the others; an event that keeps failing is set aside as `failed` after
 * {@link MAX_ATTEMPTS} attempts, with its error, for the operator.
 *
 * Woken by the notifier (`inbox` topic) the moment an append commits; polls as a fallback.
 */
import type { Logger } from "pino";
import { transactionScoped, withTransaction } from "../db/database.js";
import { describeError } from "../errors.js";
import { concerns } from "../jobs/notifier.js";
import type { Feeder } from "../jobs/worker.js";
import { parseZoomEvent } from "../zoom/events.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  claimInboxBatch,
  deleteInboxEvents,
  type InboxEvent,
  recordInboxFailure,
} from "./inbox.repository.js";
import { INBOX_TOPIC, inboxTokenAad, rawMeetingUuid } from "./inbox-writer.js";
import { type IngestTable, ingestorFor } from "./ingest.js";
import { ingestors as defaultIngestors } from "./ingest-table.js";

export const MAX_ATTEMPTS = 5;

interface Outcome {
  event: string;
  result: string;
}

function countOutcomes(services: DeliveryServices, outcomes: readonly Outcome[]): void {
  for (const o of outcomes) services.metrics.webhooks.inc({ event: o.event, result: o.result });
}
const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000];

export interface InboxProcessorOptions {
  batchSize?: number;
  /** Batches processed side by side in this process (default: 2 on PostgreSQL, 1 on SQLite). */
  loops?: number;
  pollIntervalMs?: number;
  ingestors?: IngestTable;
}

export function createInboxProcessor(
  services: DeliveryServices,
  options: InboxProcessorOptions = {},
): Feeder {
  const batchSize = options.batchSize ?? services.config.inbox.batchSize;
  const pollIntervalMs = options.pollIntervalMs ?? services.config.jobs.pollIntervalMs;
  const table = options.ingestors ?? defaultIngestors;
  const logger = services.logger.child({ component: "webhook.inbox" });
  // PostgreSQL: several batches at once (SKIP LOCKED keeps them disjoint), since a batch mostly
  // waits on round trips; SQLite has one writer, so one.
  const loops = options.loops ?? (services.db.dialect === "postgres" ? 2 : 1);
  let running = false;
  let loopsDone: Promise<unknown> | undefined;
  const sleepers = new Set<() => void>();
  let wakes = 0;
  let unsubscribe: (() => void) | undefined;

  const wake = () => {
    wakes++;
    for (const resolve of sleepers) resolve();
  };

  async function loop(): Promise<void> {
    while (running) {
      const seen = wakes;
      let found = 0;
      try {
        found = (await processBatch(services, table, batchSize, logger)).claimed;
      } catch (error) {
        logger.warn({ err: describeError(error) }, "webhook inbox batch failed; retrying");
      }
      if (!running) break;
      if (found > 0 || wakes !== seen) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollIntervalMs);
        sleepers.add(done);
      });
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      unsubscribe = services.notifier.subscribe((topic) => {
        if (concerns(topic, INBOX_TOPIC)) wake();
      });
      loopsDone = Promise.all(Array.from({ length: loops }, () => loop()));
    },
    async stop() {
      running = false;
      unsubscribe?.();
      wake();
      await loopsDone;
    },
    async drain() {
      let total = 0;
      for (;;) {
        const { claimed, processed } = await processBatch(services, table, batchSize, logger);
        total += processed;
        if (claimed === 0) return total;
      }
    },
  };
}

/**
 * Processes one batch in one transaction; on failure, each of its events alone. Returns how many
 * events it claimed (0: nothing due) and how many of them it processed (fewer when a failed
 * batch's events were taken by another worker meanwhile, or failed again).
 */
async function processBatch(
  services: DeliveryServices,
  table: IngestTable,
  batchSize: number,
  logger: Logger,
): Promise<{ claimed: number; processed: number }> {
  const now = services.clock.now();
  let claimed: InboxEvent[] = [];
  let enqueued = false;
  let processed = 0;
  const outcomes: Outcome[] = [];
  try {
    await withTransaction(services.db, async (tx) => {
      claimed = await claimInboxBatch(tx, services.db.dialect, batchSize, now);
      if (claimed.length === 0) return;
      const scoped = scopedServices(services, tx, () => {
        enqueued = true;
      });
      for (const event of claimed) await ingestOne(scoped, table, event, logger, outcomes);
      await deleteInboxEvents(
        tx,
        claimed.map((e) => e.id),
      );
    });
    countOutcomes(services, outcomes);
    processed = claimed.length;
  } catch (error) {
    if (claimed.length === 0) throw error;
    logger.warn(
      { err: describeError(error), events: claimed.length },
      "webhook inbox batch failed; processing its events one by one",
    );
    enqueued = false;
    for (const event of claimed) {
      const alone = await processAlone(services, table, event.id, logger);
      if (alone === "enqueued" || alone === "processed") processed++;
      if (alone === "enqueued") enqueued = true;
    }
  }
  if (processed > 0) services.metrics.inboxCommitSize.observe({ side: "process" }, processed);
  if (enqueued) services.notifier.notify();
  return { claimed: claimed.length, processed };
}

/** One event in its own transaction (after its batch failed). */
async function processAlone(
  services: DeliveryServices,
  table: IngestTable,
  id: number,
  logger: Logger,
): Promise<"enqueued" | "processed" | "taken" | "failed"> {
  const now = services.clock.now();
  let enqueued = false;
  let event: InboxEvent | undefined;
  const outcomes: Outcome[] = [];
  try {
    await withTransaction(services.db, async (tx) => {
      [event] = await claimInboxBatch(tx, services.db.dialect, 1, now, id);
      if (!event) return; // another worker took it meanwhile, or it is not due
      const scoped = scopedServices(services, tx, () => {
        enqueued = true;
      });
      await ingestOne(scoped, table, event, logger, outcomes);
      await deleteInboxEvents(tx, [id]);
    });
    if (!event) return "taken";
    countOutcomes(services, outcomes);
    return enqueued ? "enqueued" : "processed";
  } catch (error) {
    if (!event) throw error;
    const attempts = event.attempts + 1;
    const retryAt = attempts >= MAX_ATTEMPTS ? undefined : now + (RETRY_DELAYS_MS[attempts - 1] ?? 120_000);
    const message = describeError(error);
    logger.error(
      { inboxId: id, event: event.event, attempts, err: message },
      retryAt === undefined
        ? "webhook event failed for good; kept in webhook_inbox"
        : "webhook event failed; will retry",
    );
    await recordInboxFailure(services.db.kysely, id, message, retryAt).catch((writeError) =>
      logger.warn({ err: describeError(writeError) }, "could not record the webhook event's failure"),
    );
    return "failed";
  }
}

/** Runs the event's ingestor with services whose database is the batch's transaction. */
async function ingestOne(
  services: DeliveryServices,
  table: IngestTable,
  row: InboxEvent,
  logger: Logger,
  /** Counted in zoomgram_webhooks_total once the transaction committed. */
  outcomes: Outcome[],
): Promise<void> {
  const raw = JSON.parse(row.payload) as Record<string, unknown>;
  if (row.downloadTokenEnc !== null) {
    raw.download_token = services.cipher.decrypt(row.downloadTokenEnc, inboxTokenAad(rawMeetingUuid(raw)));
  }
  const parsed = parseZoomEvent(raw);
  // The route stored only events that parsed and had an ingestor; anything else is dropped.
  if (parsed.kind !== "ok") return;
  const ingest = ingestorFor(table, parsed.event);
  if (!ingest) return;
  const outcome = await ingest(services, parsed.event, {
    receivedAt: row.receivedAt,
    requestId: row.requestId,
    raw,
  });
  outcomes.push({ event: row.event, result: outcome.result });
  logger.info(
    {
      event: row.event,
      inboxId: row.id,
      requestId: row.requestId,
      result: outcome.result,
      jobs: outcome.jobs,
    },
    "Zoom event recorded",
  );
}

/**
 * The services an ingestor sees inside a batch: its `withTransaction` joins the batch's
 * transaction, and its "wake the workers" waits until that transaction has committed.
 */
function scopedServices(
  services: DeliveryServices,
  tx: Parameters<typeof transactionScoped>[1],
  onNotify: () => void,
): DeliveryServices {
  return {
    ...services,
    db: transactionScoped(services.db, tx),
    notifier: { notify: onNotify, subscribe: (listener) => services.notifier.subscribe(listener) },
  };
}
