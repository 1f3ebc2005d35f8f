/**
 * Runs the migrations (at start-up and with `zoomgram migrate`). The list is static so it works
 * the same from TypeScript sources and compiled JavaScript; names sort by timestamp.
 */
import { type Migration, type MigrationResultSet, Migrator } from "kysely";
import type { Db, Dialect } from "./database.js";
import { initial } from "./migrations/2026_11_25_000001_initial.js";

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    "2026_11_25_000001_initial": initial(dialect),
  };
}

function migrator(db: Db): Migrator {
  return new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrationsFor(db.dialect) },
  });
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const result: MigrationResultSet = await migrator(db).migrateToLatest();
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
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
