/**
 * Cross-process wake-up: always runs against PostgreSQL (CI has it on both passes), because
 * LISTEN/NOTIFY is a PostgreSQL feature; on SQLite everything is in one process or polls.
 */
import { afterEach, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { createPgJobNotifier, type PgJobNotifier } from "../../src/jobs/pg-notifier.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let t: TestDatabase | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await t?.cleanup();
});

it("a NOTIFY from one process's notifier wakes the listeners of another", async () => {
  t = await createTestDatabase("postgres");
  const otherDb = await openDatabase(t.url);
  closers.push(() => otherDb.close());
  const sender: PgJobNotifier = createPgJobNotifier(t.db, t.url, silentLogger());
  const receiver: PgJobNotifier = createPgJobNotifier(otherDb, t.url, silentLogger());
  closers.push(
    () => sender.close(),
    () => receiver.close(),
  );
  let woke = 0;
  let resolveWoken!: () => void;
  const woken = new Promise<void>((r) => {
    resolveWoken = r;
  });
  receiver.subscribe(() => {
    woke++;
    if (woke >= 2) resolveWoken();
  });
  await receiver.listen(); // listen() itself wakes once (jobs may have arrived meanwhile)
  expect(woke).toBe(1);
  sender.notify();
  await woken;
  expect(woke).toBe(2);
});
