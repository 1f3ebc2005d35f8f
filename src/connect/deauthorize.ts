/**
 * Forgets a Zoom user: their connection (and with it the OAuth tokens), meetings, recordings,
 * deliveries, meeting cards and webhook audit rows, and cancels the jobs still waiting for them.
 * Called for `app_deauthorized` (Zoom's data-compliance rule: delete at once, zoom.md §3.8) and
 * for /disconnect. One transaction; idempotent — a second call finds nothing and says nothing.
 */
import { type Dialect, type Executor, withTransaction } from "../db/database.js";
import { describeError } from "../errors.js";
import { cancelJobs, listUnfinishedJobPayloads } from "../jobs/queue.js";
import type { Services } from "../services.js";
import { chatLocale } from "../telegram/chat.repository.js";
import { deleteConnection, lockConnectionForPurge } from "./connection.repository.js";
import { deleteMeetingData, deleteUserRows, listMeetingUuidsOfUser } from "./purge.repository.js";

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

export async function deauthorizeZoomUser(
  services: Services,
  input: DeauthorizeInput,
): Promise<DeauthorizeResult> {
  const { db, clock } = services;
  const logger = services.logger.child({ component: "zoom.deauthorize" });
  const { connection, counts } = await withTransaction(db, (tx) =>
    purgeZoomUser(tx, input.zoomUserId, clock.now(), db.dialect),
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
  tx: Executor,
  zoomUserId: string,
  now: number,
  dialect: Dialect,
): Promise<{ connection: { chatId: number } | undefined; counts: PurgeCounts }> {
  // First, the connection row: an ingest that already read it (FOR SHARE) commits its jobs before
  // we go on and cancel them; one that comes later finds no connection (issue #13, item 7).
  await lockConnectionForPurge(tx, zoomUserId, dialect);
  const meetingUuids = await listMeetingUuidsOfUser(tx, zoomUserId);
  // Job payloads are JSON written by each job kind; those that act for a Zoom user carry its
  // `zoomUserId` or one of its `meetingUuid`s.
  const uuidSet = new Set(meetingUuids);
  const jobIds = (await listUnfinishedJobPayloads(tx))
    .filter(
      ({ payload: p }) =>
        p.zoomUserId === zoomUserId || (typeof p.meetingUuid === "string" && uuidSet.has(p.meetingUuid)),
    )
    .map((job) => job.id);
  const jobsCancelled = await cancelJobs(
    tx,
    jobIds,
    "cancelled: the Zoom user disconnected or removed the app",
    now,
  );
  const meetingData = await deleteMeetingData(tx, meetingUuids);
  const userRows = await deleteUserRows(tx, zoomUserId);
  const connection = await deleteConnection(tx, zoomUserId);
  return {
    connection: connection ? { chatId: connection.chatId } : undefined,
    counts: {
      connections: connection ? 1 : 0,
      meetings: userRows.meetings,
      recordings: meetingData.recordings,
      deliveries: meetingData.deliveries,
      meetingCards: meetingData.meetingCards,
      webhookEvents: meetingData.webhookEvents + userRows.webhookEvents,
      jobsCancelled,
    },
  };
}
