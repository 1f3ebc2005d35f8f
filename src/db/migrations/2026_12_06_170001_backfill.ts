/**
 * /import (issue 15): one row per import a chat asked for, with the cursor that lets its job carry
 * on after a crash (which Zoom user, which one-month window, which page token), and one row per
 * meeting the import found. Frozen in time: never import application code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, createTableWithId, timestamps } from "./columns.js";

export function backfill(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    async up(db) {
      await createTableWithId(db, dialect, "backfill_runs")
        .addColumn("chat_id", big, (c) => c.notNull())
        // The chat id while the run is unfinished, NULL after: at most one unfinished run per chat.
        .addColumn("active_chat_id", big, (c) => c.unique())
        .addColumn("requested_by", big, (c) => c.notNull())
        .addColumn("locale", "text", (c) => c.notNull())
        .addColumn("from_day", "text", (c) => c.notNull())
        .addColumn("to_day", "text", (c) => c.notNull())
        .addColumn("zoom_user_ids", "text", (c) => c.notNull())
        .addColumn("user_index", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("window_from", "text", (c) => c.notNull())
        .addColumn("page_token", "text")
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("progress_message_id", big)
        .addColumn("last_text", "text")
        .addColumn("last_error", "text")
        .$call(timestamps(big))
        .addColumn("finished_at", big)
        .execute();
      await db.schema.createIndex("backfill_runs_chat").on("backfill_runs").column("chat_id").execute();

      await createTableWithId(db, dialect, "backfill_items")
        .addColumn("run_id", big, (c) => c.notNull())
        .addColumn("meeting_uuid", "text", (c) => c.notNull())
        .addColumn("zoom_user_id", "text", (c) => c.notNull())
        .addColumn("start_time", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .$call(timestamps(big))
        .addUniqueConstraint("backfill_items_run_meeting", ["run_id", "meeting_uuid"])
        .execute();
      await db.schema
        .createIndex("backfill_items_run_state")
        .on("backfill_items")
        .columns(["run_id", "state", "start_time"])
        .execute();
    },
    async down(db) {
      await db.schema.dropTable("backfill_items").execute();
      await db.schema.dropTable("backfill_runs").execute();
    },
  };
}
