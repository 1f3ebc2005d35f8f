/**
 * Leftover media (a process killed mid-download) is deleted by the periodic sweep once older than
 * MEDIA_TTL_HOURS; fresh workspaces of running jobs stay.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MEDIA_SWEEP_TASK } from "../../src/ops/media-sweep.js";
import { TEST_DIALECT } from "../support/db.js";
import { type DeliveryHarness, startDeliveryHarness } from "./harness.js";

let bench: DeliveryHarness | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe(`media sweep on ${TEST_DIALECT}`, () => {
  it("deletes files older than MEDIA_TTL_HOURS and keeps fresh ones", async () => {
    bench = await startDeliveryHarness({ env: { MEDIA_TTL_HOURS: "2" } });
    const now = bench.clock.now();
    const old = join(bench.mediaDir, "deliver-17");
    const fresh = join(bench.mediaDir, "deliver-18");
    mkdirSync(old);
    mkdirSync(fresh);
    writeFileSync(join(old, "source-1.m4a"), "stale");
    writeFileSync(join(fresh, "source-1.m4a"), "in use");
    const threeHoursAgo = new Date(now - 3 * 3_600_000);
    const oneHourAgo = new Date(now - 3_600_000);
    utimesSync(join(old, "source-1.m4a"), threeHoursAgo, threeHoursAgo);
    utimesSync(old, threeHoursAgo, threeHoursAgo);
    utimesSync(join(fresh, "source-1.m4a"), oneHourAgo, oneHourAgo);
    utimesSync(fresh, oneHourAgo, oneHourAgo);

    const ran = await bench.app.periodic.runOnce();
    expect(ran).toContain(MEDIA_SWEEP_TASK);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(join(fresh, "source-1.m4a"))).toBe(true);
  });
});
