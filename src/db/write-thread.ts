/**
 * Writes to SQLite from a worker thread. better-sqlite3 is synchronous: a COMMIT with
 * `synchronous=FULL` holds the event loop for the whole fsync, and while it does the process reads
 * no requests, so a group commit (src/db/group-commit.ts) finds few items waiting for the next
 * batch. A thread that owns its own connection to the same file takes the commit off the event
 * loop: requests keep being read, verified and queued while the disk works, and the next batch
 * carries all of them. The thread runs the very query functions the main thread would (one query
 * code path), named by an entry module that calls {@link serveWriteThread}.
 *
 * Only a file database can be shared with a thread; callers keep writing in-process for
 * `sqlite::memory:` and for PostgreSQL, whose driver never blocks the event loop.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { parentPort, Worker, workerData } from "node:worker_threads";
import type { Kysely } from "kysely";
import { AppError } from "../errors.js";
import { type Db, openDatabase, sqliteBusyTimeout } from "./database.js";
import type { Database } from "./schema.js";

export type WriteHandlers = Record<string, (db: Kysely<Database>, input: never) => Promise<unknown>>;

export interface WriteThread {
  /** Runs handler `op` of the entry module in the thread; settles once its statement returned. */
  call<R>(op: string, input: unknown): Promise<R>;
  /** Starts the thread now, if it is not running, without a call. */
  start(): void;
  /** True once the thread has opened its connection and serves calls at once. */
  readonly ready: boolean;
  /** Lets the calls in flight finish, then stops the thread and closes its connection. */
  close(): Promise<void>;
}

interface Request {
  id: number;
  op: string;
  input: unknown;
}
/** The reply id the thread sends once, unasked, when its connection is open (calls count from 1). */
const READY_ID = 0;
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

/**
 * The module `name` beside `moduleUrl` (the caller's `import.meta.url`), as the running code is:
 * compiled `.js` in production, `.ts` under tsx or vitest (then the thread loads tsx too).
 */
export function threadEntry(moduleUrl: string, name: string): ThreadEntry {
  const ext = extname(fileURLToPath(moduleUrl));
  return { url: new URL(`./${name}${ext}`, moduleUrl), typescript: ext === ".ts" };
}

export interface ThreadEntry {
  url: URL;
  /** A `.ts` module, loaded through tsx's API (development and tests only). */
  typescript: boolean;
}

/** True when `db` is a SQLite file a thread can open too (not `:memory:`, not PostgreSQL). */
export function canWriteFromThread(db: Db): boolean {
  return db.dialect === "sqlite" && db.description !== ":memory:" && !db.inTransaction;
}

interface ThreadData {
  databasePath: string;
  busyTimeoutMs: number;
}

/**
 * Starts the thread on the first call (a process that never writes this way never pays for it),
 * on `db`'s file with `db`'s busy_timeout as it is then.
 */
export function createWriteThread(entry: ThreadEntry, db: Db): WriteThread {
  let current: Promise<Running> | undefined;
  let nextId = 0;

  const start = async (onExit: () => void): Promise<Running> => {
    const workerData: ThreadData = {
      databasePath: db.description,
      busyTimeoutMs: await sqliteBusyTimeout(db),
    };
    const running: Running = { worker: spawn(entry, workerData), ready: false, pending: new Map() };
    const { worker: w, pending } = running;
    // Each thread answers and fails only its own calls: one that exits after a successor started
    // (close, then a new call) leaves the successor alone.
    const failAll = (error: unknown) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    };
    w.unref();
    w.on("message", (reply: Reply) => {
      if (reply.id === READY_ID) {
        running.ready = true;
        return;
      }
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new AppError("db.write_failed", reply.message));
    });
    w.on("error", (error) => failAll(error));
    w.on("exit", (code) => {
      onExit();
      failAll(new AppError("db.write_failed", `database write thread exited (${code})`));
    });
    return running;
  };
  let started: Running | undefined;
  const launch = (): Promise<Running> => {
    const launched: Promise<Running> = start(() => {
      if (current === launched) {
        current = undefined;
        started = undefined;
      }
    });
    launched.then(
      (running) => {
        if (current === launched) started = running;
      },
      () => {},
    );
    return launched;
  };

  return {
    start() {
      current ??= launch();
      current.catch(() => {}); // a failed start surfaces on the next call
    },
    get ready() {
      return started?.ready === true;
    },
    async call<R>(op: string, input: unknown): Promise<R> {
      current ??= launch();
      const { worker: w, pending } = await current;
      const id = ++nextId;
      // Referenced only while a call is out, so an idle thread never keeps the process alive.
      if (pending.size === 0) w.ref();
      return new Promise<R>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        w.postMessage({ id, op, input } satisfies Request);
      });
    },
    async close() {
      const starting = current;
      current = undefined;
      started = undefined;
      const w = (await starting?.catch(() => undefined))?.worker;
      if (!w) return;
      // The thread answers in order: calls already sent finish before it closes.
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      w.ref();
      w.postMessage({ id: 0, op: "close", input: null } satisfies Request);
      await exited;
    },
  };
}

interface Running {
  worker: Worker;
  /** The thread said its connection is open. */
  ready: boolean;
  pending: Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>;
}

/**
 * A compiled .js entry is the thread's main module. A .ts one (tsx, vitest) is imported through
 * tsx's API from a one-line script: a thread does not inherit the parent's module hooks.
 */
function spawn(entry: ThreadEntry, workerData: ThreadData): Worker {
  if (!entry.typescript) return new Worker(entry.url, { workerData });
  const href = JSON.stringify(entry.url.href);
  return new Worker(`import("tsx/esm/api").then((tsx) => tsx.tsImport(${href}, ${href}))`, {
    eval: true,
    workerData,
  });
}

/**
 * The thread's side, called by an entry module with its handlers: opens the database with the
 * same pragmas as the main thread (WAL, synchronous=FULL, busy_timeout) and answers each call in
 * order, one at a time (SQLite has one writer).
 */
export async function serveWriteThread(handlers: WriteHandlers): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("serveWriteThread runs only inside a worker thread");
  const data = workerData as ThreadData;
  const db = await openDatabase(`sqlite:${data.databasePath}`, { busyTimeoutMs: data.busyTimeoutMs });
  port.postMessage({ id: READY_ID, ok: true, result: null } satisfies Reply);
  let queue = Promise.resolve();
  port.on("message", (request: Request) => {
    queue = queue.then(async () => {
      if (request.op === "close") {
        await db.close();
        process.exit(0);
      }
      const handler = handlers[request.op];
      try {
        if (!handler) throw new Error(`no write handler "${request.op}"`);
        const result = await handler(db.kysely, request.input as never);
        port.postMessage({ id: request.id, ok: true, result } satisfies Reply);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        port.postMessage({ id: request.id, ok: false, message } satisfies Reply);
      }
    });
  });
}
