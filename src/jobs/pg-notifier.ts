/**
 * Cross-process wake-up on PostgreSQL: notify() also sends NOTIFY on a channel every worker
 * process LISTENs to, so a job enqueued by a `web` process starts on a `worker` machine within
 * milliseconds. Polling stays as the fallback (a lost notification only delays a job to the next
 * poll). The listening connection reconnects by itself when the database goes away.
 */
import { sql } from "kysely";
import type pg from "pg";
import type { Logger } from "pino";
import type { Db } from "../db/database.js";
import { describeError } from "../errors.js";
import { ANY_TOPIC, createJobNotifier, JOBS_TOPIC, type JobNotifier } from "./notifier.js";

export const JOBS_CHANNEL = "zoomgram_jobs";

export interface PgJobNotifier extends JobNotifier {
  /** Starts listening (worker processes). */
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function createPgJobNotifier(db: Db, url: string, logger: Logger): PgJobNotifier {
  const local = createJobNotifier();
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    if (closed) return;
    // Loaded here, not at the top: this module is imported by every process, pg only used on PostgreSQL.
    const { default: pgModule } = await import("pg");
    const c = new pgModule.Client({ connectionString: url });
    c.on("notification", (message) => local.notify(message.payload || JOBS_TOPIC));
    c.on("error", (error) => {
      logger.warn({ err: describeError(error) }, "job notification connection lost; reconnecting");
      scheduleReconnect();
    });
    c.on("end", () => scheduleReconnect());
    try {
      await c.connect();
      await c.query(`LISTEN ${JOBS_CHANNEL}`);
      client = c;
      // Work may have been committed while we were not listening: wake every listener.
      local.notify(ANY_TOPIC);
    } catch (error) {
      await c.end().catch(() => {});
      logger.warn({ err: describeError(error) }, "cannot listen for job notifications yet");
      scheduleReconnect();
    }
  }

  function scheduleReconnect(): void {
    client = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 1_000);
  }

  return {
    notify(topic = JOBS_TOPIC) {
      local.notify(topic);
      sql`select pg_notify(${JOBS_CHANNEL}, ${topic})`
        .execute(db.kysely)
        .catch((error) => logger.warn({ err: describeError(error) }, "NOTIFY failed; workers will poll"));
    },
    subscribe: (listener) => local.subscribe(listener),
    listen: () => connect(),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
