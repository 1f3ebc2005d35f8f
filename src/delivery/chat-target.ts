/**
 * The chat a delivery goes to, and how its two special Telegram answers are handled
 * (reference/telegram.md §3.2, §3.4, §7.12–13):
 *
 * - 403 (blocked, kicked, deactivated): the chat is paused (src/telegram/chat.repository.ts) and
 *   the error is final, so no retry storm follows; later jobs for a paused chat skip at once.
 * - 400 with `migrate_to_chat_id`: the group became a supergroup. The move is recorded (chat row,
 *   connections, settings and destinations) and the same call goes to the new id; that is not a
 *   re-send, the first one failed. Deliveries still pending under the old id follow the move.
 *
 * A chat may send its deliveries elsewhere (/settings, src/settings/chat-settings.repository.ts):
 * a forum topic (`message_thread_id`, which every send spreads in from `call`'s second argument)
 * or a channel or group. When that destination stops accepting posts — a closed or deleted
 * topic, a channel or group the bot was removed from or may no longer post in — deliveries are
 * paused with the reason, the original chat is told once, and the error is final.
 */

import { AppError, describeError } from "../errors.js";
import type { Locale } from "../i18n/locales.js";
import { moveMigratedChat } from "../settings/chat-migration.js";
import { getChatDestination, pauseChatDestination } from "../settings/chat-settings.repository.js";
import { chatLocale, currentChatId, findChat, pauseChat } from "../telegram/chat.repository.js";
import type { DeliveryServices } from "./delivery-services.js";

export interface ChatTarget {
  /** The chat the delivery row names. */
  readonly originalChatId: number;
  /** Where messages go now (follows recorded migrations, or the chosen channel or group). */
  chatId: number;
  /** Forum topic to post in (`message_thread_id`); null: none, or the General topic. */
  readonly threadId: number | null;
  /** The chat chose where deliveries go (a topic, a channel or group): its title, if any. */
  readonly destination: { readonly title: string | null } | null;
  readonly paused: boolean;
  readonly locale: Locale;
}

/** What each send adds to its options so the message lands in the chosen forum topic. */
export interface ThreadOptions {
  message_thread_id?: number;
}

export function threadOptions(target: ChatTarget): ThreadOptions {
  return target.threadId !== null ? { message_thread_id: target.threadId } : {};
}

/** Follows `migrated_to` links (a few hops at most; a loop is cut). */
export async function resolveChatTarget(services: DeliveryServices, chatId: number): Promise<ChatTarget> {
  const current = await currentChatId(services.db.kysely, chatId);
  const row = await findChat(services.db.kysely, current);
  // The destination moved with the chat (src/settings/chat-migration.ts).
  const destination = await getChatDestination(services.db.kysely, current);
  const elsewhere = destination.chatId !== null;
  const chosen = elsewhere || destination.threadId !== null;
  return {
    originalChatId: chatId,
    chatId: elsewhere ? (destination.chatId as number) : current,
    threadId: destination.threadId,
    destination: chosen ? { title: destination.title } : null,
    paused: (!elsewhere && row?.status === "paused") || destination.pausedReason !== null,
    locale: await chatLocale(services.db.kysely, current),
  };
}

/**
 * Runs one Bot API call against the target chat, handling 403 and migration. `call` receives the
 * chat id to use; it must throw classified AppErrors (src/delivery/telegram-upload.ts).
 */
export async function sendToChat<T>(
  services: DeliveryServices,
  target: ChatTarget,
  call: (chatId: number, thread: ThreadOptions) => Promise<T>,
): Promise<T> {
  for (let moves = 0; ; moves++) {
    try {
      return await call(target.chatId, threadOptions(target));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const lost = target.destination ? destinationLoss(error) : undefined;
      if (lost) {
        await pauseDestination(services, target, lost);
        throw error;
      }
      if (error.code === "telegram.chat_blocked") {
        await pauseChat(
          services.db.kysely,
          target.chatId,
          String(error.details?.description ?? error.message),
          services.clock.now(),
        );
        throw error;
      }
      const next = error.details?.migrateToChatId;
      if (error.code === "telegram.chat_migrated" && typeof next === "number" && moves < 2) {
        await moveMigratedChat(services.db, target.chatId, next, services.clock.now());
        services.logger.info(
          { from: target.chatId, to: next },
          "chat migrated to a supergroup; delivering there",
        );
        target.chatId = next;
        continue;
      }
      throw error;
    }
  }
}

type DestinationLoss = "reason-topic-closed" | "reason-topic-deleted" | "reason-destination-lost";

/** Whether Telegram's refusal means the chosen topic, channel or group no longer takes posts. */
function destinationLoss(error: AppError): DestinationLoss | undefined {
  const description = String(error.details?.description ?? "");
  if (/TOPIC_CLOSED/i.test(description)) return "reason-topic-closed";
  if (/message thread not found|TOPIC_DELETED|TOPIC_ID_INVALID/i.test(description)) {
    return "reason-topic-deleted";
  }
  if (error.code === "telegram.chat_blocked") return "reason-destination-lost";
  if (
    error.code === "telegram.rejected" &&
    /need administrator rights|not enough rights|CHAT_WRITE_FORBIDDEN|chat not found/i.test(description)
  ) {
    return "reason-destination-lost";
  }
  return undefined;
}

/**
 * Pauses the chat's deliveries with the reason in its language and tells the original chat once
 * (in its General topic: the chosen topic may be the one that is gone).
 */
async function pauseDestination(
  services: DeliveryServices,
  target: ChatTarget,
  key: DestinationLoss,
): Promise<void> {
  const title = target.destination?.title ?? String(target.chatId);
  const reason = services.translator.t(target.locale, key, { title });
  const before = await getChatDestination(services.db.kysely, target.originalChatId);
  await pauseChatDestination(services.db.kysely, target.originalChatId, reason, services.clock.now());
  services.logger.warn(
    { chatId: target.originalChatId, destination: target.chatId, threadId: target.threadId, reason: key },
    "delivery destination lost; deliveries paused",
  );
  if (before.pausedReason !== null) return;
  const text = services.translator.t(target.locale, "destination-paused-notice", { reason });
  await services.telegram.sendMessage(target.originalChatId, text).catch((error: unknown) => {
    services.logger.info(
      { chatId: target.originalChatId, err: describeError(error) },
      "could not tell the chat its deliveries are paused",
    );
  });
}
