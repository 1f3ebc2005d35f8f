/**
 * Opens the database named by DATABASE_URL: `sqlite:PATH` (embedded default, better-sqlite3) or
 * `postgres://…` (pg). Everything above this file sees one `Kysely<Database>` and one
 * `withTransaction`, whichever dialect is underneath.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql, type Transaction } from "kysely";
import { AppError } from "../errors.js";
import type { Database } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** Resolved file path (SQLite) or the URL without its password (PostgreSQL), for logs. */
  readonly description: string;
  /** True for {@link transactionScoped}: `withTransaction` joins the open transaction. */
  readonly inTransaction?: boolean;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  poolMax?: number;
  statementTimeoutMs?: number;
  /** How many times to retry the first connection before giving up (PostgreSQL). */
  connectRetries?: number;
  /** Waits between connection attempts; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  onConnectRetry?: (attempt: number, error: unknown) => void;
  /** SQLite: how long a statement waits for another connection's lock (default 10 s). */
  busyTimeoutMs?: number;
}

export function parseDatabaseUrl(url: string): { dialect: Dialect; target: string } {
  if (url.startsWith("sqlite:")) {
    const target = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    return { dialect: "sqlite", target: target === ":memory:" ? target : resolve(target) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgres", target: url };
  throw new AppError("config.invalid", "DATABASE_URL must be sqlite:PATH or postgres://…");
}

export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<Db> {
  const { dialect, target } = parseDatabaseUrl(url);
  return dialect === "sqlite" ? openSqlite(target, options) : openPostgres(target, options);
}

// Each driver is loaded only by the dialect that uses it: a SQLite process never loads pg, and a
// PostgreSQL one never loads the native better-sqlite3 addon (memory, start-up).

async function openSqlite(path: string, options: OpenDatabaseOptions): Promise<Db> {
  const { default: SqliteDatabase } = await import("better-sqlite3");
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const database = new SqliteDatabase(path);
  // WAL lets readers run beside the single writer; synchronous=FULL makes a COMMIT durable
  // before we answer a webhook 2xx; busy_timeout makes concurrent processes wait, not fail.
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
  database.pragma("foreign_keys = ON");
  const kysely = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingStatements(database) }),
  });
  return {
    kysely,
    dialect: "sqlite",
    description: path,
    close: () => kysely.destroy(),
  };
}

/** Prepared statements kept per SQLite connection (a job's or an event's queries repeat). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * `database` as Kysely's SQLite driver sees it, with its prepared statements reused: Kysely asks
 * better-sqlite3 to prepare every query it runs, and preparing costs about as much as running a
 * small indexed query again. The same SQL text gets the same statement while it is not busy (a
 * statement being iterated cannot run twice at once); the least recently used go first.
 */
function cachingStatements(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      return statement;
    },
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Db> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    // Millisecond timestamps and ids are int8: parse them as numbers (exact below 2^53) so both
    // dialects hand the same JavaScript types to the code above.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => (v === null ? v : Number(v));
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process: the pool drops it and the next
  // query opens a new connection.
  pool.on("error", () => {});
  const retries = options.connectRetries ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const client = await pool.connect();
      client.release();
      break;
    } catch (error) {
      if (attempt >= retries) {
        await pool.end().catch(() => {});
        throw new AppError("db.unavailable", `PostgreSQL did not answer after ${attempt + 1} attempts`, {
          cause: error,
        });
      }
      options.onConnectRetry?.(attempt + 1, error);
      await sleep(Math.min(30_000, 250 * 2 ** attempt));
    }
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  safe.password = "";
  return {
    kysely,
    dialect: "postgres",
    description: safe.toString(),
    close: () => kysely.destroy(),
  };
}

export type Executor = Kysely<Database> | Transaction<Database>;

/**
 * Runs fn in a transaction. On SQLite the transaction starts IMMEDIATE (takes the write lock up
 * front), so two processes never deadlock upgrading a read lock; busy_timeout queues them.
 */
export async function withTransaction<T>(db: Db, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.inTransaction) return fn(db.kysely);
  if (db.dialect === "postgres") return db.kysely.transaction().execute(fn);
  return db.kysely.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw error;
    }
  });
}

/**
 * A `Db` bound to an open transaction: code written as "one `withTransaction` per unit of work"
 * (the webhook ingestors) runs inside a caller's larger transaction instead, so many units share
 * one commit (the inbox processor). Its commit and rollback belong to whoever opened it.
 */
export function transactionScoped(db: Db, tx: Kysely<Database>): Db {
  return {
    kysely: tx,
    dialect: db.dialect,
    description: db.description,
    inTransaction: true,
    close: () => Promise.reject(new Error("a transaction-scoped Db is closed by its owner")),
  };
}

/** SQLite: the connection's busy_timeout in ms (what a thread sharing the file should use too). */
export async function sqliteBusyTimeout(db: Db): Promise<number> {
  const { rows } = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db.kysely);
  return Number(rows[0]?.timeout ?? 10_000);
}

/** True when the database answers a trivial query. */
export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db.kysely);
    return true;
  } catch {
    return false;
  }
}
