/**
 * The SQLite write thread (src/db/write-thread.ts) through the inbox's own entry module: appends
 * land in the file and are visible to the main connection when the call settles, errors come back
 * as rejections, and a thread that died is replaced by the next call.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import {
  canWriteFromThread,
  createWriteThread,
  threadEntry,
  type WriteThread,
} from "../../src/db/write-thread.js";
import type { InboxEventInput } from "../../src/delivery/inbox.repository.js";
import { createInboxWriter } from "../../src/delivery/inbox-writer.js";
import { createJobNotifier } from "../../src/jobs/notifier.js";
import { createMetrics } from "../../src/observability/metrics.js";
import type { Services } from "../../src/services.js";
import { countRows } from "../support/db.js";

const entry = threadEntry(
  new URL("../../src/delivery/inbox-writer.ts", import.meta.url).href,
  "inbox-append.thread",
);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fileDb(): Promise<Db> {
  const dir = mkdtempSync(join(tmpdir(), "zoomgram-thread-"));
  const db = await openDatabase(`sqlite:${join(dir, "t.db")}`);
  await migrateToLatest(db);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => db.close());
  return db;
}

function thread(db: Db): WriteThread {
  const t = createWriteThread(entry, db);
  cleanups.push(() => t.close());
  return t;
}

const event = (n: number): InboxEventInput => ({
  receivedAt: 1_000 + n,
  event: "recording.completed",
  requestId: `r${n}`,
  payload: JSON.stringify({ n }),
  downloadTokenEnc: null,
});

describe("SQLite write thread", () => {
  it("only a SQLite file is written from a thread", async () => {
    expect(canWriteFromThread(await fileDb())).toBe(true);
    const memory = await openDatabase("sqlite::memory:");
    cleanups.push(() => memory.close());
    expect(canWriteFromThread(memory)).toBe(false);
  });

  it("appends in the thread; the rows are visible to the main connection once the call settled", async () => {
    const db = await fileDb();
    const t = thread(db);
    const ids = await t.call<number[]>("append", [event(1), event(2), event(3)]);
    expect(ids).toHaveLength(3);
    const rows = await db.kysely
      .selectFrom("webhook_inbox")
      .select(["id", "request_id"])
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [Number(r.id), r.request_id])).toEqual([
      [ids[0], "r1"],
      [ids[1], "r2"],
      [ids[2], "r3"],
    ]);
  });

  it("a failing statement rejects its call with the database's reason, and the thread keeps serving", async () => {
    const db = await fileDb();
    const t = thread(db);
    const bad = { ...event(1), event: null as unknown as string };
    await expect(t.call("append", [bad])).rejects.toThrow(/NOT NULL/i);
    await expect(t.call("no-such-op", [])).rejects.toThrow(/no write handler "no-such-op"/);
    await expect(t.call<number[]>("append", [event(2)])).resolves.toHaveLength(1);
  });

  it("takes the main connection's busy_timeout: a lock held longer fails the append instead of waiting 10 s", async () => {
    const db = await fileDb();
    await sql.raw("pragma busy_timeout = 50").execute(db.kysely);
    const t = thread(db);
    const holder = await openDatabase(`sqlite:${db.description}`);
    cleanups.push(() => holder.close());
    await holder.kysely.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      await expect(t.call("append", [event(1)])).rejects.toThrow(/locked|busy/i);
      await sql`rollback`.execute(conn);
    });
    await expect(t.call<number[]>("append", [event(2)])).resolves.toHaveLength(1);
  });

  it("start() opens the thread without a call; it is ready once its connection is open", async () => {
    const t = thread(await fileDb());
    expect(t.ready).toBe(false);
    t.start();
    expect(t.ready).toBe(false);
    await expect.poll(() => t.ready, { timeout: 10_000 }).toBe(true);
    expect(await t.call<number[]>("append", [event(1)])).toHaveLength(1);
    await t.close();
    expect(t.ready).toBe(false);
  });

  it("close lets calls already sent finish; the next call starts a new thread", async () => {
    const db = await fileDb();
    const t = thread(db);
    const sent = t.call<number[]>("append", [event(1)]);
    await t.close();
    await expect(sent).resolves.toHaveLength(1);
    await expect(t.call<number[]>("append", [event(2)])).resolves.toHaveLength(1);
    expect(await countRows(db, "webhook_inbox")).toBe(2);
  });

  it("a call made while the previous thread is still closing goes to a new thread and is not failed by the old one's exit", async () => {
    const db = await fileDb();
    const t = thread(db);
    await t.call<number[]>("append", [event(1)]);
    const closing = t.close();
    const during = t.call<number[]>("append", [event(2)]);
    await closing;
    await expect(during).resolves.toHaveLength(1);
  });
});

describe("inbox writer on a SQLite file", () => {
  it("starts its write thread with the first append, commits on the main connection until the thread is ready, then in the thread", async () => {
    const db = await fileDb();
    const writer = createInboxWriter({
      db,
      notifier: createJobNotifier(),
      metrics: createMetrics(),
      config: { database: { writeThread: true } } as Services["config"],
    });
    cleanups.push(() => writer.close());
    // The first webhook does not wait for a thread to boot: its batch commits on the main connection.
    await writer.submit(event(1));
    expect(writer.threadCommits).toBe(0);
    await expect.poll(() => writer.threadReady, { timeout: 10_000 }).toBe(true);
    await writer.submit(event(2));
    expect(writer.threadCommits).toBe(1);
    const rows = await db.kysely.selectFrom("webhook_inbox").select("request_id").orderBy("id").execute();
    expect(rows.map((r) => r.request_id)).toEqual(["r1", "r2"]);
  });
});
