/**
 * One live message per meeting and chat, edited as the meeting's parts arrive (issue #5). It is a
 * ProgressBus listener: jobs publish part states, the card stores them in `meeting_cards.state`
 * and renders the whole card from that state on every change.
 *
 * Rules it keeps:
 * - Race-free creation: the row is inserted first (insert-or-ignore) inside a locked transaction,
 *   and only the caller that marks it `creatingSince` sends the message; everybody else only
 *   stores state. A crashed sender's claim goes stale and the next event takes over.
 * - Never two cards: a card that can no longer be edited is replaced with a compare-and-set on its
 *   old message id, so concurrent editors cannot both send a replacement.
 * - Telegram's per-chat limits (reference/telegram.md §3.3): state is stored always, but a chat's
 *   cards are edited at most once per `minEditIntervalMs` (injected clock); a deferred edit runs
 *   as a `meeting-card-refresh` job at the end of the window. Settled parts (done / failed /
 *   unavailable) edit at once. An unchanged text is never sent.
 */
import { GrammyError } from "grammy";
import type { Db, Executor } from "../db/database.js";
import { withTransaction } from "../db/database.js";
import { describeError } from "../errors.js";
import { enqueueJob } from "../jobs/queue.js";
import { resolveChatTarget } from "./chat-target.js";
import { CARD_REFRESH_JOB, type CardRefreshPayload, PARTS_TIMEOUT_JOB } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  applyProgress,
  type CardButtons,
  type CardMeeting,
  type CardState,
  emptyCardState,
  isTerminal,
  parseCardState,
  type RenderedCard,
  renderMeetingCard,
} from "./meeting-card.render.js";
import type { PartProgress } from "./progress.js";

export interface MeetingCardOptions {
  /** Shortest time between two edits of cards in one chat. Default 3000 ms. */
  minEditIntervalMs?: number;
  /** A `creatingSince` claim older than this is taken over (its sender died). Default 60 s. */
  creationStaleMs?: number;
  /**
   * How long after a card appears the parts still pending are declared unavailable (a transcript
   * that never comes). Zoom may take up to 24 h to process (zoom.md §4.3). Default 24 h.
   */
  partsTimeoutMs?: number;
}

export interface MeetingCards {
  /** The ProgressBus listener. Never throws for Telegram trouble: the delivery goes on. */
  onProgress(event: PartProgress): Promise<void>;
  /** Re-renders a card from its stored state and edits it if due (the refresh job). */
  refresh(meetingUuid: string, chatId: number): Promise<void>;
}

type Action = { kind: "none" } | { kind: "send" } | { kind: "edit"; messageId: number };

interface CardRow {
  messageId: number | null;
  state: CardState;
  lastText: string | null;
}

export function createMeetingCards(
  services: DeliveryServices,
  options: MeetingCardOptions = {},
): MeetingCards {
  const minEditIntervalMs = options.minEditIntervalMs ?? 3_000;
  const creationStaleMs = options.creationStaleMs ?? 60_000;
  const partsTimeoutMs = options.partsTimeoutMs ?? 24 * 3_600_000;
  const { db, clock } = services;
  const logger = services.logger.child({ component: "delivery.card" });

  // In-process serialization per card: concurrent jobs of one meeting take turns here, and the
  // locked transaction below covers other processes.
  const chains = new Map<string, Promise<void>>();
  function serialized(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return next;
  }

  async function update(
    meetingUuid: string,
    chatId: number,
    event: PartProgress | undefined,
  ): Promise<{ row: CardRow; action: Action; urgent: boolean } | undefined> {
    const now = clock.now();
    return withTransaction(db, async (tx) => {
      // Only a progress event creates a card; a refresh of a card that is gone does nothing.
      if (event)
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
      const row = await lockCard(tx, db, meetingUuid, chatId);
      if (!row) return undefined;
      let state = row.state;
      if (event) state = applyProgress(state, event, now);
      if (!state.timeoutScheduled) {
        state.timeoutScheduled = true;
        await enqueueJob(
          tx,
          {
            kind: PARTS_TIMEOUT_JOB,
            payload: { meetingUuid, chatId } satisfies CardRefreshPayload,
            runAt: now + partsTimeoutMs,
            dedupeKey: `${PARTS_TIMEOUT_JOB}:${meetingUuid}:${chatId}`,
          },
          now,
          services.config.jobs.maxAttempts,
        );
      }
      let action: Action = { kind: "none" };
      if (row.messageId === null) {
        const claimFresh = state.creatingSince !== undefined && now - state.creatingSince < creationStaleMs;
        if (!claimFresh) {
          state.creatingSince = now;
          action = { kind: "send" };
        }
      } else {
        action = { kind: "edit", messageId: row.messageId };
      }
      await saveState(tx, meetingUuid, chatId, state, now);
      return { row: { ...row, state }, action, urgent: event !== undefined && isTerminal(event.status) };
    });
  }

  async function sync(meetingUuid: string, chatId: number, event: PartProgress | undefined): Promise<void> {
    const updated = await update(meetingUuid, chatId, event);
    if (!updated || updated.action.kind === "none") return;
    const { row, action, urgent } = updated;
    // A blocked bot has nobody to show a card to; the state is stored for when it is back.
    if ((await resolveChatTarget(services, chatId)).paused) return;
    const card = await render(meetingUuid, chatId, row.state);
    if (action.kind === "send") {
      await sendCard(meetingUuid, chatId, card, undefined);
      return;
    }
    if (card.text === row.lastText && markupKey(card) === (row.state.lastMarkup ?? "")) return;
    const now = clock.now();
    const lastEdit = await lastChatEditAt(db.kysely, chatId, now - minEditIntervalMs);
    if (!urgent && lastEdit !== undefined && now - lastEdit < minEditIntervalMs) {
      await scheduleRefresh(meetingUuid, chatId, lastEdit + minEditIntervalMs);
      return;
    }
    await editCard(meetingUuid, chatId, action.messageId, card);
  }

  async function render(meetingUuid: string, chatId: number, state: CardState): Promise<RenderedCard> {
    const [meeting, target, buttons] = await Promise.all([
      loadCardMeeting(db.kysely, meetingUuid),
      resolveChatTarget(services, chatId),
      loadCardButtons(db.kysely, meetingUuid, chatId),
    ]);
    return renderMeetingCard({
      state,
      meeting,
      buttons,
      locale: target.locale,
      translator: services.translator,
    });
  }

  async function sendCard(
    meetingUuid: string,
    chatId: number,
    card: RenderedCard,
    replacing: number | undefined,
  ): Promise<void> {
    let messageId: number;
    try {
      // A group that became a supergroup: the card goes where the chat is now.
      const to = (await resolveChatTarget(services, chatId)).chatId;
      const message = await services.telegram.sendMessage(to, card.text, {
        // The audio that follows is what people want to be notified about.
        disable_notification: true,
        ...(card.keyboard.length > 0 ? { reply_markup: { inline_keyboard: card.keyboard } } : {}),
      });
      messageId = message.message_id;
    } catch (error) {
      // Give up the claim so the next event (or the refresh job) tries again.
      await withTransaction(db, async (tx) => {
        const row = await lockCard(tx, db, meetingUuid, chatId);
        if (row && row.messageId === null) {
          delete row.state.creatingSince;
          await saveState(tx, meetingUuid, chatId, row.state, clock.now());
        }
      });
      await onTelegramError(meetingUuid, chatId, error, "send");
      return;
    }
    const now = clock.now();
    const changed = await withTransaction(db, async (tx) => {
      const row = await lockCard(tx, db, meetingUuid, chatId);
      if (!row) return emptyCardState();
      delete row.state.creatingSince;
      row.state.editedAt = now;
      row.state.lastMarkup = markupKey(card);
      await tx
        .updateTable("meeting_cards")
        .set({
          message_id: messageId,
          last_text: card.text,
          state: JSON.stringify(row.state),
          updated_at: now,
        })
        .where("meeting_uuid", "=", meetingUuid)
        .where("chat_id", "=", chatId)
        .execute();
      return row.state;
    });
    logger.debug(
      { meetingUuid, chatId, messageId, replacing },
      replacing ? "meeting card replaced" : "meeting card sent",
    );
    // Events stored by other processes while we were sending: show them (paced like any edit).
    const latest = await render(meetingUuid, chatId, changed);
    if (latest.text !== card.text || markupKey(latest) !== markupKey(card)) {
      await scheduleRefresh(meetingUuid, chatId, now + minEditIntervalMs);
    }
  }

  async function editCard(
    meetingUuid: string,
    chatId: number,
    messageId: number,
    card: RenderedCard,
  ): Promise<void> {
    const now = clock.now();
    // Reserve the edit slot first, so another process in the same window defers instead.
    await withTransaction(db, async (tx) => {
      const row = await lockCard(tx, db, meetingUuid, chatId);
      if (!row) return;
      row.state.editedAt = now;
      await saveState(tx, meetingUuid, chatId, row.state, now);
    });
    try {
      const to = (await resolveChatTarget(services, chatId)).chatId;
      await services.telegram.editMessageText(to, messageId, card.text, {
        reply_markup: { inline_keyboard: card.keyboard },
      });
    } catch (error) {
      if (isNotModified(error)) {
        await recordShown(meetingUuid, chatId, messageId, card);
        return;
      }
      if (isGone(error)) {
        const replaced = await replace(meetingUuid, chatId, messageId);
        // "can't be edited" means the old card is still there (e.g. too old): remove it so the chat
        // keeps one card per meeting. Best effort: Telegram may refuse to delete old messages too.
        if (replaced && !isNotFound(error)) {
          const to = (await resolveChatTarget(services, chatId)).chatId;
          await services.telegram.deleteMessage(to, messageId).catch((deleteError: unknown) => {
            logger.info({ meetingUuid, chatId, err: describeError(deleteError) }, "old meeting card stays");
          });
        }
        return;
      }
      await onTelegramError(meetingUuid, chatId, error, "edit");
      return;
    }
    await recordShown(meetingUuid, chatId, messageId, card);
  }

  async function recordShown(meetingUuid: string, chatId: number, messageId: number, card: RenderedCard) {
    await withTransaction(db, async (tx) => {
      const row = await lockCard(tx, db, meetingUuid, chatId);
      if (!row || row.messageId !== messageId) return;
      row.state.lastMarkup = markupKey(card);
      await tx
        .updateTable("meeting_cards")
        .set({ last_text: card.text, state: JSON.stringify(row.state), updated_at: clock.now() })
        .where("meeting_uuid", "=", meetingUuid)
        .where("chat_id", "=", chatId)
        .execute();
    });
  }

  /** The card was deleted or is too old to edit: send a new one, unless someone already did. */
  async function replace(meetingUuid: string, chatId: number, oldMessageId: number): Promise<boolean> {
    const now = clock.now();
    const claimed = await withTransaction(db, async (tx) => {
      const row = await lockCard(tx, db, meetingUuid, chatId);
      if (!row || row.messageId !== oldMessageId) return undefined;
      row.state.creatingSince = now;
      await tx
        .updateTable("meeting_cards")
        .set({ message_id: null, last_text: null, state: JSON.stringify(row.state), updated_at: now })
        .where("meeting_uuid", "=", meetingUuid)
        .where("chat_id", "=", chatId)
        .where("message_id", "=", oldMessageId)
        .execute();
      return row.state;
    });
    if (!claimed) return false;
    const card = await render(meetingUuid, chatId, claimed);
    await sendCard(meetingUuid, chatId, card, oldMessageId);
    return true;
  }

  async function onTelegramError(meetingUuid: string, chatId: number, error: unknown, op: "send" | "edit") {
    const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
    if (retryAfter !== undefined) {
      await scheduleRefresh(meetingUuid, chatId, clock.now() + retryAfter * 1000);
      return;
    }
    const permanent = error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500;
    logger.warn({ meetingUuid, chatId, op, err: describeError(error) }, "meeting card update failed");
    // Network trouble or a Telegram 5xx: try again a little later. A 4xx (blocked, chat gone) is
    // left alone; the deliveries themselves report and pause the chat.
    if (!permanent)
      await scheduleRefresh(meetingUuid, chatId, clock.now() + Math.max(minEditIntervalMs, 10_000));
  }

  async function scheduleRefresh(meetingUuid: string, chatId: number, at: number): Promise<void> {
    const now = clock.now();
    const runAt = Math.max(at, now);
    const id = await enqueueJob(
      db.kysely,
      {
        kind: CARD_REFRESH_JOB,
        payload: { meetingUuid, chatId } satisfies CardRefreshPayload,
        runAt,
        maxAttempts: 5,
        // One refresh per card and due time: a burst of deferred events schedules it once.
        dedupeKey: `${CARD_REFRESH_JOB}:${meetingUuid}:${chatId}:${runAt}`,
      },
      now,
    );
    if (id !== null) services.notifier.notify();
  }

  return {
    onProgress(event) {
      return serialized(`${event.meetingUuid}\u0000${event.chatId}`, () =>
        sync(event.meetingUuid, event.chatId, event),
      );
    },
    refresh(meetingUuid, chatId) {
      return serialized(`${meetingUuid}\u0000${chatId}`, () => sync(meetingUuid, chatId, undefined));
    },
  };
}

/** Reads (and on PostgreSQL row-locks) a card inside a transaction. */
async function lockCard(
  tx: Executor,
  db: Db,
  meetingUuid: string,
  chatId: number,
): Promise<CardRow | undefined> {
  let query = tx
    .selectFrom("meeting_cards")
    .select(["message_id", "state", "last_text"])
    .where("meeting_uuid", "=", meetingUuid)
    .where("chat_id", "=", chatId);
  // SQLite transactions here are BEGIN IMMEDIATE (one writer at a time) and know no FOR UPDATE.
  if (db.dialect === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  return {
    messageId: row.message_id === null ? null : Number(row.message_id),
    state: parseCardState(row.state),
    lastText: row.last_text,
  };
}

async function saveState(tx: Executor, meetingUuid: string, chatId: number, state: CardState, now: number) {
  await tx
    .updateTable("meeting_cards")
    .set({ state: JSON.stringify(state), updated_at: now })
    .where("meeting_uuid", "=", meetingUuid)
    .where("chat_id", "=", chatId)
    .execute();
}

/** The latest send or edit of any card in the chat within the pacing window. */
async function lastChatEditAt(db: Executor, chatId: number, since: number): Promise<number | undefined> {
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
  const rows = await db
    .selectFrom("deliveries")
    .select(["id", "kind", "state"])
    .where("meeting_uuid", "=", meetingUuid)
    .where("chat_id", "=", chatId)
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

function isNotFound(error: unknown): boolean {
  return error instanceof GrammyError && /message to edit not found/i.test(error.description);
}

function markupKey(card: RenderedCard): string {
  return JSON.stringify(card.keyboard);
}

function isNotModified(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message is not modified/i.test(error.description)
  );
}

/** "message to edit not found", "message can't be edited" (too old, or deleted by someone). */
function isGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code === 400 &&
    /message to edit not found|message can't be edited|message_id_invalid/i.test(error.description)
  );
}
