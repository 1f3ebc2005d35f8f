/**
 * "The database is busy": another connection holds a lock for a while, as a long transaction, a
 * backup or a migration in another process would.
 *
 * - SQLite: a worker thread opens its own connection, takes the write lock (BEGIN IMMEDIATE) and
 *   sleeps with Atomics.wait before committing. It must be another thread: better-sqlite3 waits
 *   for a busy lock synchronously, so a timer in the app's thread could never release it.
 * - PostgreSQL: a separate client takes `LOCK TABLE … IN ACCESS EXCLUSIVE MODE` in a transaction,
 *   which blocks reads and writes of those tables until it commits.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { parseDatabaseUrl } from "../../src/db/database.js";

export interface HeldLock {
  /** Resolves once the lock is held. */
  readonly locked: Promise<void>;
  /** Resolves once it was released. */
  readonly released: Promise<void>;
}

const SQLITE_LOCKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 10000");
db.exec("BEGIN IMMEDIATE");
parentPort.postMessage("locked");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.ms);
db.exec("COMMIT");
db.close();
parentPort.postMessage("released");
`;

/** Holds a lock on `tables` (PostgreSQL) or the whole database (SQLite) for `ms` milliseconds. */
export function holdLock(databaseUrl: string, tables: readonly string[], ms: number): HeldLock {
  const { dialect, target } = parseDatabaseUrl(databaseUrl);
  let onLocked!: () => void;
  let onReleased!: () => void;
  let fail!: (error: unknown) => void;
  const locked = new Promise<void>((resolve, reject) => {
    onLocked = resolve;
    fail = reject;
  });
  const released = new Promise<void>((resolve, reject) => {
    onReleased = resolve;
    locked.catch(reject);
  });
  if (dialect === "sqlite") {
    const worker = new Worker(SQLITE_LOCKER, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), path: target, ms },
    });
    worker.on("message", (message) => (message === "locked" ? onLocked() : onReleased()));
    worker.on("error", fail);
  } else {
    const client = new pg.Client({ connectionString: target });
    (async () => {
      await client.connect();
      await client.query("begin");
      await client.query(`lock table ${tables.join(", ")} in access exclusive mode`);
      onLocked();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await client.query("commit");
      await client.end();
      onReleased();
    })().catch(fail);
  }
  return { locked, released };
}
