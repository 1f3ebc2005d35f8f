/**
 * SQL of trash after delivery: the one `meeting_trash` row per meeting (claimed before Zoom is
 * asked, so a meeting is trashed at most once), and what the decision reads about a meeting's
 * files and deliveries in a chat.
 */
import type { Executor } from "../db/database.js";
import { meetingDeliveriesTo } from "./delivery.repository.js";

export type TrashState = "moving" | "moved" | "scope_missing" | "refused" | "gone";

export interface TrashRow {
  meetingUuid: string;
  chatId: number;
  state: TrashState;
  detail: string | null;
}

export async function findMeetingTrash(db: Executor, meetingUuid: string): Promise<TrashRow | undefined> {
  const row = await db
    .selectFrom("meeting_trash")
    .selectAll()
    .where("meeting_uuid", "=", meetingUuid)
    .executeTakeFirst();
  return row
    ? {
        meetingUuid: row.meeting_uuid,
        chatId: Number(row.chat_id),
        state: row.state as TrashState,
        detail: row.detail,
      }
    : undefined;
}

/** Claims the meeting for trashing; false when another run already did (it is trashed at most once). */
export async function claimMeetingTrash(
  db: Executor,
  input: { meetingUuid: string; chatId: number; zoomUserId: string },
  now: number,
): Promise<boolean> {
  const row = await db
    .insertInto("meeting_trash")
    .values({
      meeting_uuid: input.meetingUuid,
      chat_id: input.chatId,
      zoom_user_id: input.zoomUserId,
      state: "moving",
      detail: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("meeting_uuid").doNothing())
    .returning("meeting_uuid")
    .executeTakeFirst();
  return row !== undefined;
}

export async function setMeetingTrashState(
  db: Executor,
  meetingUuid: string,
  state: TrashState,
  detail: string | null,
  now: number,
): Promise<void> {
  await db
    .updateTable("meeting_trash")
    .set({ state, detail, updated_at: now })
    .where("meeting_uuid", "=", meetingUuid)
    .execute();
}

export interface TrashFacts {
  /** The meeting's file deliveries to the chat (audio, video, transcript, chat file). */
  deliveries: Array<{ fileId: string; kind: string; state: string }>;
  /** The meeting's recording files as Zoom described them. */
  files: Array<{ fileId: string; fileType: string; fileSize: number | null; status: string | null }>;
  /** The card's transcript state (`unavailable` once its deadline passed without one). */
  transcriptCardStatus: string | undefined;
  /** The card's summary state. */
  summaryCardStatus?: string | undefined;
}

export async function loadTrashFacts(db: Executor, meetingUuid: string, chatId: number): Promise<TrashFacts> {
  const [deliveries, files, card] = await Promise.all([
    meetingDeliveriesTo(db, meetingUuid, chatId)
      .select(["file_id", "kind", "state"])
      .where("kind", "in", ["audio", "video", "transcript", "chat"])
      .execute(),
    db
      .selectFrom("recordings")
      .select(["file_id", "file_type", "file_size", "status"])
      .where("meeting_uuid", "=", meetingUuid)
      .execute(),
    db
      .selectFrom("meeting_cards")
      .select("state")
      .where("meeting_uuid", "=", meetingUuid)
      .where("chat_id", "=", chatId)
      .executeTakeFirst(),
  ]);
  const cardParts = parseCardParts(card?.state);
  const transcriptCardStatus = cardParts.transcript;
  const summaryCardStatus = cardParts.summary;
  return {
    deliveries: deliveries.map((d) => ({ fileId: d.file_id, kind: d.kind, state: d.state })),
    files: files.map((f) => ({
      fileId: f.file_id,
      fileType: f.file_type,
      fileSize: f.file_size === null ? null : Number(f.file_size),
      status: f.status,
    })),
    transcriptCardStatus,
    summaryCardStatus,
  };
}

/** The part statuses in a card's stored state (unreadable JSON: none). */
function parseCardParts(json: string | null | undefined): { transcript?: string; summary?: string } {
  if (!json) return {};
  try {
    const parsed = JSON.parse(json) as { parts?: Record<string, { status?: unknown }> };
    const status = (part: string) => {
      const value = parsed.parts?.[part]?.status;
      return typeof value === "string" ? value : undefined;
    };
    return { transcript: status("transcript"), summary: status("summary") };
  } catch {
    return {};
  }
}
