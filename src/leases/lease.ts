/**
 * Named leases in the database: whatever must happen once across the fleet (Telegram long
 * polling, periodic sweeps) is done only by the current holder. A lease is taken when free or
 * expired, renewed by its holder, and lost when the holder stops renewing (it died).
 */
import type { Executor } from "../db/database.js";

/** Takes or renews `name` for `holder` until now + ttlMs; true when `holder` holds it afterwards. */
export async function acquireLease(
  db: Executor,
  name: string,
  holder: string,
  ttlMs: number,
  now: number,
): Promise<boolean> {
  await db
    .insertInto("leases")
    .values({ name, holder, expires_at: now + ttlMs, acquired_at: now })
    .onConflict((oc) =>
      oc
        .column("name")
        .doUpdateSet({ holder, expires_at: now + ttlMs })
        // Only the holder renews; anyone takes an expired lease.
        .where((eb) => eb.or([eb("leases.holder", "=", holder), eb("leases.expires_at", "<", now)])),
    )
    .execute();
  const row = await db.selectFrom("leases").select(["holder"]).where("name", "=", name).executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
}

export async function leaseHolder(db: Executor, name: string, now: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("leases")
    .select(["holder", "expires_at"])
    .where("name", "=", name)
    .executeTakeFirst();
  return row && row.expires_at >= now ? row.holder : undefined;
}
