/**
 * The token service against the fake Zoom, whose refresh tokens rotate exactly like Zoom's (an old
 * one gets 400 invalid_grant): concurrent callers cause exactly one refresh, in one process and
 * across two processes sharing the database; the rotated token is stored before it is used; a
 * refused refresh breaks the connection once and never loops; network trouble is retryable.
 */
import { describe, expect, it } from "vitest";
import { findConnectionRow } from "../../src/connect/connection.repository.js";
import { createTokenService, REJECTED_TOKEN_MIN_AGE_MS } from "../../src/connect/token-service.js";
import { AppError } from "../../src/errors.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import { closeAfterEachTest } from "../support/each-test.js";
import { expireRefreshLease, holdRefreshLease } from "../support/lease-time.js";
import { type ConnectHarness, seedConnection, startConnectHarness, yieldToIo } from "./harness.js";

const closeAfterTest = closeAfterEachTest<ConnectHarness>();

async function bench(options: Parameters<typeof startConnectHarness>[0] = {}) {
  return closeAfterTest(await startConnectHarness({ roles: { web: false, worker: false }, ...options }));
}

const CHAT = 424242;

/** A harness with Ada's Zoom account connected to CHAT (its access token expired, if asked). */
async function withAda(options: { expired?: boolean } = {}) {
  const b = await bench();
  const user = b.zoom.addUser({ email: "ada@example.com" });
  const seeded = await seedConnection(b, { user, chatId: CHAT, telegramUserId: 7, ...options });
  return { b, user, seeded, tokens: b.app.services.tokens };
}

async function metric(b: ConnectHarness, result: string): Promise<number> {
  const values = (await b.app.services.metrics.tokenRefreshes.get()).values;
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe("token service", () => {
  it("returns the stored token while more than 5 minutes remain, without calling Zoom", async () => {
    const { b, user, seeded, tokens } = await withAda();

    const got = await tokens.getAccessToken(user.id);
    expect(got.accessToken).toBe(seeded.accessToken);
    expect(got.apiBaseUrl).toBe(b.zoom.apiBaseUrl);
    expect(got.connection).toMatchObject({
      zoomUserId: user.id,
      email: "ada@example.com",
      chatId: CHAT,
      status: "active",
    });

    b.clock.advance(3599_000 - 5 * 60_000 - 1000); // 5 min + 1 s left: still fine
    expect((await tokens.getAccessToken(user.id)).accessToken).toBe(seeded.accessToken);
    expect(b.zoom.stats.refreshes).toBe(0);

    b.clock.advance(2000); // 4 min 59 s left: refresh
    const refreshed = await tokens.getAccessToken(user.id);
    expect(refreshed.accessToken).not.toBe(seeded.accessToken);
    expect(b.zoom.stats.refreshes).toBe(1);
  });

  it("ten concurrent requests on an expired token cause exactly one refresh and no invalid_grant", async () => {
    const { b, user, tokens } = await withAda({ expired: true });

    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getAccessToken(user.id)));
    expect(b.zoom.stats.refreshes).toBe(1);
    expect(b.zoom.stats.invalidGrants).toBe(0);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);

    // The rotated refresh token was committed: the row holds the new token, and it works.
    const row = await findConnectionRow(b.app.services.db.kysely, user.id);
    expect(row?.refresh_lock_owner).toBeNull();
    expect(row?.access_expires_at).toBe(b.clock.now() + 3599_000);
    const me = await tokens.oauth.getMe(results[0]!.accessToken, results[0]!.apiBaseUrl);
    expect(me.id).toBe(user.id);
    expect(await metric(b, "ok")).toBe(1);

    // And the next refresh uses the rotated refresh token (an old one would get invalid_grant).
    b.clock.advance(3600_000);
    await tokens.getAccessToken(user.id);
    expect(b.zoom.stats.refreshes).toBe(2);
    expect(b.zoom.stats.invalidGrants).toBe(0);
  });

  it("two processes sharing the database refresh once between them: the second waits for the first", async () => {
    const first = await bench();
    const second = await bench({
      databaseUrl: first.databaseUrl,
      zoom: first.zoom,
      tg: first.tg,
      clock: first.clock,
    });
    const user = first.zoom.addUser({ email: "ada@example.com" });
    await seedConnection(first, { user, chatId: CHAT, telegramUserId: 7, expired: true });
    const a = createTokenService(first.app.services, {
      owner: "process-a",
      sleep: yieldToIo,
      maxWaits: 100_000,
    });
    const b = createTokenService(second.app.services, {
      owner: "process-b",
      sleep: yieldToIo,
      maxWaits: 100_000,
    });

    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => a.getAccessToken(user.id)),
      ...Array.from({ length: 5 }, () => b.getAccessToken(user.id)),
    ]);
    expect(first.zoom.stats.refreshes).toBe(1);
    expect(first.zoom.stats.invalidGrants).toBe(0);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  it("a holder that died leaves a lease that expires; the next caller takes over", async () => {
    const { b, user } = await withAda({ expired: true });
    const db = b.app.services.db.kysely;
    await holdRefreshLease(db, user.id, "dead-process", 30_000);
    let waits = 0;
    const tokens = createTokenService(b.app.services, {
      sleep: async () => {
        // The lease is judged by the database's clock: the fourth wait is 30 s later by it.
        if (++waits === 4) await expireRefreshLease(db, user.id);
      },
    });
    await tokens.getAccessToken(user.id);
    expect(waits).toBe(4); // free once the database's clock is past the lease
    expect(b.zoom.stats.refreshes).toBe(1);
  });

  it("gives up with a retryable error after a bounded number of waits", async () => {
    const { b, user } = await withAda({ expired: true });
    await holdRefreshLease(b.app.services.db.kysely, user.id, "slow-process", 30_000);
    let waits = 0;
    const tokens = createTokenService(b.app.services, { maxWaits: 5, sleep: async () => void waits++ });
    const error = await tokens.getAccessToken(user.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "zoom.unavailable", retryable: true });
    expect(waits).toBe(5);
    expect(b.zoom.stats.refreshes).toBe(0);
  });

  it("invalid_grant marks the connection broken, tells the chat once, and never refreshes again", async () => {
    const { b, user } = await withAda({ expired: true });
    b.tg.addChat({ id: CHAT, type: "private", first_name: "Ada" });
    b.zoom.grantTokens(user.id); // a newer authorization elsewhere rotates our refresh token out
    const tokens = b.app.services.tokens;

    const errors = await Promise.all(
      Array.from({ length: 3 }, () => tokens.getAccessToken(user.id).catch((e: unknown) => e)),
    );
    // The callers that share the one refresh hear Zoom's refusal; one that reads the connection
    // only after it was marked broken (possible on PostgreSQL, where the reads interleave) hears
    // that it is broken. Either way: not retryable, and only one refresh reached Zoom (below).
    for (const error of errors) {
      expect(error).toMatchObject({ retryable: false });
      expect(["zoom.refresh_rejected", "zoom.unauthorized"]).toContain((error as AppError).code);
    }
    expect(errors.some((e) => (e as AppError).code === "zoom.refresh_rejected")).toBe(true);
    // Later callers find the connection broken: not active, so unauthorized, and no new refresh.
    const again = await tokens.getAccessToken(user.id).catch((e: unknown) => e);
    expect(again).toMatchObject({
      code: "zoom.unauthorized",
      retryable: false,
      details: { status: "broken" },
    });
    expect(b.zoom.stats.invalidGrants).toBe(1);

    const row = await findConnectionRow(b.app.services.db.kysely, user.id);
    expect(row?.status).toBe("broken");
    expect(row?.refresh_lock_owner).toBeNull();
    const told = b.tg.sent.filter((s) => s.chatId === CHAT);
    expect(told).toHaveLength(1);
    expect(told[0]?.text).toContain("ada@example.com");
    expect(told[0]?.text).toContain("/connect");
    expect(await metric(b, "rejected")).toBe(1);
  });

  it("a Zoom outage is retryable, keeps the connection active, and releases the lease", async () => {
    const { b, user, tokens } = await withAda({ expired: true });

    b.zoom.inject("token", { kind: "status", status: 503 });
    expect(await tokens.getAccessToken(user.id).catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
    });
    b.zoom.inject("token", { kind: "reset" });
    expect(await tokens.getAccessToken(user.id).catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
    });
    b.zoom.inject("token", { kind: "status", status: 429, retryAfter: "7" });
    expect(await tokens.getAccessToken(user.id).catch((e: unknown) => e)).toMatchObject({
      code: "zoom.rate_limited",
      retryable: true,
      retryAfterMs: 7000,
    });
    const row = await findConnectionRow(b.app.services.db.kysely, user.id);
    expect(row).toMatchObject({ status: "active", refresh_lock_owner: null });

    await tokens.getAccessToken(user.id); // Zoom is back: the same refresh token still works
    expect(b.zoom.stats.refreshes).toBe(1);
  });

  it("no connection, or a removed one, is zoom.unauthorized", async () => {
    const b = await bench();
    const tokens = b.app.services.tokens;
    expect(await tokens.getAccessToken("nobody").catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unauthorized",
      retryable: false,
    });
  });

  it("uses the token response's regional api_url + /v2 when Zoom sends one", async () => {
    const { b, user } = await withAda({ expired: true });
    b.zoom.setApiUrl(`http://localhost:${new URL(b.zoom.url).port}`);
    const tokens = b.app.services.tokens;
    const got = await tokens.getAccessToken(user.id);
    expect(got.apiBaseUrl).toBe(`http://localhost:${new URL(b.zoom.url).port}/v2`);
    expect(got.connection.apiBaseUrl).toBe(got.apiBaseUrl);
    expect((await tokens.oauth.getMe(got.accessToken, got.apiBaseUrl)).email).toBe("ada@example.com");
  });

  it("forceRefresh refreshes a token that still looks valid (Zoom answered 401 to it)", async () => {
    const { b, user, seeded, tokens } = await withAda();
    const got = await tokens.getAccessToken(user.id, { forceRefresh: true });
    expect(got.accessToken).not.toBe(seeded.accessToken);
    expect(b.zoom.stats.refreshes).toBe(1);
  });

  it("rejectedToken refreshes a refused token once: not again while the new one is under a minute old, not when already replaced", async () => {
    const { b, user, seeded, tokens } = await withAda();
    b.clock.advance(REJECTED_TOKEN_MIN_AGE_MS); // the seeded token is a minute old
    const second = await tokens.getAccessToken(user.id, { rejectedToken: seeded.accessToken });
    expect(second.accessToken).not.toBe(seeded.accessToken);
    expect(b.zoom.stats.refreshes).toBe(1);
    // Zoom refuses the new token too, seconds later: a refresh did not help, another will not.
    b.clock.advance(5_000);
    const same = await tokens.getAccessToken(user.id, { rejectedToken: second.accessToken });
    expect(same.accessToken).toBe(second.accessToken);
    // A late 401 for the first token (another call still held it): the new one, no refresh.
    expect((await tokens.getAccessToken(user.id, { rejectedToken: seeded.accessToken })).accessToken).toBe(
      second.accessToken,
    );
    expect(b.zoom.stats.refreshes).toBe(1);
    expect(await metric(b, "skipped_recent")).toBe(1);
    // A minute on, a refused token is worth one refresh again.
    b.clock.advance(REJECTED_TOKEN_MIN_AGE_MS);
    const third = await tokens.getAccessToken(user.id, { rejectedToken: second.accessToken });
    expect(third.accessToken).not.toBe(second.accessToken);
    expect(b.zoom.stats.refreshes).toBe(2);
  });

  it("a caller that aborts stops waiting, while the shared refresh completes for the others", async () => {
    const { b, user, tokens } = await withAda({ expired: true });
    const controller = new AbortController();
    const aborted = tokens.getAccessToken(user.id, { signal: controller.signal });
    const other = tokens.getAccessToken(user.id);
    controller.abort(new Error("job cancelled"));
    await expect(aborted).rejects.toThrow("job cancelled");
    expect((await other).accessToken).toBeTruthy();
    expect(b.zoom.stats.refreshes).toBe(1);
  });
  it("a token no configured key can decrypt is a retryable internal error, not a crash or a leak", async () => {
    const { b, user } = await withAda();
    const foreign = createTokenCipher([Buffer.alloc(32, 9).toString("base64")]);
    await b.app.services.db.kysely
      .updateTable("zoom_connections")
      .set({ access_token_enc: foreign.encrypt("at", user.id) })
      .execute();
    const error = await b.app.services.tokens.getAccessToken(user.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "internal", retryable: true });
    expect((error as Error).message).toContain("TOKEN_ENCRYPTION_KEY");
  });
});
