/**
 * Leases are judged by the database's clock (src/db/db-clock.ts), which tests cannot set. Instead
 * of sleeping until a lease runs out, a test moves the lease relative to the database's now:
 * `expire…` writes an expiry just behind it, `hold…` one well ahead of it.
 */
import type { Executor } from "../../src/db/database.js";
import { dbNowMs } from "../../src/db/db-clock.js";

/** Every active job's lease ran out a moment ago (its worker stopped renewing). */
export async function expireJobLeases(db: Executor): Promise<void> {
  await db
    .updateTable("jobs")
    .set((eb) => ({ lease_expires_at: eb(dbNowMs(db), "-", 1) }))
    .where("state", "=", "active")
    .execute();
}

/** The refresh lease of `zoomUserId` ran out a moment ago (its holder is still inside its refresh). */
export async function expireRefreshLease(db: Executor, zoomUserId: string): Promise<void> {
  await db
    .updateTable("zoom_connections")
    .set((eb) => ({ refresh_lock_until: eb(dbNowMs(db), "-", 1) }))
    .where("zoom_user_id", "=", zoomUserId)
    .execute();
}

/** Someone else (`owner`, with fencing token `token`) holds the refresh lease for `ms` more. */
export async function holdRefreshLease(
  db: Executor,
  zoomUserId: string,
  owner: string,
  ms: number,
  token = `${owner}-token`,
): Promise<void> {
  await db
    .updateTable("zoom_connections")
    .set((eb) => ({
      refresh_lock_owner: owner,
      refresh_lock_token: token,
      refresh_lock_until: eb(dbNowMs(db), "+", ms),
    }))
    .where("zoom_user_id", "=", zoomUserId)
    .execute();
}
