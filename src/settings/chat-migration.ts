/**
 * A group that became a supergroup (reference/telegram.md §3: the service message
 * `migrate_to_chat_id`, or a 400 with `parameters.migrate_to_chat_id` to a send) is one chat with a
 * new id: the chat row records the move, and the connections, the chat's settings and every
 * destination that named the old id move to the new one, in one transaction. Deliveries still
 * pending under the old id follow the move when they send (src/delivery/chat-target.ts).
 */
import { type Db, withTransaction } from "../db/database.js";
import { migrateChat } from "../telegram/chat.repository.js";
import { moveChatSettings } from "./chat-settings.repository.js";

export async function moveMigratedChat(db: Db, fromId: number, toId: number, now: number): Promise<void> {
  if (fromId === toId) return;
  await withTransaction(db, async (tx) => {
    await migrateChat(tx, fromId, toId, now);
    await moveChatSettings(tx, fromId, toId, now);
  });
}
