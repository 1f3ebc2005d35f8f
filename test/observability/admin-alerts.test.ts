/**
 * Operator alerts: what reaches ADMIN_CHAT_ID, in the admin chat's language, and how often. The
 * rate limit holds across processes (two alert instances on one database send once), suppressed
 * alerts are counted into the next message, and a failing Telegram never throws into the caller.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { type AdminAlerts, createAdminAlerts } from "../../src/observability/admin-alerts.js";
import { silentLogger } from "../../src/observability/logger.js";
import { upsertChat } from "../../src/telegram/chat.repository.js";
import { startOpsHarness } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { databaseForEachTest } from "../support/each-test.js";

const ADMIN = -100500;
const translator = createTranslator({ onWarning: (m) => expect.fail(m) });

describe(`admin alerts on ${TEST_DIALECT}`, () => {
  const t = databaseForEachTest();
  let clock: ManualClock;
  let sent: Array<{ chatId: number; text: string }>;
  beforeEach(() => {
    clock = new ManualClock();
    sent = [];
  });

  function alerts(overrides: Partial<Parameters<typeof createAdminAlerts>[0]> = {}): AdminAlerts {
    return createAdminAlerts({
      adminChatId: ADMIN,
      db: t.db,
      clock,
      logger: silentLogger(),
      translator,
      send: async (chatId, text) => void sent.push({ chatId, text }),
      ...overrides,
    });
  }

  it("does nothing without ADMIN_CHAT_ID", async () => {
    const a = alerts({ adminChatId: undefined });
    expect(a.enabled).toBe(false);
    await a.jobDead({ id: 1, kind: "deliver-recording" }, "boom");
    for (let i = 0; i < 10; i++) a.webhookVerificationFailed("bad_signature");
    await a.settle();
    expect(sent).toEqual([]);
  });

  it("a dead job is reported once per kind per window; the next message counts what was held back", async () => {
    const a = alerts({ minIntervalMs: 15 * 60_000 });
    await a.jobDead({ id: 41, kind: "deliver-recording" }, "telegram.rate_limited: Too Many Requests");
    expect(sent).toEqual([
      {
        chatId: ADMIN,
        text: "🚨 Job 41 (deliver-recording) failed for good: telegram.rate_limited: Too Many Requests",
      },
    ]);
    await a.jobDead({ id: 42, kind: "deliver-recording" }, "again");
    await a.jobDead({ id: 43, kind: "deliver-recording" }, "and again");
    expect(sent).toHaveLength(1);
    await a.jobDead({ id: 44, kind: "deliver-transcript" }, "other kind");
    expect(sent.map((s) => s.text)).toEqual([
      expect.stringContaining("Job 41"),
      expect.stringContaining("Job 44"),
    ]);

    clock.advance(15 * 60_000 + 1);
    await a.jobDead({ id: 45, kind: "deliver-recording" }, "later");
    expect(sent[2]?.text).toBe(
      "🚨 Job 45 (deliver-recording) failed for good: later\n\n2 more alerts like this were held back in the last 15 minutes.",
    );
    clock.advance(15 * 60_000 + 1);
    await a.jobDead({ id: 46, kind: "deliver-recording" }, "quiet again");
    expect(sent[3]?.text).toBe("🚨 Job 46 (deliver-recording) failed for good: quiet again");
  });

  it("holds the rate limit across processes sharing the database", async () => {
    const a = alerts();
    const b = alerts();
    await Promise.all([
      a.jobDead({ id: 1, kind: "deliver-recording" }, "x"),
      b.jobDead({ id: 2, kind: "deliver-recording" }, "y"),
    ]);
    expect(sent).toHaveLength(1);
  });

  it("scrubs the reason and keeps it short", async () => {
    const a = alerts({ redact: (s) => s.replaceAll("SECRET-TOKEN", "[redacted]") });
    await a.jobDead({ id: 7, kind: "k" }, `download failed with SECRET-TOKEN ${"x".repeat(5000)}`);
    expect(sent[0]?.text).toContain("[redacted]");
    expect(sent[0]?.text).not.toContain("SECRET-TOKEN");
    expect(sent[0]!.text.length).toBeLessThan(700);
  });

  it("speaks the admin chat's language", async () => {
    await upsertChat(t.db.kysely, { id: ADMIN, type: "group", title: "ops" }, "de", clock.now());
    await alerts().jobDead({ id: 9, kind: "deliver-recording" }, "kaputt");
    expect(sent[0]?.text).toBe("🚨 Job 9 (deliver-recording) ist endgültig fehlgeschlagen: kaputt");
  });

  it("never throws when Telegram fails", async () => {
    const a = alerts({
      send: async () => {
        throw new Error("Telegram down");
      },
    });
    await expect(a.jobDead({ id: 1, kind: "k" }, "x")).resolves.toBeUndefined();
    for (let i = 0; i < 5; i++) a.webhookVerificationFailed("bad_signature");
    await expect(a.settle()).resolves.toBeUndefined();
  });

  it("verification failures alert once they repeat within the window, and not again until it passes", async () => {
    const a = alerts({
      verificationThreshold: 5,
      verificationWindowMs: 10 * 60_000,
      minIntervalMs: 10 * 60_000,
    });
    for (let i = 0; i < 4; i++) {
      a.webhookVerificationFailed("bad_signature");
      clock.advance(60_000);
    }
    await a.settle();
    expect(sent).toEqual([]);
    // The first failure is now older than the window: four remain, plus this one.
    clock.advance(6 * 60_000 + 1);
    a.webhookVerificationFailed("bad_signature");
    await a.settle();
    expect(sent).toEqual([]);
    a.webhookVerificationFailed("stale_timestamp");
    await a.settle();
    expect(sent).toEqual([
      {
        chatId: ADMIN,
        text: "⚠️ 5 Zoom webhook requests failed signature verification in the last 10 minutes. Check ZOOM_WEBHOOK_SECRET, or someone may be sending forged requests.",
      },
    ]);
    for (let i = 0; i < 20; i++) a.webhookVerificationFailed("bad_signature");
    await a.settle();
    expect(sent).toHaveLength(1);
    clock.advance(10 * 60_000 + 1);
    for (let i = 0; i < 5; i++) a.webhookVerificationFailed("bad_signature");
    await a.settle();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.text).toContain("more alerts like this were held back");
  });
});

describe(`admin alerts in the running app on ${TEST_DIALECT}`, () => {
  it("forged webhooks reach the admin chat once, through the real route and bot", async () => {
    const bench = await startOpsHarness({ env: { ADMIN_CHAT_ID: String(ADMIN) } });
    try {
      bench.tg.addChat({ id: ADMIN, type: "supergroup", title: "Operators" });
      for (let i = 0; i < 8; i++) {
        const ts = String(Math.floor(bench.clock.now() / 1000));
        const res = await bench.app.http.request("/webhooks/zoom", {
          method: "POST",
          body: JSON.stringify({ event: "recording.completed", payload: {} }),
          headers: { "x-zm-request-timestamp": ts, "x-zm-signature": `v0=${"0".repeat(64)}` },
        });
        expect(res.status).toBe(401);
        // Alerts go out in the background; settle after each request so the count in the
        // message is the count at the moment the threshold was crossed, on any database speed.
        await bench.app.services.alerts.settle();
      }
      const alerts = bench.tg.sent.filter((m) => m.chatId === ADMIN);
      expect(alerts.map((m) => m.text)).toEqual([
        "⚠️ 5 Zoom webhook requests failed signature verification in the last 10 minutes. Check ZOOM_WEBHOOK_SECRET, or someone may be sending forged requests.",
      ]);
    } finally {
      await bench.close();
    }
  });
});
