/**
 * A flood of forged webhooks must cost the service a constant amount of work per request. Every
 * refused signature is counted for the operator alert (src/observability/admin-alerts.ts); that
 * count once re-filtered every failure still inside the window on every new one, so the work per
 * request grew with the flood: 40,000 forged requests within ten minutes took a minute of CPU.
 *
 * Measured as a count of work, not a clock: 200,000 failures inside one window, through the same
 * function the route calls, with and without an admin chat, must finish well inside a bound that
 * the quadratic version misses by orders of magnitude (it would need hours).
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createAdminAlerts } from "../../src/observability/admin-alerts.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createTestDatabase } from "../support/db.js";

describe("a forged-webhook flood", () => {
  it("costs constant work per refused request (200,000 inside one alert window)", async () => {
    const database = await createTestDatabase();
    onTestFinished(() => database.cleanup());
    for (const adminChatId of [undefined, -100]) {
      const clock = new ManualClock();
      const sent: string[] = [];
      const alerts = createAdminAlerts({
        adminChatId,
        db: database.db,
        clock,
        logger: silentLogger(),
        translator: { t: (_locale, key, vars) => `${key} ${JSON.stringify(vars)}` },
        send: async (_chat, text) => {
          sent.push(text);
        },
        verificationWindowMs: 10 * 60_000,
      });
      const started = performance.now();
      for (let i = 0; i < 200_000; i++) {
        // 333 forged requests a second for ten minutes.
        clock.advance(i % 3 === 0 ? 4 : 3);
        alerts.webhookVerificationFailed("bad_signature");
        // Requests arrive over time, a few at once: I/O (the alert's one lease query) happens
        // between them, as it would between requests.
        if (i % 10 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const elapsed = performance.now() - started;
      // Linear work takes well under a second here; the quadratic version needs hours.
      expect(elapsed).toBeLessThan(5_000);
      await alerts.settle();
      // The operator heard of it once (the window never passed).
      expect(sent).toHaveLength(adminChatId === undefined ? 0 : 1);
    }
  }, 60_000);
});
