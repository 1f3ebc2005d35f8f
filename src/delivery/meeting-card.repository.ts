/**
 * SQL of the meeting card (`meeting_cards`): one row per meeting and chat holding the message id,
 * the part states and the last text shown. Every write happens in the caller's transaction, after
 * `lockCard` (a row lock on PostgreSQL; SQLite transactions here are BEGIN IMMEDIATE).
 */
import type { Dialect, Executor } from "../db/database.js";
import { meetingDeliveriesTo } from "./delivery.repository.js";
import {
  type CardButtons,
  type CardMeeting,
  type CardState,
  emptyCardState,
  parseCardState,
} from "./meeting-card.render.js";

export interface CardRow {
  messageId: number | null;
  state: CardState;
  lastText: string | null;
}

/** Creates the card's row with an empty state unless it exists. */
export async function insertCardIfAbsent(
  tx: Executor,
  meetingUuid: string,
  chatId: number,
  now: number,
): Promise<void> {
  await tx
    .insertInto("meeting_cards")
    .values({
      meeting_uuid: meetingUuid,
      chat_id: chatId,
      message_id: null,
      state: JSON.stringify(emptyCardState()),
      last_text: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(["meeting_uuid", "chat_id"]).doNothing())
    .execute();
}

/** Reads (and on PostgreSQL row-locks) a card inside a transaction. */
export async function lockCard(
  tx: Executor,
  dialect: Dialect,
  meetingUuid: string,
  chatId: number,
): Promise<CardRow | undefined> {
  let query = tx
    .selectFrom("meeting_cards")
    .select(["message_id", "state", "last_text"])
    .where("meeting_uuid", "=", meetingUuid)
    .where("chat_id", "=", chatId);
  // SQLite transactions here are BEGIN IMMEDIATE (one writer at a time) and know no FOR UPDATE.
  if (dialect === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    messageId: row.message_id === null ? null : Number(row.message_id),
    state: parseCardState(row.state),
    lastText: row.last_text,
  };
}

export async function saveCardState(
  tx: Executor,
  meetingUuid: string,
  chatId: number,
  state: CardState,
  now: number,
): Promise<void> {
  await tx
    .updateTable("meeting_cards")
    .set({ state: JSON.stringify(state), updated_at: now })
    .where("meeting_uuid", "=", meetingUuid)
    .where("chat_id", "=", chatId)
    .execute();
}

/** Records the message a card is shown in, the text shown and the state it was rendered from. */
export async function saveCardShown(
  tx: Executor,
  key: { meetingUuid: string; chatId: number },
  shown: { messageId: number; text: string; state: CardState },
  now: number,
): Promise<void> {
  await tx
    .updateTable("meeting_cards")
    .set({
      message_id: shown.messageId,
      last_text: shown.text,
      state: JSON.stringify(shown.state),
      updated_at: now,
    })
    .where("meeting_uuid", "=", key.meetingUuid)
    .where("chat_id", "=", key.chatId)
    .execute();
}

/**
 * Forgets the card's message (it was deleted or is too old to edit) so a new one is sent — only
 * while the row still names `oldMessageId`: concurrent editors cannot both send a replacement.
 */
export async function releaseCardMessage(
  tx: Executor,
  key: { meetingUuid: string; chatId: number },
  oldMessageId: number,
  state: CardState,
  now: number,
): Promise<void> {
  await tx
    .updateTable("meeting_cards")
    .set({ message_id: null, last_text: null, state: JSON.stringify(state), updated_at: now })
    .where("meeting_uuid", "=", key.meetingUuid)
    .where("chat_id", "=", key.chatId)
    .where("message_id", "=", oldMessageId)
    .execute();
}

/** The latest send or edit of any card in the chat within the pacing window. */
export async function lastChatEditAt(
  db: Executor,
  chatId: number,
  since: number,
): Promise<number | undefined> {
  const rows = await db
    .selectFrom("meeting_cards")
    .select("state")
    .where("chat_id", "=", chatId)
    .where("updated_at", ">=", since)
    .execute();
  let latest: number | undefined;
  for (const row of rows) {
    const at = parseCardState(row.state).editedAt;
    if (at !== undefined && at >= since && (latest === undefined || at > latest)) latest = at;
  }
  return latest;
}

/** Topic, start and the zone to show it in: the Zoom user's (connection), else the meeting's. */
export async function loadCardMeeting(db: Executor, meetingUuid: string): Promise<CardMeeting> {
  const row = await db
    .selectFrom("meetings")
    .leftJoin("zoom_connections", "zoom_connections.zoom_user_id", "meetings.zoom_user_id")
    .select([
      "meetings.topic",
      "meetings.start_time",
      "meetings.timezone",
      "zoom_connections.timezone as user_tz",
    ])
    .where("meetings.meeting_uuid", "=", meetingUuid)
    .executeTakeFirst();
  if (!row) return { topic: "", startTime: null, timeZone: null };
  return { topic: row.topic, startTime: row.start_time, timeZone: row.user_tz ?? row.timezone };
}

/** The deliveries the card's buttons point at. */
export async function loadCardButtons(
  db: Executor,
  meetingUuid: string,
  chatId: number,
): Promise<CardButtons> {
  const rows = await meetingDeliveriesTo(db, meetingUuid, chatId)
    .select(["id", "kind", "state"])
    .orderBy("id")
    .execute();
  const buttons: CardButtons = {};
  const audio = rows.find(
    (r) => (r.kind === "audio" || r.kind === "video") && (r.state === "delivered" || r.state === "failed"),
  );
  if (audio) buttons.audioDeliveryId = Number(audio.id);
  const transcript = rows.find((r) => r.kind === "transcript" && r.state === "delivered");
  if (transcript) buttons.transcriptDeliveryId = Number(transcript.id);
  return buttons;
}
