/**
 * Spent connect links (issue #13): a link is spent when its OAuth flow starts, so opening it a
 * second time — a replay, a second tab, a copy — starts nothing. Keyed by a hash of the link's
 * signature; rows are useless once the link itself has expired and the retention task prunes them.
 */
import type { Executor } from "../db/database.js";
import { deletedRows } from "../db/deleted-rows.js";

export interface SpendLinkInput {
  linkId: string;
  chatId: number;
  telegramUserId: number;
  /** The link's own expiry, ms. */
  expiresAt: number;
}

/** Marks the link spent; false when it was spent already (by this or any other process). */
export async function spendConnectLink(db: Executor, link: SpendLinkInput, now: number): Promise<boolean> {
  const result = await db
    .insertInto("connect_links_spent")
    .values({
      link_hash: link.linkId,
      chat_id: link.chatId,
      telegram_user_id: link.telegramUserId,
      expires_at: link.expiresAt,
      spent_at: now,
    })
    .onConflict((oc) => oc.column("link_hash").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Forgets spent links that expired before `before` (they can no longer verify anyway). */
export async function deleteExpiredConnectLinks(db: Executor, before: number): Promise<number> {
  return deletedRows(db.deleteFrom("connect_links_spent").where("expires_at", "<", before));
}
