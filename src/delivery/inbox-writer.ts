/**
 * The request side of the webhook inbox: appends verified events with group commit (one multi-row
 * INSERT, one commit, one fsync per batch; src/db/group-commit.ts) and resolves each append only
 * once its batch is durable, so the route's 2xx always follows the commit. After each commit the
 * inbox processors are woken (`inbox` topic; across processes on PostgreSQL).
 */
import { createGroupCommit, type GroupCommit } from "../db/group-commit.js";
import { canWriteFromThread, createWriteThread, threadEntry } from "../db/write-thread.js";
import type { Services } from "../services.js";
import { appendInboxEvents, type InboxEventInput } from "./inbox.repository.js";

export const INBOX_TOPIC = "inbox";

export interface InboxWriter extends GroupCommit<InboxEventInput, number> {
  /** Waits for appends in flight and stops the SQLite write thread, if one was started. */
  close(): Promise<void>;
  /** Batches committed by the SQLite write thread (the rest committed on the main connection). */
  readonly threadCommits: number;
  /** The SQLite write thread has opened its connection: the next batch commits there. */
  readonly threadReady: boolean;
}

export function createInboxWriter(
  services: Pick<Services, "db" | "notifier" | "metrics" | "config">,
): InboxWriter {
  const { db, notifier, metrics } = services;
  // On a SQLite file the commit runs in a thread of its own (src/db/write-thread.ts), so the event
  // loop keeps reading requests during the fsync and the next batch carries all of them. The
  // thread starts with the first append; until it has opened its connection (~150 ms), batches
  // commit on the main connection, so the first webhook is not kept waiting for a thread.
  let threadCommits = 0;
  const thread =
    services.config.database.writeThread && canWriteFromThread(db)
      ? createWriteThread(threadEntry(import.meta.url, "inbox-append.thread"), db)
      : undefined;
  const commit = createGroupCommit<InboxEventInput, number>({
    write: (events) => {
      if (thread?.ready) {
        threadCommits++;
        return thread.call<number[]>("append", events);
      }
      thread?.start();
      return appendInboxEvents(db.kysely, events);
    },
    // SQLite has one writer; PostgreSQL overlaps a second commit with the first's round trip.
    concurrency: db.dialect === "postgres" ? 2 : 1,
    maxBatch: 500,
    onCommit: (size) => {
      metrics.inboxCommitSize.observe({ side: "append" }, size);
      notifier.notify(INBOX_TOPIC);
    },
  });
  return {
    submit: (event) => commit.submit(event),
    get pending() {
      return commit.pending;
    },
    get stats() {
      return commit.stats;
    },
    get threadCommits() {
      return threadCommits;
    },
    get threadReady() {
      return thread?.ready === true;
    },
    flushed: () => commit.flushed(),
    async close() {
      await commit.flushed();
      await thread?.close();
    },
  };
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
