/**
 * The refresh lease under the two races of the security review (issue #13, items 3 and 4), against
 * the fake Zoom, whose refresh tokens rotate like Zoom's (an old one gets 400 invalid_grant). A
 * refresh is paused at a chosen point by wrapping the OAuth client, so each race is replayed in a
 * fixed order; lease expiry is moved by SQL on the database's clock, never waited for.
 */
import { afterEach, describe, expect, it } from "vitest";
import { formatRotationReport, rotateEncryptionKeys } from "../../src/cli/rotate-keys.js";
import { findConnectionRow } from "../../src/connect/connection.repository.js";
import { createTokenService } from "../../src/connect/token-service.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import type { OAuthClient, ZoomTokenSet } from "../../src/zoom/oauth-client.js";
import { TEST_ENV } from "../support/config.js";
import { seedConnection } from "../support/connection.js";
import { expireRefreshLease } from "../support/lease-time.js";
import { type ConnectHarness, startConnectHarness } from "./harness.js";

const OLD = TEST_ENV.TOKEN_ENCRYPTION_KEY;
const NEW = Buffer.alloc(32, 9).toString("base64");
const CHAT = 515151;

let benches: ConnectHarness[] = [];
afterEach(async () => {
  for (const b of benches.reverse()) await b.close();
  benches = [];
});

/** The service after the operator put NEW first and kept OLD: rows are still under OLD. */
async function rotatingBench() {
  const b = await startConnectHarness({
    roles: { web: false, worker: false },
    env: { TOKEN_ENCRYPTION_KEY: `${NEW},${OLD}` },
  });
  benches.push(b);
  const user = b.zoom.addUser({ email: "ada@example.com" });
  b.tg.addChat({ id: CHAT, type: "private", first_name: "Ada" });
  const store = { db: b.app.services.db, cipher: createTokenCipher([OLD]), now: b.clock.now() };
  await seedConnection(store, b.zoom, { user, chatId: CHAT, telegramUserId: 7, expired: true, chat: false });
  return { b, user, db: b.app.services.db.kysely };
}

interface Paused {
  oauth: OAuthClient;
  /** Resolves once the refresh reached the pause. */
  reached: Promise<void>;
  release(): void;
}

/**
 * The OAuth client with its refresh paused: `afterZoom` pauses once Zoom has answered (Zoom has
 * rotated the token; our save is pending), else before the request reaches Zoom.
 */
function pausedRefresh(real: OAuthClient, where: "beforeZoom" | "afterZoom"): Paused {
  let reached!: () => void;
  let release!: () => void;
  const reachedP = new Promise<void>((r) => {
    reached = r;
  });
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const refresh = async (token: string): Promise<ZoomTokenSet> => {
    if (where === "beforeZoom") {
      reached();
      await gate;
      return real.refresh(token);
    }
    const tokens = await real.refresh(token);
    reached();
    await gate;
    return tokens;
  };
  return { oauth: { ...real, refresh }, reached: reachedP, release };
}

/** Process A refreshes `zoomUserId` and stops once Zoom rotated the token, its save pending. */
async function refreshPausedAfterZoom(b: ConnectHarness, zoomUserId: string) {
  const paused = pausedRefresh(b.app.services.tokens.oauth, "afterZoom");
  const tokens = createTokenService(b.app.services, { oauth: paused.oauth, owner: "process-a" });
  const refreshing = tokens.getAccessToken(zoomUserId);
  refreshing.catch(() => {}); // awaited by the test; not an unhandled rejection meanwhile
  await paused.reached;
  return { paused, tokens, refreshing };
}

describe("rotate-keys and the refresh lease (issue #13, item 3)", () => {
  it("rotate-keys during a refresh loses nothing: it waits, Zoom's rotated token is stored, the lease is released", async () => {
    const { b, user, db } = await rotatingBench();
    const { paused, tokens, refreshing } = await refreshPausedAfterZoom(b, user.id);

    let waits = 0;
    const report = await rotateEncryptionKeys(b.app.services.db, b.app.services.cipher, {
      sleep: async () => {
        waits++;
        paused.release(); // the refresh finishes while rotate-keys waits for it
        await refreshing;
      },
    });
    expect(waits).toBe(1);
    const got = await refreshing;
    expect(report.connections).toEqual({ reencrypted: 0, current: 1, failed: 0, busy: 0 });
    expect(report.skipped).toEqual([]);

    const row = await findConnectionRow(db, user.id);
    expect(row).toMatchObject({ status: "active", refresh_lock_owner: null, refresh_lock_token: null });
    // Zoom's rotated token was stored, under the new key alone.
    const newOnly = createTokenCipher([NEW]);
    expect(newOnly.decrypt(row!.access_token_enc, user.id)).toBe(got.accessToken);
    expect((await tokens.oauth.getMe(got.accessToken, got.apiBaseUrl)).id).toBe(user.id);
    b.clock.advance(3600_000); // and the next refresh, with the stored refresh token, works
    await b.app.services.tokens.getAccessToken(user.id);
    expect(b.zoom.stats.refreshes).toBe(2);
    expect(b.zoom.stats.invalidGrants).toBe(0);
  });

  it("rotate-keys skips a connection whose refresh outlasts its waits, reports it, and a later run finds it current", async () => {
    const { b, user, db } = await rotatingBench();
    const { paused, refreshing } = await refreshPausedAfterZoom(b, user.id);

    let waits = 0;
    const report = await rotateEncryptionKeys(b.app.services.db, b.app.services.cipher, {
      busyWaits: 3,
      sleep: async () => void waits++,
    });
    expect(waits).toBe(3);
    expect(report.connections).toEqual({ reencrypted: 0, current: 0, failed: 0, busy: 1 });
    const row = await findConnectionRow(db, user.id);
    expect(report.skipped).toEqual([`zoom_connections id ${row!.id}`]);
    expect(formatRotationReport(report, false)).toContain(
      `skipped zoom_connections id ${row!.id}: a token refresh was in progress; run rotate-keys again`,
    );

    paused.release();
    await refreshing; // the refresh's save was not undercut
    const again = await rotateEncryptionKeys(b.app.services.db, b.app.services.cipher);
    expect(again.connections).toEqual({ reencrypted: 0, current: 1, failed: 0, busy: 0 });
    expect(b.zoom.stats.invalidGrants).toBe(0);
  });

  it("the save compares on the lease owner: a ciphertext rewritten underneath (an older rotate-keys) loses no token and leaves no lease", async () => {
    const { b, user, db } = await rotatingBench();
    const { paused, refreshing } = await refreshPausedAfterZoom(b, user.id);
    // What rotate-keys did before it respected the lease: rewrite the ciphertext underneath.
    const row = await findConnectionRow(db, user.id);
    const plain = b.app.services.cipher.decrypt(row!.refresh_token_enc, user.id);
    await db
      .updateTable("zoom_connections")
      .set({ refresh_token_enc: b.app.services.cipher.encrypt(plain, user.id) })
      .execute();

    paused.release();
    const got = await refreshing;
    const after = await findConnectionRow(db, user.id);
    expect(after).toMatchObject({ status: "active", refresh_lock_owner: null, refresh_lock_token: null });
    expect(b.app.services.cipher.decrypt(after!.access_token_enc, user.id)).toBe(got.accessToken);
    b.clock.advance(3600_000);
    await b.app.services.tokens.getAccessToken(user.id);
    expect(b.zoom.stats.invalidGrants).toBe(0);
  });
});

describe("a refresh that outlives its lease (issue #13, item 4)", () => {
  it("cannot mark the connection broken after another process refreshed it", async () => {
    const { b, user, db } = await rotatingBench();
    const real = b.app.services.tokens.oauth;
    const slow = pausedRefresh(real, "beforeZoom");
    const a = createTokenService(b.app.services, { oauth: slow.oauth, owner: "process-a" });
    const aResult = a.getAccessToken(user.id).catch((e: unknown) => e);
    await slow.reached; // A holds the lease; its request has not reached Zoom yet

    // A stalls past its lease (by the database's clock); B takes over and refreshes at Zoom first.
    await expireRefreshLease(db, user.id);
    const quick = pausedRefresh(real, "afterZoom");
    const bService = createTokenService(b.app.services, { oauth: quick.oauth, owner: "process-b" });
    const bResult = bService.getAccessToken(user.id);
    await quick.reached; // Zoom rotated the token for B; B's save is pending

    // A's request arrives with the token Zoom just rotated out: invalid_grant. It says nothing
    // about the connection, and A no longer holds the lease.
    slow.release();
    expect(await aResult).toMatchObject({ code: "zoom.unavailable", retryable: true });
    expect(b.zoom.stats.invalidGrants).toBe(1);
    expect(await findConnectionRow(db, user.id)).toMatchObject({
      status: "active",
      refresh_lock_owner: "process-b",
    });

    quick.release();
    const got = await bResult;
    expect((await real.getMe(got.accessToken, got.apiBaseUrl)).id).toBe(user.id);
    expect(await findConnectionRow(db, user.id)).toMatchObject({
      status: "active",
      refresh_lock_owner: null,
    });
    expect(b.tg.sent.filter((s) => s.chatId === CHAT)).toEqual([]); // nobody was told to reconnect
  });

  it("a refresh that outlived its lease still stores Zoom's rotated token when nobody stored a newer one; the new holder's invalid_grant breaks nothing", async () => {
    const { b, user, db } = await rotatingBench();
    const real = b.app.services.tokens.oauth;
    const slow = pausedRefresh(real, "afterZoom");
    const a = createTokenService(b.app.services, { oauth: slow.oauth, owner: "process-a" });
    const aResult = a.getAccessToken(user.id);
    await slow.reached; // Zoom rotated the token for A; A's save is pending

    await expireRefreshLease(db, user.id);
    const late = pausedRefresh(real, "beforeZoom");
    const bService = createTokenService(b.app.services, { oauth: late.oauth, owner: "process-b" });
    const bResult = bService.getAccessToken(user.id).catch((e: unknown) => e);
    await late.reached; // B holds the lease now, with the token Zoom already rotated out

    slow.release();
    const got = await aResult; // A's tokens are the only valid ones: stored, not thrown away
    late.release();
    expect(await bResult).toMatchObject({ code: "zoom.unavailable", retryable: true });
    expect(b.zoom.stats.invalidGrants).toBe(1);
    const row = await findConnectionRow(db, user.id);
    expect(row).toMatchObject({ status: "active", refresh_lock_owner: null, refresh_lock_token: null });
    expect(b.app.services.cipher.decrypt(row!.access_token_enc, user.id)).toBe(got.accessToken);
    expect(b.tg.sent.filter((s) => s.chatId === CHAT)).toEqual([]);
    b.clock.advance(3600_000); // and the stored refresh token is the live one
    await b.app.services.tokens.getAccessToken(user.id);
    expect(b.zoom.stats.invalidGrants).toBe(1);
  });
});
