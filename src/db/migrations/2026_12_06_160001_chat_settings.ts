/**
 * Per-chat settings (/settings, issue #15): which parts arrive, which meetings, trash after
 * delivery, and where deliveries go (a forum topic of the chat, or a channel or group the chat's
 * administrator picked). Every choice column is nullable: NULL means "not chosen, follow the
 * environment's default", so a chat that never chose moves with the operator's defaults.
 * Frozen in time: never import application code here.
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, timestamps } from "./columns.js";

export function chatSettings(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    async up(db) {
      await db.schema
        .createTable("chat_settings")
        .addColumn("chat_id", big, (c) => c.primaryKey())
        .addColumn("part_audio", "integer")
        .addColumn("part_video", "integer")
        .addColumn("part_transcript", "integer")
        .addColumn("part_summary", "integer")
        .addColumn("part_chat", "integer")
        .addColumn("topic_mode", "text")
        .addColumn("topic_phrase", "text")
        .addColumn("trash_after_delivery", "integer")
        .addColumn("destination_chat_id", big)
        .addColumn("destination_thread_id", big)
        .addColumn("destination_title", "text")
        .addColumn("destination_paused_reason", "text")
        .addColumn("destination_request_for", big)
        .$call(timestamps(big))
        .execute();
    },
    async down(db) {
      await db.schema.dropTable("chat_settings").execute();
    },
  };
}
