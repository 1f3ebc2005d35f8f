/** What /status reads besides the connections: the chat's latest deliveries with their meetings. */
import type { Executor } from "../db/database.js";

export async function recentDeliveries(db: Executor, chatId: number, limit: number) {
  return db
    .selectFrom("deliveries")
    .leftJoin("meetings", "meetings.meeting_uuid", "deliveries.meeting_uuid")
    .select([
      "deliveries.state",
      "deliveries.created_at",
      "meetings.topic",
      "meetings.start_time",
      "meetings.timezone",
    ])
    .where("deliveries.chat_id", "=", chatId)
    .orderBy("deliveries.created_at", "desc")
    .orderBy("deliveries.id", "desc")
    .limit(limit)
    .execute();
}
