/**
 * The database's clock, for leases (issue #13, item 4). A lease written by one process and judged
 * by another must be judged by one clock: each process's own clock may run ahead (a worker whose
 * clock is 60 s fast would take over every live lease) or behind (it would hold a dead one). So
 * a lease's expiry is written as "database now + ttl" and compared with "database now", both
 * inside the statement; the processes' clocks never enter it.
 *
 * The two dialects' time functions differ; this is the one place that knows both. Everything else
 * uses {@link dbNowMs} inside its Kysely query.
 */
import { randomUUID } from "node:crypto";
import { PostgresAdapter, type RawBuilder, sql } from "kysely";
import type { Executor } from "./database.js";

/**
 * Milliseconds since the Unix epoch by the database's clock, as an SQL expression. PostgreSQL:
 * `statement_timestamp()` (the same value for every row of the statement, unlike
 * `clock_timestamp()`; unlike `now()` it moves on inside a long transaction). SQLite: `'now'`,
 * which SQLite keeps stable within one statement, with subsecond precision (SQLite ≥ 3.42).
 */
export function dbNowMs(db: Executor): RawBuilder<number> {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? sql<number>`cast(floor(extract(epoch from statement_timestamp()) * 1000) as bigint)`
    : sql<number>`cast(unixepoch('subsec') * 1000 as integer)`;
}

/**
 * A fencing token: a fresh one per lease taken, so a writer whose lease was taken over (its
 * token replaced) finds its conditional writes refused.
 */
export function newFencingToken(): string {
  return randomUUID();
}
