/**
 * A flood of forged webhooks must cost the service a constant amount of work per request. Every
 * refused signature is counted for the operator alert (src/observability/admin-alerts.ts); that
 * count once re-filtered every failure still inside the window on every new one, so the work per
 * request grew with the flood: 40,000 forged requests within ten minutes took a minute of CPU.
 *
 * 50,000 failures inside one window, through the same function the route calls, with and without
 * an admin chat: the operator hears of it exactly once. No clock bound is asserted here (speed
 * belongs in benchmarks); the quadratic version made this test run past its timeout.
 */
import { describe, expect, it, onTestFinished } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createAdminAlerts } from "../../src/observability/admin-alerts.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createTestDatabase } from "../support/db.js";

describe("a forged-webhook flood", () => {
  it("is counted once per window and alerted once (50,000 inside one alert window)", async () => {
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
      for (let i = 0; i < 50_000; i++) {
        // 333 forged requests a second for ten minutes.
        clock.advance(i % 3 === 0 ? 4 : 3);
        alerts.webhookVerificationFailed("bad_signature");
        // Requests arrive over time, a few at once: I/O (the alert's one lease query) happens
        // between them, as it would between requests.
        if (i % 10 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await alerts.settle();
      // The operator heard of it once (the window never passed).
      expect(sent).toHaveLength(adminChatId === undefined ? 0 : 1);
    }
  }, 120_000);
});
