/**
 * Recordings removed in Zoom (issue #13, item 11): one row per meeting whose cloud recording the
 * user moved to Zoom's trash or deleted (`recording.trashed` / `recording.deleted`) while parts of
 * it were still on their way. It remembers what was stopped — the delivery rows and the jobs, as
 * kind and payload — so that `recording.recovered` can queue exactly those again, however long
 * the job table's retention has kept the cancelled jobs. Frozen in time: never import application
 * code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, timestamps } from "./columns.js";

export function recordingRemovals(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable("recording_removals")
        .addColumn("meeting_uuid", "text", (c) => c.primaryKey())
        .addColumn("zoom_user_id", "text", (c) => c.notNull())
        .addColumn("chat_id", big, (c) => c.notNull())
        // trashed | deleted | recovered
        .addColumn("state", "text", (c) => c.notNull())
        // JSON: the delivery ids stopped, and the jobs cancelled as [{ id, kind, payload }].
        .addColumn("stopped_deliveries", "text", (c) => c.notNull())
        .addColumn("stopped_jobs", "text", (c) => c.notNull())
        .$call(timestamps(big))
        .execute();
      await db.schema
        .createIndex("recording_removals_user")
        .on("recording_removals")
        .column("zoom_user_id")
        .execute();
    },
    async down(db) {
      await db.schema.dropTable("recording_removals").execute();
    },
  };
}
