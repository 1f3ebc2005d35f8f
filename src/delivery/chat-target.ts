/**
 * The chat a delivery goes to, and how its two special Telegram answers are handled
 * (reference/telegram.md §3.2, §3.4, §7.12–13):
 *
 * - 403 (blocked, kicked, deactivated): the chat is paused (src/telegram/chat.repository.ts) and
 *   the error is final, so no retry storm follows; later jobs for a paused chat skip at once.
 * - 400 with `migrate_to_chat_id`: the group became a supergroup. The move is recorded (chat row,
 *   connections) and the same call goes to the new id; that is not a re-send, the first one failed.
 */

import { AppError } from "../errors.js";
import type { Locale } from "../i18n/locales.js";
import { chatLocale, findChat, migrateChat, pauseChat } from "../telegram/chat.repository.js";
import type { DeliveryServices } from "./delivery-services.js";

export interface ChatTarget {
  /** The chat the delivery row names. */
  readonly originalChatId: number;
  /** Where messages go now (follows recorded migrations). */
  chatId: number;
  readonly paused: boolean;
  readonly locale: Locale;
}

/** Follows `migrated_to` links (a few hops at most; a loop is cut). */
export async function resolveChatTarget(services: DeliveryServices, chatId: number): Promise<ChatTarget> {
  let current = chatId;
  let row = await findChat(services.db.kysely, current);
  for (let hops = 0; row?.status === "migrated" && row.migrated_to !== null && hops < 5; hops++) {
    current = Number(row.migrated_to);
    row = await findChat(services.db.kysely, current);
  }
  return {
    originalChatId: chatId,
    chatId: current,
    paused: row?.status === "paused",
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
  call: (chatId: number) => Promise<T>,
): Promise<T> {
  for (let moves = 0; ; moves++) {
    try {
      return await call(target.chatId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
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
        await migrateChat(services.db.kysely, target.chatId, next, services.clock.now());
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
