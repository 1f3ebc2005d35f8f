/**
 * Long polling held by exactly one process through a database lease: Telegram allows one
 * getUpdates consumer per bot (409 otherwise). The holder renews the lease every few seconds; when
 * it dies, another web process takes the lease once it expires and starts polling.
 */
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { describeError } from "../errors.js";
import { acquireLease, releaseLease } from "../leases/lease.js";
import type { BotContext } from "./context.js";

export const POLLING_LEASE = "telegram:polling";

export interface PollingHolder {
  start(): void;
  stop(): Promise<void>;
  /** Whether this process is polling right now. */
  isPolling(): boolean;
  /** One lease check (the timer calls it; tests may too). */
  tick(): Promise<void>;
}

export function createPollingHolder(opts: {
  bot: Bot<BotContext>;
  db: Db;
  clock: Clock;
  logger: Logger;
  holder: string;
  leaseMs?: number;
  renewMs?: number;
}): PollingHolder {
  const leaseMs = opts.leaseMs ?? 20_000;
  const renewMs = opts.renewMs ?? 5_000;
  let handle: RunnerHandle | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // bot.init() retries getMe until it succeeds; stop() must be able to cut that short.
  const initAbort = new AbortController();
  let ticking: Promise<void> = Promise.resolve();

  // Updates of one chat are handled in order; different chats concurrently.
  opts.bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));

  async function tick(): Promise<void> {
    if (stopped) return;
    let held = false;
    try {
      held = await acquireLease(opts.db.kysely, POLLING_LEASE, opts.holder, leaseMs, opts.clock.now());
    } catch (error) {
      opts.logger.warn({ err: describeError(error) }, "polling lease check failed");
    }
    if (held && !handle) {
      await opts.bot.init(initAbort.signal as Parameters<typeof opts.bot.init>[0]);
      handle = run(opts.bot, {
        runner: { fetch: { allowed_updates: ["message", "callback_query", "my_chat_member"] } },
      });
      opts.logger.info("this process now polls Telegram");
      handle
        .task()
        ?.catch((error) => opts.logger.error({ err: describeError(error) }, "polling stopped with an error"));
    } else if (!held && handle) {
      opts.logger.warn("polling lease lost; stopping polling");
      const h = handle;
      handle = undefined;
      await stopRunner(h);
    }
  }

  return {
    start() {
      const fire = () => {
        ticking = ticking
          .then(tick)
          .catch((error) => opts.logger.error({ err: describeError(error) }, "polling tick failed"));
      };
      timer = setInterval(fire, renewMs);
      fire();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      initAbort.abort();
      await ticking;
      if (handle) {
        const h = handle;
        handle = undefined;
        await stopRunner(h);
        await releaseLease(opts.db.kysely, POLLING_LEASE, opts.holder).catch(() => {});
      }
    },
    isPolling: () => handle !== undefined,
    tick: () => tick(),
  };
}

/** Stops a runner; the runner answers stop() with nothing when it had already ended (e.g. a 409). */
async function stopRunner(handle: RunnerHandle): Promise<void> {
  try {
    await handle.stop();
  } catch {
    // Already stopped or failed: either way it no longer polls.
  }
}
