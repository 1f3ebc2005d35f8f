/**
 * Runs the migrations (at start-up and with `zoomgram migrate`). The list is static so it works
 * the same from TypeScript sources and compiled JavaScript; names sort by timestamp.
 */
import { type Migration, type MigrationResultSet, Migrator, sql } from "kysely";
import type { Db, Dialect } from "./database.js";
import { initial } from "./migrations/2026_11_25_000001_initial.js";

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    "2026_11_25_000001_initial": initial(dialect),
  };
}

async function migrator(db: Db): Promise<Migrator> {
  // Unless told the schema, Kysely looks for its migration tables in every schema it can see: with
  // a second deployment (or parallel test schemas) in the same PostgreSQL database it finds the
  // other's lock table, skips creating its own, and fails ("kysely_migration_lock" does not exist).
  const schema =
    db.dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrationsFor(db.dialect) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const result: MigrationResultSet = await (await migrator(db)).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`migration ${failed} failed`, { cause: result.error });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName),
  };
}

/** Names of migrations known to the code but not yet applied; empty when the schema is current. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await (await migrator(db)).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
