/**
 * Issue #9 §4: key rotation re-encrypts every row.
 *
 * A service under key A lives through real flows (a finished sign-in, a pending one, announced
 * and delivered recordings with their webhook download tokens). The operator puts key B first
 * (`TOKEN_ENCRYPTION_KEY=B,A`) and runs `zoomgram rotate-keys` as a child process, the way they
 * would. Then every encrypted value anywhere in the database — found by its format, in any table
 * and column, so a secret column the command forgot would show — names key B, and the service
 * restarted with key B alone (A dropped) still works with each kind of row: the pending sign-in
 * completes (PKCE verifier), a stale access token refreshes (refresh token), and every stored
 * webhook download token decrypts.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { downloadTokenAad } from "../../src/delivery/ingest.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, startFakeZoom } from "../fakes/fake-zoom.js";
import { type Harness, START, snapshotDatabase, startHarness } from "../fault/harness.js";
import { runZoomgram } from "../support/cli.js";
import { TEST_ENV } from "../support/config.js";
import { createTestDatabaseUrl, TEST_DIALECT } from "../support/db.js";
import { openConnectLink, recordAndAnnounce, signIn } from "./flows.js";

const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("base64");
const ID_A = createTokenCipher([KEY_A]).keyIds[0] as string;
const ID_B = createTokenCipher([KEY_B]).keyIds[0] as string;
/** v1.<key id>.<iv>.<ciphertext>.<tag> (src/security/token-cipher.ts), wherever it appears. */
const CIPHERTEXT = /v1\.([0-9a-f]{8})\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}/g;

let zoom: FakeZoom | undefined;
let tg: FakeTelegram | undefined;
let drop: (() => Promise<void>) | undefined;
let current: Harness | undefined;

afterAll(async () => {
  await current?.close();
  await Promise.all([zoom?.close(), tg?.close()]);
  await drop?.();
});

async function keyIdsInDatabase(h: Harness): Promise<string[]> {
  const text = JSON.stringify(await snapshotDatabase(h.db));
  return [...text.matchAll(CIPHERTEXT)].map((m) => m[1] as string);
}

const settle = (h: Harness) => h.settle({ maxRounds: 30, minStepMs: 1, ifUnsettled: "return" });

describe(`key rotation (${TEST_DIALECT})`, () => {
  it("rotate-keys re-encrypts every encrypted value in the database; the old key can then be dropped", async () => {
    const clock = new ManualClock(START);
    zoom = await startFakeZoom({ now: () => clock.now() });
    tg = await startFakeTelegram({ now: () => clock.now() });
    const database = await createTestDatabaseUrl();
    drop = database.drop;
    const reuse = { databaseUrl: database.url, zoom, tg, clock };

    // ---- life under key A
    current = await startHarness({ reuse, env: { TOKEN_ENCRYPTION_KEY: KEY_A } });
    const ada = zoom.addUser({ email: "ada@example.com" });
    const bob = zoom.addUser({ email: "bob@example.com" });
    zoom.setNextAuthorization(ada.id);
    await signIn(current, 8100, 81);
    await recordAndAnnounce(current, ada.id, "rotate/one//uuid==");
    await recordAndAnnounce(current, ada.id, "rotate-two-uuid==");
    await settle(current);
    // Bob opens his link just before the rotation and finishes after it (states live 10 minutes).
    tg.addChat({ id: 8200, type: "private", first_name: "Bob" });
    const bobPending = await openConnectLink(current, 8200, 82);
    const before = await keyIdsInDatabase(current);
    // Two tokens of the connection, the pending verifier, two webhook download tokens at least.
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(new Set(before)).toEqual(new Set([ID_A]));
    await current.close();
    current = undefined;

    // ---- the operator rotates: B first, A still listed
    const env = { ...TEST_ENV, DATABASE_URL: database.url, TOKEN_ENCRYPTION_KEY: `${KEY_B},${KEY_A}` };
    const rotated = await runZoomgram(["rotate-keys"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    });
    expect(rotated.code, rotated.out).toBe(0);
    expect(rotated.out).toMatch(
      /OAuth tokens \(zoom_connections\): re-encrypted 1, already current 0, failed 0/,
    );
    expect(rotated.out).toMatch(/PKCE verifiers \(oauth_states\): re-encrypted 1,/);
    expect(rotated.out).toMatch(
      /download tokens \(webhook_events\): re-encrypted [1-9]\d*, already current 0, failed 0/,
    );
    expect(rotated.out).not.toContain(KEY_A);
    expect(rotated.out).not.toContain(KEY_B);

    // ---- key B alone
    current = await startHarness({ reuse, env: { TOKEN_ENCRYPTION_KEY: KEY_B } });
    const after = await keyIdsInDatabase(current);
    expect(after.length).toBe(before.length);
    expect(new Set(after)).toEqual(new Set([ID_B]));
    const connection = await current.db.kysely
      .selectFrom("zoom_connections")
      .select("token_key_id")
      .execute();
    expect(connection.map((c) => c.token_key_id)).toEqual([ID_B]);

    // Every stored webhook download token decrypts under B, bound to its meeting.
    const onlyB = createTokenCipher([KEY_B]);
    const events = await current.db.kysely
      .selectFrom("webhook_events")
      .select(["meeting_uuid", "download_token_enc"])
      .where("download_token_enc", "is not", null)
      .execute();
    for (const e of events) {
      expect(onlyB.decrypt(e.download_token_enc as string, downloadTokenAad(e.meeting_uuid ?? ""))).toMatch(
        /^eyJ/,
      );
    }

    // Bob's pending sign-in completes: his PKCE verifier was re-encrypted too.
    zoom.setNextAuthorization(bob.id);
    const atZoom = await fetch(bobPending.authorizeUrl, { redirect: "manual" });
    const back = new URL(atZoom.headers.get("location") ?? "");
    const page = await current.app.http.request(
      `${back.pathname}${back.search}`,
      {},
      {
        incoming: { socket: { remoteAddress: "198.51.100.8" } },
      },
    );
    expect(page.status).toBe(200);
    expect(zoom.stats.codeExchanges).toBe(2);

    // Ada's access token is stale: the next delivery refreshes with the re-encrypted refresh token.
    clock.advance(3 * 3_600_000);
    const refreshes = zoom.stats.refreshes;
    await recordAndAnnounce(current, ada.id, "rotate-three-uuid==");
    await settle(current);
    expect(zoom.stats.refreshes).toBeGreaterThan(refreshes);
    expect(zoom.stats.invalidGrants).toBe(0);
    const delivered = await current.db.kysely
      .selectFrom("deliveries")
      .select("state")
      .where("meeting_uuid", "=", "rotate-three-uuid==")
      .where("kind", "=", "audio")
      .execute();
    expect(delivered.map((d) => d.state)).toEqual(["delivered"]);
    // And everything written since is under B.
    expect(new Set(await keyIdsInDatabase(current))).toEqual(new Set([ID_B]));
  }, 120_000);
});
