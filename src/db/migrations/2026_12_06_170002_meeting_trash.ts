/**
 * Trash after delivery (issue 15): one row per meeting whose cloud recording we moved to Zoom's
 * trash, or tried to. The meeting uuid is the key, so a meeting is trashed at most once, whichever
 * process gets there first. Frozen in time: never import application code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";

export function meetingTrash(dialect: Dialect): Migration {
  const big = dialect === "postgres" ? "bigint" : "integer";
  return {
    async up(db) {
      await db.schema
        .createTable("meeting_trash")
        .addColumn("meeting_uuid", "text", (c) => c.primaryKey())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("zoom_user_id", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("detail", "text")
        .addColumn("created_at", big, (c) => c.notNull())
        .addColumn("updated_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("meeting_trash_user").on("meeting_trash").column("zoom_user_id").execute();
    },
    async down(db) {
      await db.schema.dropTable("meeting_trash").execute();
    },
  };
}
