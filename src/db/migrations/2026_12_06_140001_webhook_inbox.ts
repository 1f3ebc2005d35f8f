/**
 * The durable webhook inbox (issue 14): a verified Zoom event is appended here and acknowledged;
 * the inbox processor (src/delivery/inbox-processor.ts) turns it into meetings, deliveries and jobs
 * later and deletes the row in the same transaction. The table only ever holds the backlog (and
 * events that failed for good), so counting it is cheap. Frozen in time: no application imports.
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType, createTableWithId } from "./columns.js";

export function webhookInbox(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
    async up(db: Kysely<any>) {
      await createTableWithId(db, dialect, "webhook_inbox")
        .addColumn("received_at", big, (c) => c.notNull())
        .addColumn("event", "text", (c) => c.notNull())
        .addColumn("request_id", "text")
        // The verified body without download_token; the token only encrypted, as on webhook_events.
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("download_token_enc", "text")
        // pending | failed
        .addColumn("state", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("available_at", big, (c) => c.notNull())
        .addColumn("last_error", "text")
        .execute();
      await db.schema
        .createIndex("webhook_inbox_pending")
        .on("webhook_inbox")
        .columns(["state", "available_at", "id"])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: see above
    async down(db: Kysely<any>) {
      await db.schema.dropTable("webhook_inbox").execute();
    },
  };
}
