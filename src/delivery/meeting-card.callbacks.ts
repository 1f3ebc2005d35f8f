/**
 * The card's buttons: `card:resend:<deliveryId>` and `card:transcript:<deliveryId>` (both far
 * under Telegram's 64-byte callback_data limit). A press only checks the delivery belongs to this
 * chat and enqueues a `resend-part` job; the answer comes at once, the file a moment later. One
 * resend per delivery and minute, however often the button is pressed.
 */
import { Composer } from "grammy";
import type { Executor } from "../db/database.js";
import { enqueueJob } from "../jobs/queue.js";
import { getChatDestination } from "../settings/chat-settings.repository.js";
import { chatLocale } from "../telegram/chat.repository.js";
import type { BotContext } from "../telegram/context.js";
import { RESEND_PART_JOB, type ResendPartPayload } from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { findDeliveryById } from "./meeting-parts.repository.js";

const CARD_DATA = /^card:(resend|transcript):(\d{1,15})$/;

export function meetingCardComposer(services: DeliveryServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(CARD_DATA, async (ctx) => {
    const [, action, rawId] = ctx.match;
    const chatId = ctx.callbackQuery.message?.chat.id ?? ctx.chat?.id;
    if (chatId === undefined) {
      await ctx.answerCallbackQuery();
      return;
    }
    const answer = await decide(
      services.db.kysely,
      action === "transcript" ? "transcript" : "resend",
      Number(rawId),
      chatId,
    );
    // A card in a channel or group the chat chose as destination speaks the chat's language.
    const locale = await chatLocale(services.db.kysely, answer.kind === "resend" ? answer.chatId : chatId);
    const t = (key: string) => services.translator.t(locale, key);
    if (answer.kind === "refuse") {
      await ctx.answerCallbackQuery({ text: t(answer.key) });
      return;
    }
    const now = services.clock.now();
    const id = await enqueueJob(
      services.db.kysely,
      {
        kind: RESEND_PART_JOB,
        payload: { deliveryId: answer.deliveryId, chatId: answer.chatId } satisfies ResendPartPayload,
        dedupeKey: `${RESEND_PART_JOB}:${answer.deliveryId}:${Math.floor(now / 60_000)}`,
      },
      now,
      services.config.jobs.maxAttempts,
    );
    if (id !== null) services.notifier.notify();
    await ctx.answerCallbackQuery({
      text: t(action === "transcript" ? "callback-transcript-queued" : "callback-resend-queued"),
    });
  });
  return composer;
}

/** `chatId`: the chat the delivery belongs to (the card may be shown in its chosen destination). */
type Decision = { kind: "refuse"; key: string } | { kind: "resend"; deliveryId: number; chatId: number };

async function decide(
  db: Executor,
  action: "resend" | "transcript",
  deliveryId: number,
  chatId: number,
): Promise<Decision> {
  const delivery = Number.isSafeInteger(deliveryId) ? await findDeliveryById(db, deliveryId) : undefined;
  // A button from another chat (forwarded card) or for a purged delivery acts on nothing; a card
  // posted in the channel or group the delivery's chat chose as destination is its own.
  if (!delivery) return { kind: "refuse", key: "callback-expired" };
  const owner = Number(delivery.chat_id);
  if (owner !== chatId && (await getChatDestination(db, owner)).chatId !== chatId) {
    return { kind: "refuse", key: "callback-expired" };
  }
  if (action === "transcript") {
    if (delivery.kind !== "transcript" || delivery.state !== "delivered") {
      return { kind: "refuse", key: "callback-transcript-unavailable" };
    }
    return { kind: "resend", deliveryId, chatId: owner };
  }
  if (delivery.kind !== "audio" && delivery.kind !== "video")
    return { kind: "refuse", key: "callback-expired" };
  if (delivery.state !== "delivered" && delivery.state !== "failed")
    return { kind: "refuse", key: "callback-expired" };
  return { kind: "resend", deliveryId, chatId: owner };
}
