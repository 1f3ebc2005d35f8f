/**
 * Periodic work that must run once across the fleet (media sweep, missed-webhook sweep): every
 * process ticks, but only the holder of the task's lease runs it.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { describeError } from "../errors.js";
import { acquireLease } from "./lease.js";

export interface PeriodicTask {
  name: string;
  intervalMs: number;
  run(signal: AbortSignal): Promise<void>;
}

export interface PeriodicRunner {
  start(): void;
  stop(): Promise<void>;
  /** Runs every task once now if this process can take its lease (tests, CLI). */
  runOnce(): Promise<string[]>;
}

export function createPeriodicRunner(opts: {
  db: Db;
  clock: Clock;
  logger: Logger;
  holder: string;
  tasks: readonly PeriodicTask[];
}): PeriodicRunner {
  const timers: NodeJS.Timeout[] = [];
  const controller = new AbortController();
  const running = new Set<Promise<unknown>>();

  async function tick(task: PeriodicTask): Promise<boolean> {
    const leaseName = `periodic:${task.name}`;
    // Hold the lease for the whole interval so no other process runs the task in between.
    const held = await acquireLease(
      opts.db.kysely,
      leaseName,
      opts.holder,
      task.intervalMs,
      opts.clock.now(),
    );
    if (!held) return false;
    await task.run(controller.signal);
    return true;
  }

  return {
    start() {
      for (const task of opts.tasks) {
        const fire = () => {
          const p = tick(task)
            .catch((error) =>
              opts.logger.warn({ task: task.name, err: describeError(error) }, "periodic task failed"),
            )
            .finally(() => running.delete(p));
          running.add(p);
        };
        timers.push(setInterval(fire, task.intervalMs));
        fire();
      }
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      controller.abort();
      await Promise.allSettled([...running]);
    },
    async runOnce() {
      const ran: string[] = [];
      for (const task of opts.tasks) if (await tick(task)) ran.push(task.name);
      return ran;
    },
  };
}
