/**
 * Forgets a Zoom user: their connection (and with it the OAuth tokens), meetings, recordings,
 * deliveries, meeting cards and webhook audit rows, and cancels the jobs still waiting for them.
 * Called for `app_deauthorized` (Zoom's data-compliance rule: delete at once, zoom.md §3.8) and
 * for /disconnect. One transaction; idempotent — a second call finds nothing and says nothing.
 */
import type { Kysely } from "kysely";
import { withTransaction } from "../db/database.js";
import type { Database } from "../db/schema.js";
import { describeError } from "../errors.js";
import type { Services } from "../services.js";
import { chatLocale } from "../telegram/chat.repository.js";
import { deleteConnection } from "./connection.repository.js";

export type DeauthorizeReason = "deauthorized" | "disconnected";

export interface DeauthorizeInput {
  zoomUserId: string;
  /**
   * `deauthorized`: the user removed the app in Zoom; the chat is told (`deauthorized` message).
   * `disconnected`: /disconnect; its handler tells the chat itself, so nothing is sent here.
   */
  reason: DeauthorizeReason;
}

export interface DeauthorizeResult {
  /** The chat the connection delivered to, when there was one. */
  chatId?: number;
  /** Rows removed per table and jobs cancelled, for logs and tests. */
  removed?: PurgeCounts;
}

export interface PurgeCounts {
  connections: number;
  meetings: number;
  recordings: number;
  deliveries: number;
  meetingCards: number;
  webhookEvents: number;
  jobsCancelled: number;
}

/** Job states that have not finished: such a job would still act for the user. */
const UNFINISHED_JOB_STATES = ["queued", "retry", "active"] as const;

export async function deauthorizeZoomUser(
  services: Services,
  input: DeauthorizeInput,
): Promise<DeauthorizeResult> {
  const { db, clock } = services;
  const logger = services.logger.child({ component: "zoom.deauthorize" });
  const { connection, counts } = await withTransaction(db, (tx) =>
    purgeZoomUser(tx, input.zoomUserId, clock.now()),
  );
  logger.info(
    { zoomUserId: input.zoomUserId, reason: input.reason, ...counts },
    "Zoom user's tokens and data deleted",
  );

  if (connection && input.reason === "deauthorized") {
    try {
      const locale = await chatLocale(db.kysely, connection.chatId);
      await services.telegram.sendMessage(connection.chatId, services.translator.t(locale, "deauthorized"));
    } catch (error) {
      // The data is gone either way; a blocked bot or a vanished chat must not undo that.
      logger.warn(
        { chatId: connection.chatId, err: describeError(error) },
        "could not tell the chat about the deauthorization",
      );
    }
  }
  return connection ? { chatId: connection.chatId, removed: counts } : { removed: counts };
}

/** The deletion itself, inside the caller's transaction. */
export async function purgeZoomUser(
  tx: Kysely<Database>,
  zoomUserId: string,
  now: number,
): Promise<{ connection: { chatId: number } | undefined; counts: PurgeCounts }> {
  const meetingUuids = (
    await tx.selectFrom("meetings").select("meeting_uuid").where("zoom_user_id", "=", zoomUserId).execute()
  ).map((row) => row.meeting_uuid);

  // Job payloads are JSON written by each job kind; those that act for a Zoom user carry its
  // `zoomUserId` or one of its `meetingUuid`s.
  const uuidSet = new Set(meetingUuids);
  const pending = await tx
    .selectFrom("jobs")
    .select(["id", "payload"])
    .where("state", "in", UNFINISHED_JOB_STATES)
    .execute();
  const jobIds = pending.filter((job) => belongsTo(job.payload, zoomUserId, uuidSet)).map((job) => job.id);

  let jobsCancelled = 0;
  for (const ids of chunks(jobIds, 500)) {
    const result = await tx
      .updateTable("jobs")
      .set({
        state: "cancelled",
        locked_by: null,
        lease_expires_at: null,
        last_error: "cancelled: the Zoom user disconnected or removed the app",
        finished_at: now,
        updated_at: now,
      })
      .where("id", "in", ids)
      .where("state", "in", UNFINISHED_JOB_STATES)
      .executeTakeFirst();
    jobsCancelled += Number(result.numUpdatedRows);
  }

  let deliveries = 0;
  let recordings = 0;
  let meetingCards = 0;
  let meetingEvents = 0;
  for (const uuids of chunks(meetingUuids, 500)) {
    deliveries += Number(
      (await tx.deleteFrom("deliveries").where("meeting_uuid", "in", uuids).executeTakeFirst())
        .numDeletedRows,
    );
    recordings += Number(
      (await tx.deleteFrom("recordings").where("meeting_uuid", "in", uuids).executeTakeFirst())
        .numDeletedRows,
    );
    meetingCards += Number(
      (await tx.deleteFrom("meeting_cards").where("meeting_uuid", "in", uuids).executeTakeFirst())
        .numDeletedRows,
    );
    meetingEvents += Number(
      (await tx.deleteFrom("webhook_events").where("meeting_uuid", "in", uuids).executeTakeFirst())
        .numDeletedRows,
    );
  }
  const userEvents = Number(
    (await tx.deleteFrom("webhook_events").where("zoom_user_id", "=", zoomUserId).executeTakeFirst())
      .numDeletedRows,
  );
  const meetings = Number(
    (await tx.deleteFrom("meetings").where("zoom_user_id", "=", zoomUserId).executeTakeFirst())
      .numDeletedRows,
  );
  const connection = await deleteConnection(tx, zoomUserId);

  return {
    connection: connection ? { chatId: connection.chatId } : undefined,
    counts: {
      connections: connection ? 1 : 0,
      meetings,
      recordings,
      deliveries,
      meetingCards,
      webhookEvents: meetingEvents + userEvents,
      jobsCancelled,
    },
  };
}

function belongsTo(payload: string, zoomUserId: string, meetingUuids: ReadonlySet<string>): boolean {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch (error) {
    if (error instanceof SyntaxError) return false; // not ours to judge; the worker reports it
    throw error;
  }
  if (value === null || typeof value !== "object") return false;
  const p = value as Record<string, unknown>;
  return (
    p.zoomUserId === zoomUserId || (typeof p.meetingUuid === "string" && meetingUuids.has(p.meetingUuid))
  );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
