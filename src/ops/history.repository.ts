/** SQL of /history: the chat's latest meetings with their deliveries. */
import type { Executor } from "../db/database.js";

/** The chat's last `limit` meetings by their latest delivery request, newest first. */
export async function latestMeetingsOfChat(db: Executor, chatId: number, limit: number) {
  return db
    .selectFrom("deliveries")
    .select(["meeting_uuid", (eb) => eb.fn.max("requested_at").as("last")])
    .where("chat_id", "=", chatId)
    .groupBy("meeting_uuid")
    .orderBy("last", "desc")
    .orderBy("meeting_uuid")
    .limit(limit)
    .execute();
}

export async function deliveriesOfMeetings(db: Executor, chatId: number, meetingUuids: readonly string[]) {
  return db
    .selectFrom("deliveries")
    .select(["id", "meeting_uuid", "kind", "state", "last_error"])
    .where("chat_id", "=", chatId)
    .where("meeting_uuid", "in", meetingUuids)
    .orderBy("id")
    .execute();
}

export async function meetingsByUuid(db: Executor, meetingUuids: readonly string[]) {
  return db
    .selectFrom("meetings")
    .select(["meeting_uuid", "topic", "start_time", "timezone"])
    .where("meeting_uuid", "in", meetingUuids)
    .execute();
}
