/**
 * /history: the chat's last ten meetings, newest first, each with its topic, start time (in the
 * meeting's time zone) and where its delivery stands, plus a numbered 🔁 button per meeting whose
 * audio can be sent again. The buttons carry the meeting card's own `card:resend:<deliveryId>`
 * data, so one handler (src/delivery/meeting-card.callbacks.ts) checks the chat, rate-limits and
 * enqueues the resend job for both.
 */
import { Composer, InlineKeyboard } from "grammy";
import type { Executor } from "../db/database.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import { formatDateTime } from "../i18n/format.js";
import type { BotContext } from "../telegram/context.js";
import { stripControlChars, truncate } from "../telegram/text/escape.js";
import { deliveriesOfMeetings, latestMeetingsOfChat, meetingsByUuid } from "./history.repository.js";

export const HISTORY_LIMIT = 10;
const TOPIC_MAX = 80;
const BUTTONS_PER_ROW = 5;

/** Where a meeting's delivery stands, as `meeting-state-<state>` words it. */
export type MeetingState =
  | "received"
  | "downloading"
  | "uploading"
  | "waiting"
  | "delivered"
  | "failed"
  | "skipped";

export interface HistoryEntry {
  meetingUuid: string;
  topic: string | null;
  startTime: string | null;
  timezone: string | null;
  /** When the meeting reached us (ms), for meetings without a start time. */
  requestedAt: number;
  state: MeetingState;
  /** The audio (or video) delivery a resend would send again, when there is one to resend. */
  resendDeliveryId: number | undefined;
}

interface DeliveryLike {
  id: number;
  kind: string;
  state: string;
  last_error: string | null;
}

/** The meeting's state from its deliveries: the audio (or video) decides; otherwise all of them. */
export function meetingState(deliveries: readonly DeliveryLike[]): MeetingState {
  const primary = deliveries.filter((d) => d.kind === "audio" || d.kind === "video");
  const parts = primary.length > 0 ? primary : deliveries;
  const has = (state: string) => parts.some((d) => d.state === state);
  if (has("failed")) return "failed";
  if (has("uploading")) return "uploading";
  if (has("downloading")) return "downloading";
  const pending = parts.filter((d) => d.state === "pending");
  if (pending.length > 0) return pending.some((d) => d.last_error) ? "waiting" : "received";
  if (parts.length > 0 && parts.every((d) => d.state === "skipped")) return "skipped";
  return "delivered";
}

/** The chat's last `limit` meetings, newest first. */
export async function chatHistory(
  db: Executor,
  chatId: number,
  limit = HISTORY_LIMIT,
): Promise<HistoryEntry[]> {
  const latest = await latestMeetingsOfChat(db, chatId, limit);
  if (latest.length === 0) return [];
  const uuids = latest.map((r) => r.meeting_uuid);
  const [deliveries, meetings] = await Promise.all([
    deliveriesOfMeetings(db, chatId, uuids),
    meetingsByUuid(db, uuids),
  ]);
  return latest.map((row) => {
    const own = deliveries
      .filter((d) => d.meeting_uuid === row.meeting_uuid)
      .map((d) => ({ ...d, id: Number(d.id) }));
    const meeting = meetings.find((m) => m.meeting_uuid === row.meeting_uuid);
    const resendable = own.find(
      (d) => (d.kind === "audio" || d.kind === "video") && (d.state === "delivered" || d.state === "failed"),
    );
    return {
      meetingUuid: row.meeting_uuid,
      topic: meeting?.topic ?? null,
      startTime: meeting?.start_time ?? null,
      timezone: meeting?.timezone ?? null,
      requestedAt: Number(row.last),
      state: meetingState(own),
      resendDeliveryId: resendable?.id,
    };
  });
}

export function historyComposer(services: DeliveryServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("history", async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    const locale = ctx.locale ?? "en";
    const entries = await chatHistory(services.db.kysely, chat.id);
    if (entries.length === 0) {
      await ctx.reply(ctx.t("history-empty"));
      return;
    }
    const lines = [ctx.t("history-header"), ""];
    const keyboard = new InlineKeyboard();
    let buttons = 0;
    entries.forEach((entry, i) => {
      const index = i + 1;
      const start = entry.startTime ? Date.parse(entry.startTime) : Number.NaN;
      const when = new Date(Number.isNaN(start) ? entry.requestedAt : start);
      const topic = truncate(stripControlChars(entry.topic ?? "").trim(), TOPIC_MAX);
      lines.push(
        ctx.t("history-item-numbered", {
          index,
          topic: topic || ctx.t("meeting-untitled"),
          date: formatDateTime(locale, when, entry.timezone ?? undefined),
          state: ctx.t(`meeting-state-${entry.state}`),
        }),
      );
      if (entry.resendDeliveryId !== undefined) {
        if (buttons > 0 && buttons % BUTTONS_PER_ROW === 0) keyboard.row();
        keyboard.text(ctx.t("history-button-resend", { index }), `card:resend:${entry.resendDeliveryId}`);
        buttons++;
      }
    });
    if (buttons > 0) lines.push("", ctx.t("history-resend-hint"));
    // Plain text: topics are the user's own words and are never parsed as markup.
    await ctx.reply(lines.join("\n"), buttons > 0 ? { reply_markup: keyboard } : {});
  });
  return composer;
}
