/**
 * A worker in its own process for the queue tests: `drain` runs every job once, recording each run
 * in job_runs; `hang` claims one job and never finishes (the test SIGKILLs it).
 */
import { sql } from "kysely";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { Worker } from "../../src/jobs/worker.js";
import { silentLogger } from "../../src/observability/logger.js";

const [url, mode, concurrency] = process.argv.slice(2);
if (!url || !mode) throw new Error("usage: queue-worker-child URL drain|hang [concurrency]");

const db = await openDatabase(url, { poolMax: 8, connectRetries: 3 });
const worker = new Worker({
  db,
  clock: systemClock,
  logger: silentLogger(),
  concurrency: Number(concurrency ?? 4),
  leaseMs: 5_000,
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
