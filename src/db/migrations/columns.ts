/**
 * What the migrations share: the 64-bit integer type, a table that starts with its auto-increment
 * `id`, and the `created_at`/`updated_at` pair. Frozen in time like the migrations themselves: a
 * change here changes every migration that already ran, so add to it, never alter it.
 */
import type { CreateTableBuilder, Kysely } from "kysely";
import type { Dialect } from "../database.js";

export type BigIntType = "bigint" | "integer";

/** Integer columns that hold milliseconds or Telegram ids are 64-bit on both dialects (SQLite's INTEGER already is). */
export function bigIntType(dialect: Dialect): BigIntType {
  return dialect === "postgres" ? "bigint" : "integer";
}

/** A new table whose first column, `id`, is its auto-incremented 64-bit primary key. */
// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export function createTableWithId(db: Kysely<any>, dialect: Dialect, table: string) {
  return dialect === "postgres"
    ? db.schema.createTable(table).addColumn("id", "bigserial", (c) => c.primaryKey())
    : db.schema.createTable(table).addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/** `created_at` and `updated_at` (milliseconds, required), for `.$call(timestamps(big))`. */
export function timestamps(big: BigIntType) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    table.addColumn("created_at", big, (c) => c.notNull()).addColumn("updated_at", big, (c) => c.notNull());
}
