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
import { type Executor, withTransaction } from "../db/database.js";
import { describeError } from "../errors.js";
import { enqueueJob } from "../jobs/queue.js";
import { getChatSettings } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import { resolveChatTarget, threadOptions } from "./chat-target.js";
import { CARD_REFRESH_JOB, PARTS_TIMEOUT_JOB } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import {
  applyProgress,
  CARD_PARTS,
  type CardState,
  emptyCardState,
  isTerminal,
  type RenderedCard,
  renderMeetingCard,
} from "./meeting-card.render.js";
import {
  type CardRow,
  insertCardIfAbsent,
  lastChatEditAt,
  loadCardButtons,
  loadCardMeeting,
  lockCard,
  releaseCardMessage,
  saveCardShown,
  saveCardState,
} from "./meeting-card.repository.js";
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

/** The services and timings every step of the card works with. */
interface CardEnv {
  readonly services: DeliveryServices;
  readonly logger: DeliveryServices["logger"];
  readonly minEditIntervalMs: number;
  readonly creationStaleMs: number;
  readonly partsTimeoutMs: number;
}

/** One card: a meeting in a chat. */
interface CardKey {
  readonly meetingUuid: string;
  readonly chatId: number;
}

export function createMeetingCards(
  services: DeliveryServices,
  options: MeetingCardOptions = {},
): MeetingCards {
  const env: CardEnv = {
    services,
    logger: services.logger.child({ component: "delivery.card" }),
    minEditIntervalMs: options.minEditIntervalMs ?? 3_000,
    creationStaleMs: options.creationStaleMs ?? 60_000,
    partsTimeoutMs: options.partsTimeoutMs ?? 24 * 3_600_000,
  };
  // In-process serialization per card: concurrent jobs of one meeting take turns here, and the
  // locked transaction of `update` covers other processes.
  const chains = new Map<string, Promise<void>>();
  function serialized(key: CardKey, fn: () => Promise<void>): Promise<void> {
    const id = `${key.meetingUuid}\u0000${key.chatId}`;
    const previous = chains.get(id) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    chains.set(id, settled);
    void settled.then(() => {
      if (chains.get(id) === settled) chains.delete(id);
    });
    return next;
  }
  return {
    onProgress(event) {
      const key = { meetingUuid: event.meetingUuid, chatId: event.chatId };
      return serialized(key, () => sync(env, key, event));
    },
    refresh(meetingUuid, chatId) {
      const key = { meetingUuid, chatId };
      return serialized(key, () => sync(env, key, undefined));
    },
  };
}

/** Stores the event and shows the card: sent once, edited as parts change, paced per chat. */
async function sync(env: CardEnv, key: CardKey, event: PartProgress | undefined): Promise<void> {
  const updated = await update(env, key, event);
  if (!updated || updated.action.kind === "none") return;
  const { row, action, urgent } = updated;
  // A blocked bot has nobody to show a card to; the state is stored for when it is back.
  if ((await resolveChatTarget(env.services, key.chatId)).paused) return;
  const card = await render(env, key, row.state);
  if (action.kind === "send") {
    await sendCard(env, key, card, undefined);
    return;
  }
  if (card.text === row.lastText && markupKey(card) === (row.state.lastMarkup ?? "")) return;
  const now = env.services.clock.now();
  const lastEdit = await lastChatEditAt(env.services.db.kysely, key.chatId, now - env.minEditIntervalMs);
  if (!urgent && lastEdit !== undefined && now - lastEdit < env.minEditIntervalMs) {
    await scheduleRefresh(env, key, lastEdit + env.minEditIntervalMs);
    return;
  }
  await editCard(env, key, action.messageId, card);
}

/**
 * Applies the event to the stored state under the card's lock and decides what to do: send (this
 * caller takes the creation claim), edit, or nothing (another caller is sending it).
 */
async function update(
  env: CardEnv,
  key: CardKey,
  event: PartProgress | undefined,
): Promise<{ row: CardRow; action: Action; urgent: boolean } | undefined> {
  const { db, clock } = env.services;
  const now = clock.now();
  return withTransaction(db, async (tx) => {
    // Only a progress event creates a card; a refresh of a card that is gone does nothing.
    if (event) await insertCardIfAbsent(tx, key.meetingUuid, key.chatId, now);
    const row = await lockCard(tx, db.dialect, key.meetingUuid, key.chatId);
    if (!row) return undefined;
    let state = row.state;
    if (event) state = applyProgress(state, event, now);
    if (!state.timeoutScheduled) {
      state.timeoutScheduled = true;
      await enqueueJob(
        tx,
        {
          kind: PARTS_TIMEOUT_JOB,
          payload: { meetingUuid: key.meetingUuid, chatId: key.chatId },
          runAt: now + env.partsTimeoutMs,
          dedupeKey: `${PARTS_TIMEOUT_JOB}:${key.meetingUuid}:${key.chatId}`,
        },
        now,
        env.services.config.jobs.maxAttempts,
      );
    }
    let action: Action = { kind: "none" };
    if (row.messageId === null) {
      const claimFresh = state.creatingSince !== undefined && now - state.creatingSince < env.creationStaleMs;
      if (!claimFresh) {
        state.creatingSince = now;
        action = { kind: "send" };
      }
    } else {
      action = { kind: "edit", messageId: row.messageId };
    }
    await saveCardState(tx, key.meetingUuid, key.chatId, state, now);
    return { row: { ...row, state }, action, urgent: event !== undefined && isTerminal(event.status) };
  });
}

async function render(env: CardEnv, key: CardKey, state: CardState): Promise<RenderedCard> {
  const { db } = env.services;
  const [meeting, target, buttons, settings] = await Promise.all([
    loadCardMeeting(db.kysely, key.meetingUuid),
    resolveChatTarget(env.services, key.chatId),
    loadCardButtons(db.kysely, key.meetingUuid, key.chatId),
    getChatSettings(db.kysely, key.chatId, defaultChatSettings(env.services.config)),
  ]);
  return renderMeetingCard({
    state,
    meeting,
    buttons,
    locale: target.locale,
    translator: env.services.translator,
    hidden: new Set(CARD_PARTS.filter((part) => !settings.parts[part])),
  });
}

/** Runs `change` on the locked card row; nothing when the row is gone. */
function withCard<T>(
  env: CardEnv,
  key: CardKey,
  change: (row: CardRow, tx: Executor) => Promise<T>,
): Promise<T | undefined> {
  const { db } = env.services;
  return withTransaction(db, async (tx) => {
    const row = await lockCard(tx, db.dialect, key.meetingUuid, key.chatId);
    return row ? change(row, tx) : undefined;
  });
}

async function sendCard(
  env: CardEnv,
  key: CardKey,
  card: RenderedCard,
  replacing: number | undefined,
): Promise<void> {
  const { services } = env;
  let messageId: number;
  try {
    // A group that became a supergroup: the card goes where the chat is now.
    const target = await resolveChatTarget(services, key.chatId);
    const message = await services.telegram.sendMessage(target.chatId, card.text, {
      ...threadOptions(target),
      // The audio that follows is what people want to be notified about.
      disable_notification: true,
      ...(card.keyboard.length > 0 ? { reply_markup: { inline_keyboard: card.keyboard } } : {}),
    });
    messageId = message.message_id;
  } catch (error) {
    await giveUpCreationClaim(env, key);
    await onTelegramError(env, key, error, "send");
    return;
  }
  const now = services.clock.now();
  const changed =
    (await withCard(env, key, async (row, tx) => {
      delete row.state.creatingSince;
      row.state.editedAt = now;
      row.state.lastMarkup = markupKey(card);
      await saveCardShown(tx, key, { messageId, text: card.text, state: row.state }, now);
      return row.state;
    })) ?? emptyCardState();
  env.logger.debug(
    { ...key, messageId, replacing },
    replacing ? "meeting card replaced" : "meeting card sent",
  );
  // Events stored by other processes while we were sending: show them (paced like any edit).
  const latest = await render(env, key, changed);
  if (latest.text !== card.text || markupKey(latest) !== markupKey(card)) {
    await scheduleRefresh(env, key, now + env.minEditIntervalMs);
  }
}

/** A failed send gives up the claim, so the next event (or the refresh job) tries again. */
async function giveUpCreationClaim(env: CardEnv, key: CardKey): Promise<void> {
  await withCard(env, key, async (row, tx) => {
    if (row.messageId !== null) return;
    delete row.state.creatingSince;
    await saveCardState(tx, key.meetingUuid, key.chatId, row.state, env.services.clock.now());
  });
}

async function editCard(env: CardEnv, key: CardKey, messageId: number, card: RenderedCard): Promise<void> {
  const { services } = env;
  const now = services.clock.now();
  // Reserve the edit slot first, so another process in the same window defers instead.
  await withCard(env, key, async (row, tx) => {
    row.state.editedAt = now;
    await saveCardState(tx, key.meetingUuid, key.chatId, row.state, now);
  });
  try {
    const to = (await resolveChatTarget(services, key.chatId)).chatId;
    await services.telegram.editMessageText(to, messageId, card.text, {
      reply_markup: { inline_keyboard: card.keyboard },
    });
  } catch (error) {
    if (isNotModified(error)) await recordShown(env, key, messageId, card);
    else if (isGone(error)) await replaceGoneCard(env, key, messageId, error);
    else await onTelegramError(env, key, error, "edit");
    return;
  }
  await recordShown(env, key, messageId, card);
}

async function recordShown(env: CardEnv, key: CardKey, messageId: number, card: RenderedCard): Promise<void> {
  await withCard(env, key, async (row, tx) => {
    if (row.messageId !== messageId) return;
    row.state.lastMarkup = markupKey(card);
    await saveCardShown(tx, key, { messageId, text: card.text, state: row.state }, env.services.clock.now());
  });
}

/**
 * The card was deleted or is too old to edit: a new one replaces it. "can't be edited" means the
 * old card is still there (e.g. too old): remove it so the chat keeps one card per meeting. Best
 * effort: Telegram may refuse to delete old messages too.
 */
async function replaceGoneCard(env: CardEnv, key: CardKey, messageId: number, error: unknown): Promise<void> {
  const replaced = await replace(env, key, messageId);
  if (!replaced || isNotFound(error)) return;
  const to = (await resolveChatTarget(env.services, key.chatId)).chatId;
  await env.services.telegram.deleteMessage(to, messageId).catch((deleteError: unknown) => {
    env.logger.info({ ...key, err: describeError(deleteError) }, "old meeting card stays");
  });
}

/** Sends a new card unless someone already did (compare-and-set on the old message id). */
async function replace(env: CardEnv, key: CardKey, oldMessageId: number): Promise<boolean> {
  const now = env.services.clock.now();
  const claimed = await withCard(env, key, async (row, tx) => {
    if (row.messageId !== oldMessageId) return undefined;
    row.state.creatingSince = now;
    await releaseCardMessage(tx, key, oldMessageId, row.state, now);
    return row.state;
  });
  if (!claimed) return false;
  const card = await render(env, key, claimed);
  await sendCard(env, key, card, oldMessageId);
  return true;
}

async function onTelegramError(
  env: CardEnv,
  key: CardKey,
  error: unknown,
  op: "send" | "edit",
): Promise<void> {
  const now = env.services.clock.now();
  const retryAfter = error instanceof GrammyError ? error.parameters.retry_after : undefined;
  if (retryAfter !== undefined) {
    await scheduleRefresh(env, key, now + retryAfter * 1000);
    return;
  }
  const permanent = error instanceof GrammyError && error.error_code >= 400 && error.error_code < 500;
  env.logger.warn({ ...key, op, err: describeError(error) }, "meeting card update failed");
  // Network trouble or a Telegram 5xx: try again a little later. A 4xx (blocked, chat gone) is
  // left alone; the deliveries themselves report and pause the chat.
  if (!permanent) await scheduleRefresh(env, key, now + Math.max(env.minEditIntervalMs, 10_000));
}

async function scheduleRefresh(env: CardEnv, key: CardKey, at: number): Promise<void> {
  const { db, clock, notifier } = env.services;
  const now = clock.now();
  const runAt = Math.max(at, now);
  const id = await enqueueJob(
    db.kysely,
    {
      kind: CARD_REFRESH_JOB,
      payload: { meetingUuid: key.meetingUuid, chatId: key.chatId },
      runAt,
      maxAttempts: 5,
      // One refresh per card and due time: a burst of deferred events schedules it once.
      dedupeKey: `${CARD_REFRESH_JOB}:${key.meetingUuid}:${key.chatId}:${runAt}`,
    },
    now,
  );
  if (id !== null) notifier.notify();
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
