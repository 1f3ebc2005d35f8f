import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { acquireLease, leaseHolder, releaseLease } from "../../src/leases/lease.js";
import { createPeriodicRunner } from "../../src/leases/periodic.js";
import { silentLogger } from "../../src/observability/logger.js";
import { TEST_DIALECT } from "../support/db.js";
import { databaseForEachTest } from "../support/each-test.js";

const t = databaseForEachTest();
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock();
});

describe(`leases on ${TEST_DIALECT}`, () => {
  it("one holder at a time; renewed by its holder; taken over only after it expires", async () => {
    const db = t.db.kysely;
    expect(await acquireLease(db, "x", "A", 20_000, clock.now())).toBe(true);
    expect(await acquireLease(db, "x", "B", 20_000, clock.now())).toBe(false);
    clock.advance(15_000);
    expect(await acquireLease(db, "x", "A", 20_000, clock.now())).toBe(true); // renewal
    clock.advance(15_000);
    expect(await acquireLease(db, "x", "B", 20_000, clock.now())).toBe(false); // renewed lease still valid
    clock.advance(5_001);
    expect(await acquireLease(db, "x", "B", 20_000, clock.now())).toBe(true); // A stopped renewing: B takes it
    expect(await acquireLease(db, "x", "A", 20_000, clock.now())).toBe(false);
    expect(await leaseHolder(db, "x", clock.now())).toBe("B");
    await releaseLease(db, "x", "A"); // not A's to release
    expect(await leaseHolder(db, "x", clock.now())).toBe("B");
    await releaseLease(db, "x", "B");
    expect(await leaseHolder(db, "x", clock.now())).toBeUndefined();
  });

  it("many contenders at once: exactly one wins", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => acquireLease(t.db.kysely, "race", `h${i}`, 10_000, clock.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("a periodic task runs once across processes per interval", async () => {
    const runs: string[] = [];
    const runner = (holder: string) =>
      createPeriodicRunner({
        db: t.db,
        clock,
        logger: silentLogger(),
        holder,
        tasks: [{ name: "sweep", intervalMs: 60_000, run: async () => void runs.push(holder) }],
      });
    const a = runner("A");
    const b = runner("B");
    expect(await a.runOnce()).toEqual(["sweep"]);
    expect(await b.runOnce()).toEqual([]);
    expect(await a.runOnce()).toEqual(["sweep"]); // the holder may run again (its own timer decides when)
    clock.advance(60_001);
    expect(await b.runOnce()).toEqual(["sweep"]); // A's hold ran out
    expect(runs).toEqual(["A", "A", "B"]);
  });
});
