/**
 * The request side of the webhook inbox: appends verified events with group commit (one multi-row
 * INSERT, one commit, one fsync per batch; src/db/group-commit.ts) and resolves each append only
 * once its batch is durable, so the route's 2xx always follows the commit. After each commit the
 * inbox processors are woken (`inbox` topic; across processes on PostgreSQL).
 */
import { createGroupCommit, type GroupCommit } from "../db/group-commit.js";
import type { Services } from "../services.js";
import { appendInboxEvents, type InboxEventInput } from "./inbox.repository.js";

export const INBOX_TOPIC = "inbox";

export type InboxWriter = GroupCommit<InboxEventInput, number>;

export function createInboxWriter(services: Pick<Services, "db" | "notifier" | "metrics">): InboxWriter {
  const { db, notifier, metrics } = services;
  return createGroupCommit<InboxEventInput, number>({
    write: (events) => appendInboxEvents(db.kysely, events),
    // SQLite has one writer; PostgreSQL overlaps a second commit with the first's round trip.
    concurrency: db.dialect === "postgres" ? 2 : 1,
    maxBatch: 500,
    onCommit: (size) => {
      metrics.inboxCommitSize.observe({ side: "append" }, size);
      notifier.notify(INBOX_TOPIC);
    },
  });
}

/** AAD binding an inbox row's encrypted download token to its meeting (or to none). */
export function inboxTokenAad(meetingUuid: string | undefined): string {
  return `webhook-inbox-download-token:${meetingUuid ?? ""}`;
}

/** The meeting UUID a raw event names, if any (recording events: payload.object.uuid). */
export function rawMeetingUuid(raw: Record<string, unknown>): string | undefined {
  const payload = raw.payload;
  if (typeof payload !== "object" || payload === null) return undefined;
  const object = (payload as { object?: unknown }).object;
  if (typeof object !== "object" || object === null) return undefined;
  const uuid =
    (object as { uuid?: unknown; meeting_uuid?: unknown }).uuid ??
    (object as { meeting_uuid?: unknown }).meeting_uuid;
  return typeof uuid === "string" ? uuid : undefined;
}
