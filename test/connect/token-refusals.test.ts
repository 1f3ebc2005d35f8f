/**
 * Issue #13, item 2: only `invalid_grant` breaks a connection. Any other refusal of Zoom's token
 * endpoint (invalid_client after a rotated client secret, 5xx, 429) is ours or Zoom's: the
 * connection is kept, the job retries with backoff, the operator is alerted once, and no chat is
 * told to reconnect. A connection wrongly marked broken can be brought back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { formatRestoreReport, restoreConnections } from "../../src/cli/restore-connections.js";
import { findConnectionRow, markConnectionBroken } from "../../src/connect/connection.repository.js";
import { AppError } from "../../src/errors.js";
import { type ConnectHarness, seedConnection, startConnectHarness } from "./harness.js";

let b: ConnectHarness | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

const ADMIN = -100900;
const CHAT = 5151;

async function setup() {
  b = await startConnectHarness({
    roles: { web: false, worker: false },
    env: { ADMIN_CHAT_ID: String(ADMIN) },
  });
  b.tg.addChat({ id: ADMIN, type: "supergroup", title: "Operators" });
  b.tg.addChat({ id: CHAT, type: "private", first_name: "Ada" });
  const user = b.zoom.addUser({ email: "ada@example.com" });
  return { b, user };
}

describe("token endpoint refusals", () => {
  it("invalid_client on refresh keeps the connection, tells no chat, and alerts the operator once", async () => {
    const { b, user } = await setup();
    await seedConnection(b, { user, chatId: CHAT, telegramUserId: CHAT, expired: true });
    b.zoom.inject("token", { kind: "token_error", status: 401, error: "invalid_client" }, 3);
    const tokens = b.app.services.tokens;
    for (let i = 0; i < 3; i++) {
      const error = await tokens.getAccessToken(user.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "zoom.token_refused", retryable: true });
      b.clock.advance(60_000);
    }
    await b.app.services.alerts.settle();
    const row = await findConnectionRow(b.app.services.db.kysely, user.id);
    expect(row).toMatchObject({ status: "active", status_reason: null, refresh_lock_owner: null });
    expect(b.tg.sent.filter((s) => s.chatId === CHAT)).toEqual([]);
    const alerts = b.tg.sent.filter((s) => s.chatId === ADMIN);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.text).toContain("invalid_client");
    expect(alerts[0]?.text).toContain("ZOOM_CLIENT_SECRET");
    // The secret is fixed: the same stored refresh token works.
    expect((await tokens.getAccessToken(user.id)).accessToken).toMatch(/.+/);
  });

  it("a 4xx without an OAuth error, 5xx and 429 keep the connection too; invalid_grant still breaks it", async () => {
    const { b, user } = await setup();
    await seedConnection(b, { user, chatId: CHAT, telegramUserId: CHAT, expired: true });
    const tokens = b.app.services.tokens;
    b.zoom.inject("token", { kind: "token_error", status: 400, error: "invalid_request" });
    b.zoom.inject("token", { kind: "status", status: 503 });
    b.zoom.inject("token", { kind: "status", status: 429, retryAfter: "1" });
    for (const code of ["zoom.token_refused", "zoom.unavailable", "zoom.rate_limited"]) {
      await expect(tokens.getAccessToken(user.id)).rejects.toMatchObject({ code, retryable: true });
    }
    expect((await findConnectionRow(b.app.services.db.kysely, user.id))?.status).toBe("active");
    b.zoom.inject("token", { kind: "invalid_grant" });
    await expect(tokens.getAccessToken(user.id)).rejects.toMatchObject({ code: "zoom.refresh_rejected" });
    expect((await findConnectionRow(b.app.services.db.kysely, user.id))?.status).toBe("broken");
  });

  it("restore-connections brings back a connection broken for invalid_client, not one broken for invalid_grant", async () => {
    const { b, user } = await setup();
    const other = b.zoom.addUser({ email: "bob@example.com" });
    await seedConnection(b, { user, chatId: CHAT, telegramUserId: CHAT });
    await seedConnection(b, { user: other, chatId: CHAT + 1, telegramUserId: CHAT + 1 });
    const db = b.app.services.db;
    const now = b.clock.now();
    await markConnectionBroken(db.kysely, user.id, "refresh rejected: invalid_client", now);
    await markConnectionBroken(db.kysely, other.id, "refresh rejected: invalid_grant", now);

    const report = await restoreConnections(db, { now });
    expect(report.restored.map((r) => [r.zoomUserId, r.reason])).toEqual([
      [user.id, "refresh rejected: invalid_client"],
    ]);
    expect(formatRestoreReport(report)).toContain("Restored 1 connection(s)");
    expect((await findConnectionRow(db.kysely, user.id))?.status).toBe("active");
    expect((await findConnectionRow(db.kysely, other.id))?.status).toBe("broken");
    // The operator may restore a named one whatever its reason; its next refresh decides.
    const named = await restoreConnections(db, { zoomUserId: other.id, now });
    expect(named.restored).toHaveLength(1);
    expect((await findConnectionRow(db.kysely, other.id))?.status).toBe("active");
  });
});
