/**
 * Runs the migrations (at start-up and with `zoomgram migrate`). The list is static so it works
 * the same from TypeScript sources and compiled JavaScript; names sort by timestamp.
 */
import { type Migration, type MigrationResultSet, Migrator, sql } from "kysely";
import type { Db, Dialect } from "./database.js";
import { initial } from "./migrations/2026_11_25_000001_initial.js";
import { securityReview } from "./migrations/2026_12_06_130001_security_review.js";
import { webhookInbox } from "./migrations/2026_12_06_140001_webhook_inbox.js";
import { chatSettings } from "./migrations/2026_12_06_160001_chat_settings.js";
import { backfill } from "./migrations/2026_12_06_170001_backfill.js";
import { meetingTrash } from "./migrations/2026_12_06_170002_meeting_trash.js";
import { speechTranscript } from "./migrations/2026_12_06_180001_speech_transcript.js";
import { recordingRemovals } from "./migrations/2026_12_07_50001_recording_removals.js";

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    "2026_11_25_000001_initial": initial(dialect),
    "2026_12_06_130001_security_review": securityReview(dialect),
    "2026_12_06_140001_webhook_inbox": webhookInbox(dialect),
    "2026_12_06_160001_chat_settings": chatSettings(dialect),
    "2026_12_06_180001_speech_transcript": speechTranscript(dialect),
    "2026_12_06_170001_backfill": backfill(dialect),
    "2026_12_06_170002_meeting_trash": meetingTrash(dialect),
    "2026_12_07_50001_recording_removals": recordingRemovals(dialect),
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

/**
 * Kysely's introspection reads the catalog of EVERY schema in the database (has_schema_privilege,
 * pg_get_serial_sequence), so a schema or table dropped meanwhile by someone else — another
 * deployment, a parallel test — fails it with "schema/relation/column … does not exist" before any
 * migration ran. Such a failure is worth repeating; migrations themselves run in a transaction.
 */
const VANISHED_OBJECT_CODES = new Set(["3F000", "42P01", "42703"]);
const ATTEMPTS = 10;

function isVanishedSchema(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && VANISHED_OBJECT_CODES.has(code)) return true;
  return (
    code === "XX000" &&
    typeof message === "string" &&
    /cache lookup failed|could not open relation/.test(message)
  );
}

export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  let result: MigrationResultSet;
  for (let attempt = 1; ; attempt++) {
    result = await (await migrator(db)).migrateToLatest();
    if (!(result.error && isVanishedSchema(result.error) && attempt < ATTEMPTS)) break;
  }
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
  let all: Awaited<ReturnType<Migrator["getMigrations"]>>;
  for (let attempt = 1; ; attempt++) {
    try {
      all = await (await migrator(db)).getMigrations();
      break;
    } catch (error) {
      if (!isVanishedSchema(error) || attempt >= ATTEMPTS) throw error;
    }
  }
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
