/**
 * Trash after delivery (issue 15): one row per meeting whose cloud recording we moved to Zoom's
 * trash, or tried to. The meeting uuid is the key, so a meeting is trashed at most once, whichever
 * process gets there first. Frozen in time: never import application code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, timestamps } from "./columns.js";

export function meetingTrash(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable("meeting_trash")
        .addColumn("meeting_uuid", "text", (c) => c.primaryKey())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("zoom_user_id", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("detail", "text")
        .$call(timestamps(big))
        .execute();
      await db.schema.createIndex("meeting_trash_user").on("meeting_trash").column("zoom_user_id").execute();
    },
    async down(db) {
      await db.schema.dropTable("meeting_trash").execute();
    },
  };
}
