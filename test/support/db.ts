/**
 * Each test gets its own database: a temp SQLite file, or a fresh schema in the PostgreSQL named by
 * TEST_POSTGRES_URL when TEST_DATABASE=postgres (.ci/run runs the suite both ways). A schema is
 * dropped after the test; the URL (with search_path) also works for child processes.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SelectQueryBuilder } from "kysely";
import pg from "pg";
import { type Db, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import type { Database } from "../../src/db/schema.js";

export type TestDialect = "sqlite" | "postgres";

const env = process.env;
export const TEST_DIALECT: TestDialect = env.TEST_DATABASE === "postgres" ? "postgres" : "sqlite";
export const TEST_POSTGRES_URL = env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  db: Db;
  url: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated database URL (no connection kept open). */
export async function createTestDatabaseUrl(
  dialect: TestDialect = TEST_DIALECT,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "zoomgram-test-"));
    const url = `sqlite:${join(dir, "test.db")}`;
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `zg_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

export async function createTestDatabase(dialect: TestDialect = TEST_DIALECT): Promise<TestDatabase> {
  const { url, drop } = await createTestDatabaseUrl(dialect);
  const db = await openDatabase(url, { poolMax: 20, connectRetries: 0 });
  await migrateToLatest(db);
  return {
    db,
    url,
    cleanup: async () => {
      await db.close();
      await drop();
    },
  };
}

/** How many rows `table` holds. */
export function countRows(db: Db, table: keyof Database): Promise<number> {
  return countMatching(db.kysely.selectFrom(table));
}

/** How many rows a filtered `selectFrom` matches: `countMatching(db.selectFrom("jobs").where(…))`. */
export async function countMatching<T extends keyof Database>(
  query: SelectQueryBuilder<Database, T, object>,
): Promise<number> {
  const row = await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}
