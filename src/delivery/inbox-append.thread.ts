/**
 * Entry module of the inbox's SQLite write thread (src/db/write-thread.ts): the thread appends
 * batches with the same query the main thread uses on PostgreSQL.
 */
import { serveWriteThread } from "../db/write-thread.js";
import { appendInboxEvents, type InboxEventInput } from "./inbox.repository.js";

await serveWriteThread({
  append: (db, events: readonly InboxEventInput[]) => appendInboxEvents(db, events),
});
