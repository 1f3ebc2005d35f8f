/**
 * A worker in its own process for the queue tests: `drain` runs every job once, recording each run
 * in job_runs; `hang` claims one job and never finishes (the test SIGKILLs it). `leaseMs` (default
 * 5 s, which the SIGKILL test's clock relies on) is how long a claim holds without a heartbeat: a
 * process the scheduler does not run for longer than that (a loaded machine) loses its jobs to the
 * others and runs them a second time, so the exactly-once drain test passes a long one.
 */
import { sql } from "kysely";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { Worker } from "../../src/jobs/worker.js";
import { silentLogger } from "../../src/observability/logger.js";

const [url, mode, concurrency, leaseMs] = process.argv.slice(2);
if (!url || !mode) throw new Error("usage: queue-worker-child URL drain|hang [concurrency] [leaseMs]");

const db = await openDatabase(url, { poolMax: 8, connectRetries: 3 });
const worker = new Worker({
  db,
  clock: systemClock,
  logger: silentLogger(),
  concurrency: Number(concurrency ?? 4),
  leaseMs: Number(leaseMs ?? 5_000),
  handlers: {
    test: {
      async run(payload: { n: number }, ctx) {
        if (mode === "hang") {
          process.stdout.write(`claimed ${ctx.job.id}\n`);
          await new Promise(() => {});
        }
        await sql`insert into job_runs (job_id, worker) values (${ctx.job.id}, ${worker.workerId})`.execute(
          db.kysely,
        );
        void payload;
        return undefined;
      },
    },
  },
});
const ran = await worker.drain();
process.stdout.write(`ran ${ran}\n`);
await db.close();
