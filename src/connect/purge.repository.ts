/**
 * SQL that forgets a Zoom user's data (src/connect/deauthorize.ts): their meetings and everything
 * hanging off them. Runs inside the caller's transaction.
 */
import type { Executor } from "../db/database.js";
import { deletedRows } from "../db/deleted-rows.js";

export async function listMeetingUuidsOfUser(db: Executor, zoomUserId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("meetings")
    .select("meeting_uuid")
    .where("zoom_user_id", "=", zoomUserId)
    .execute();
  return rows.map((row) => row.meeting_uuid);
}

export interface MeetingDataCounts {
  deliveries: number;
  recordings: number;
  meetingCards: number;
  webhookEvents: number;
}

/** Deletes the deliveries, recording files, cards and webhook audit rows of these meetings. */
export async function deleteMeetingData(
  db: Executor,
  meetingUuids: readonly string[],
): Promise<MeetingDataCounts> {
  const counts: MeetingDataCounts = { deliveries: 0, recordings: 0, meetingCards: 0, webhookEvents: 0 };
  for (let i = 0; i < meetingUuids.length; i += 500) {
    const uuids = meetingUuids.slice(i, i + 500);
    const deleted = async (table: "deliveries" | "recordings" | "meeting_cards" | "webhook_events") =>
      deletedRows(db.deleteFrom(table).where("meeting_uuid", "in", uuids));
    counts.deliveries += await deleted("deliveries");
    counts.recordings += await deleted("recordings");
    counts.meetingCards += await deleted("meeting_cards");
    counts.webhookEvents += await deleted("webhook_events");
  }
  return counts;
}

/**
 * Deletes the user's own webhook audit rows (those not tied to a meeting) and their meetings, and
 * the rows that name their meetings elsewhere: what /import found, trash-after-delivery records,
 * and what a recording removed in Zoom stopped.
 */
export async function deleteUserRows(
  db: Executor,
  zoomUserId: string,
): Promise<{ webhookEvents: number; meetings: number }> {
  const webhookEvents = await deletedRows(
    db.deleteFrom("webhook_events").where("zoom_user_id", "=", zoomUserId),
  );
  await db.deleteFrom("backfill_items").where("zoom_user_id", "=", zoomUserId).execute();
  await db.deleteFrom("meeting_trash").where("zoom_user_id", "=", zoomUserId).execute();
  await db.deleteFrom("recording_removals").where("zoom_user_id", "=", zoomUserId).execute();
  const meetings = await deletedRows(db.deleteFrom("meetings").where("zoom_user_id", "=", zoomUserId));
  return { webhookEvents, meetings };
}
