/**
 * Issue #13 (security review). Frozen in time: never import application code here.
 * - `connect_links_spent`: a connect link is spent when its OAuth flow starts; the key is a hash
 *   of the link's signature (the signature itself is a credential and is never stored).
 * - `jobs.lease_token`, `zoom_connections.refresh_lock_token`: fencing tokens, so a worker whose
 *   lease was taken over cannot write.
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";
import { bigIntType } from "./columns.js";

export function securityReview(dialect: Dialect): Migration {
  const big = bigIntType(dialect);
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable("connect_links_spent")
        .addColumn("link_hash", "text", (c) => c.primaryKey())
        .addColumn("chat_id", big, (c) => c.notNull())
        .addColumn("telegram_user_id", big, (c) => c.notNull())
        .addColumn("expires_at", big, (c) => c.notNull())
        .addColumn("spent_at", big, (c) => c.notNull())
        .execute();
      await db.schema.alterTable("jobs").addColumn("lease_token", "text").execute();
      await db.schema.alterTable("zoom_connections").addColumn("refresh_lock_token", "text").execute();
      // Automatic recovery: earlier releases marked a connection broken for ANY 4xx from the token
      // endpoint (e.g. invalid_client after a rotated client secret). Only invalid_grant means the
      // user's grant is gone; the others come back, and their next refresh decides.
      await db
        .updateTable("zoom_connections")
        .set({ status: "active", status_reason: null })
        .where("status", "=", "broken")
        .where("status_reason", "like", "refresh rejected:%")
        .where("status_reason", "not like", "%invalid_grant%")
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
    async down(db: Kysely<any>) {
      await db.schema.alterTable("zoom_connections").dropColumn("refresh_lock_token").execute();
      await db.schema.alterTable("jobs").dropColumn("lease_token").execute();
      await db.schema.dropTable("connect_links_spent").ifExists().execute();
    },
  };
}
