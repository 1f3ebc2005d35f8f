/**
 * A worker whose database connections are cut while a job runs keeps that job safe: the outcome
 * write is retried on a fresh connection instead of being lost. Always runs against PostgreSQL,
 * where connections can be killed from outside (pg_terminate_backend).
 */
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { enqueueJob, getJob } from "../../src/jobs/queue.js";
import { Worker } from "../../src/jobs/worker.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from "../support/db.js";

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.cleanup();
});

it("completes a job whose connections were terminated while it ran", async () => {
  t = await createTestDatabase("postgres");
  const url = new URL(t.url);
  url.searchParams.set("application_name", "zg_db_loss");
  const db = await openDatabase(url.toString(), { poolMax: 2 });
  const clock = new ManualClock();
  const id = await enqueueJob(db.kysely, { kind: "test", payload: {} }, clock.now());
  let release!: () => void;
  let started!: () => void;
  const running = new Promise<void>((r) => {
    started = r;
  });
  const worker = new Worker({
    db,
    clock,
    logger: silentLogger(),
    persistRetryDelaysMs: [10, 20, 40, 80, 160],
    handlers: {
      test: {
        run: () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      },
    },
  });
  const drained = worker.drain();
  await running;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const killed = await admin.query(
    "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'zg_db_loss'",
  );
  await admin.end();
  expect(killed.rowCount).toBeGreaterThan(0);
  release();
  expect(await drained).toBe(1);
  expect((await getJob(t.db.kysely, id!))?.state).toBe("completed");
  await db.close();
});
