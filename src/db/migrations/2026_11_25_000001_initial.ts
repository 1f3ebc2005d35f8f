/**
 * The initial schema. Frozen in time: never import application code here. Integer columns that
 * hold milliseconds or Telegram ids are 64-bit on both dialects (SQLite's INTEGER already is).
 */
import type { Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, createTableWithId, timestamps } from "./columns.js";

export function initial(dialect: Dialect): Migration {
  const big = bigIntType(dialect);

  return {
    async up(db) {
      await db.schema
        .createTable("users")
        .addColumn("telegram_user_id", big, (c) => c.primaryKey())
        .addColumn("username", "text")
        .addColumn("first_name", "text")
        .addColumn("language_code", "text")
        .addColumn("locale", "text", (c) => c.notNull().defaultTo("en"))
        .$call(timestamps(big))
        .execute();

      await db.schema
        .createTable("chats")
        .addColumn("chat_id", big, (c) => c.primaryKey())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("title", "text")
        .addColumn("locale", "text", (c) => c.notNull().defaultTo("en"))
        .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
        .addColumn("status_reason", "text")
        .addColumn("migrated_to", big)
        .$call(timestamps(big))
        .execute();

      await createTableWithId(db, dialect, "zoom_connections")
        .addColumn("zoom_user_id", "text", (c) => c.notNull().unique())
        .addColumn("zoom_account_id", "text")
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("display_name", "text")
        .addColumn("timezone", "text")
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("telegram_user_id", big, (c) => c.notNull())
        .addColumn("access_token_enc", "text", (c) => c.notNull())
        .addColumn("refresh_token_enc", "text", (c) => c.notNull())
        .addColumn("token_key_id", "text", (c) => c.notNull())
        .addColumn("access_expires_at", big, (c) => c.notNull())
        .addColumn("api_url", "text")
        .addColumn("scope", "text")
        .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
        .addColumn("status_reason", "text")
        .addColumn("refresh_lock_owner", "text")
        .addColumn("refresh_lock_until", big)
        .addColumn("connected_at", big, (c) => c.notNull())
        .addColumn("updated_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("zoom_connections_chat").on("zoom_connections").column("chat_id").execute();

      await db.schema
        .createTable("oauth_states")
        .addColumn("nonce", "text", (c) => c.primaryKey())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("telegram_user_id", big, (c) => c.notNull())
        .addColumn("code_verifier_enc", "text", (c) => c.notNull())
        .addColumn("locale", "text", (c) => c.notNull())
        .addColumn("expires_at", big, (c) => c.notNull())
        .addColumn("created_at", big, (c) => c.notNull())
        .execute();

      await createTableWithId(db, dialect, "meetings")
        .addColumn("meeting_uuid", "text", (c) => c.notNull().unique())
        .addColumn("zoom_user_id", "text", (c) => c.notNull())
        .addColumn("meeting_number", "text")
        .addColumn("topic", "text", (c) => c.notNull())
        .addColumn("start_time", "text")
        .addColumn("timezone", "text")
        .addColumn("duration_minutes", "integer")
        .addColumn("host_email", "text")
        .addColumn("share_url", "text")
        .addColumn("summary_text", "text")
        .addColumn("summary_source", "text")
        .addColumn("received_at", big, (c) => c.notNull())
        .addColumn("updated_at", big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("meetings_user").on("meetings").column("zoom_user_id").execute();

      await createTableWithId(db, dialect, "recordings")
        .addColumn("meeting_uuid", "text", (c) => c.notNull())
        .addColumn("file_id", "text", (c) => c.notNull())
        .addColumn("file_type", "text", (c) => c.notNull())
        .addColumn("recording_type", "text")
        .addColumn("file_extension", "text")
        .addColumn("file_size", big)
        .addColumn("status", "text")
        .addColumn("recording_start", "text")
        .addColumn("recording_end", "text")
        .addColumn("play_url", "text")
        .$call(timestamps(big))
        .addUniqueConstraint("recordings_meeting_file", ["meeting_uuid", "file_id"])
        .execute();

      await createTableWithId(db, dialect, "deliveries")
        .addColumn("meeting_uuid", "text", (c) => c.notNull())
        .addColumn("file_id", "text", (c) => c.notNull())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("detail", "text")
        .addColumn("message_ids", "text")
        .addColumn("telegram_file_id", "text")
        .addColumn("bytes", big)
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        .addColumn("requested_at", big, (c) => c.notNull())
        .addColumn("delivered_at", big)
        .$call(timestamps(big))
        .addUniqueConstraint("deliveries_once", ["meeting_uuid", "file_id", "chat_id"])
        .execute();
      await db.schema
        .createIndex("deliveries_chat")
        .on("deliveries")
        .columns(["chat_id", "created_at"])
        .execute();

      await db.schema
        .createTable("meeting_cards")
        .addColumn("meeting_uuid", "text", (c) => c.notNull())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("message_id", big)
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("last_text", "text")
        .addColumn("updated_at", big, (c) => c.notNull())
        .addPrimaryKeyConstraint("meeting_cards_pk", ["meeting_uuid", "chat_id"])
        .execute();

      await createTableWithId(db, dialect, "webhook_events")
        .addColumn("received_at", big, (c) => c.notNull())
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("meeting_uuid", "text")
        .addColumn("zoom_user_id", "text")
        .addColumn("request_id", "text")
        .addColumn("result", "text", (c) => c.notNull())
        .addColumn("download_token_enc", "text")
        .addColumn("payload", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("webhook_events_meeting")
        .on("webhook_events")
        .columns(["meeting_uuid", "received_at"])
        .execute();

      await createTableWithId(db, dialect, "jobs")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("priority", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("max_attempts", "integer", (c) => c.notNull())
        .addColumn("run_at", big, (c) => c.notNull())
        .addColumn("locked_by", "text")
        .addColumn("lease_expires_at", big)
        .addColumn("last_error", "text")
        .addColumn("dedupe_key", "text", (c) => c.unique())
        .$call(timestamps(big))
        .addColumn("finished_at", big)
        .execute();
      // The claim query scans runnable jobs by state and time; keep it an index range scan.
      await db.schema.createIndex("jobs_runnable").on("jobs").columns(["state", "run_at"]).execute();

      await db.schema
        .createTable("leases")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("expires_at", big, (c) => c.notNull())
        .addColumn("acquired_at", big, (c) => c.notNull())
        .execute();
    },
    async down(db) {
      for (const table of [
        "leases",
        "jobs",
        "webhook_events",
        "meeting_cards",
        "deliveries",
        "recordings",
        "meetings",
        "oauth_states",
        "zoom_connections",
        "chats",
        "users",
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
