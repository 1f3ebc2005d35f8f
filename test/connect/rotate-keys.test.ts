/**
 * `zoomgram rotate-keys`: with TOKEN_ENCRYPTION_KEY="new,old", every token, verifier and download
 * token ends up under the new key (so "old" can be dropped), a second run finds nothing to do, and
 * a value no configured key can read is reported by row, never printed. Also run as the operator
 * would: the CLI as a subprocess.
 */
import { afterEach, describe, expect, it } from "vitest";
import { formatRotationReport, rotateEncryptionKeys } from "../../src/cli/rotate-keys.js";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import { insertOAuthState } from "../../src/connect/oauth-state.js";
import { downloadTokenAad } from "../../src/delivery/ingest.js";
import { createTokenCipher, type TokenCipher } from "../../src/security/token-cipher.js";
import { runZoomgram } from "../support/cli.js";
import { TEST_ENV } from "../support/config.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

const OLD = Buffer.alloc(32, 1).toString("base64");
const NEW = Buffer.alloc(32, 2).toString("base64");
const OTHER = Buffer.alloc(32, 3).toString("base64");

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.cleanup();
  testDb = undefined;
});

async function seed(db: TestDatabase, cipher: TokenCipher, zoomUserId: string) {
  await upsertConnection(
    db.db.kysely,
    {
      zoomUserId,
      zoomAccountId: null,
      email: `${zoomUserId}@example.com`,
      displayName: null,
      timezone: null,
      chatId: 1,
      telegramUserId: 1,
      accessTokenEnc: cipher.encrypt(`access-${zoomUserId}`, zoomUserId),
      refreshTokenEnc: cipher.encrypt(`refresh-${zoomUserId}`, zoomUserId),
      tokenKeyId: cipher.keyIds[0] as string,
      accessExpiresAt: 0,
      apiUrl: null,
      scope: null,
    },
    0,
  );
}

async function seedAll(db: TestDatabase, cipher: TokenCipher) {
  await seed(db, cipher, "user-a");
  await seed(db, cipher, "user-b");
  await insertOAuthState(
    db.db.kysely,
    {
      nonce: "nonce-nonce-nonce-1",
      chatId: 1,
      telegramUserId: 1,
      codeVerifierEnc: cipher.encrypt("verifier-1", "nonce-nonce-nonce-1"),
      locale: "en",
      expiresAt: 10,
    },
    0,
  );
  await db.db.kysely
    .insertInto("webhook_events")
    .values({
      received_at: 0,
      event: "recording.completed",
      meeting_uuid: "uuid-1",
      zoom_user_id: "user-a",
      request_id: null,
      result: "accepted",
      download_token_enc: cipher.encrypt("download-1", downloadTokenAad("uuid-1")),
      payload: "{}",
    })
    .execute();
}

describe("rotate-keys", () => {
  it("re-encrypts every token, verifier and download token with the first key; a second run has nothing to do", async () => {
    testDb = await createTestDatabase();
    await seedAll(testDb, createTokenCipher([OLD]));
    const rotating = createTokenCipher([NEW, OLD]);

    const dry = await rotateEncryptionKeys(testDb.db, rotating, { dryRun: true });
    expect(dry.connections).toEqual({ reencrypted: 2, current: 0, failed: 0, busy: 0 });
    expect(formatRotationReport(dry, true)).toContain("would re-encrypt 2");

    const report = await rotateEncryptionKeys(testDb.db, rotating);
    expect(report).toEqual({
      connections: { reencrypted: 2, current: 0, failed: 0, busy: 0 },
      oauthStates: { reencrypted: 1, current: 0, failed: 0, busy: 0 },
      webhookEvents: { reencrypted: 1, current: 0, failed: 0, busy: 0 },
      failures: [],
      skipped: [],
    });

    // Only the new key is needed now.
    const newOnly = createTokenCipher([NEW]);
    const rows = await testDb.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .orderBy("zoom_user_id")
      .execute();
    expect(rows.map((r) => newOnly.decrypt(r.refresh_token_enc, r.zoom_user_id))).toEqual([
      "refresh-user-a",
      "refresh-user-b",
    ]);
    expect(rows.map((r) => newOnly.decrypt(r.access_token_enc, r.zoom_user_id))).toEqual([
      "access-user-a",
      "access-user-b",
    ]);
    expect(rows.every((r) => r.token_key_id === newOnly.keyIds[0])).toBe(true);
    const state = await testDb.db.kysely.selectFrom("oauth_states").selectAll().executeTakeFirstOrThrow();
    expect(newOnly.decrypt(state.code_verifier_enc, state.nonce)).toBe("verifier-1");
    const event = await testDb.db.kysely.selectFrom("webhook_events").selectAll().executeTakeFirstOrThrow();
    expect(newOnly.decrypt(event.download_token_enc!, downloadTokenAad("uuid-1"))).toBe("download-1");

    const again = await rotateEncryptionKeys(testDb.db, rotating);
    expect(again.connections).toEqual({ reencrypted: 0, current: 2, failed: 0, busy: 0 });
    expect(again.oauthStates).toEqual({ reencrypted: 0, current: 1, failed: 0, busy: 0 });
  });

  it("reports rows no configured key can read, by id and never by content", async () => {
    testDb = await createTestDatabase();
    await seed(testDb, createTokenCipher([OTHER]), "user-lost");
    const report = await rotateEncryptionKeys(testDb.db, createTokenCipher([NEW, OLD]));
    expect(report.connections).toEqual({ reencrypted: 0, current: 0, failed: 1, busy: 0 });
    const text = formatRotationReport(report, false);
    expect(text).toMatch(/cannot decrypt zoom_connections id \d+: unknown_key/);
    expect(text).not.toContain("access-user-lost");
  });

  it("runs as `zoomgram rotate-keys` and prints the counts", async () => {
    testDb = await createTestDatabase();
    await seedAll(testDb, createTokenCipher([OLD]));
    const run = (keys: string) =>
      runZoomgram(["rotate-keys"], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...TEST_ENV,
          TOKEN_ENCRYPTION_KEY: keys,
          DATABASE_URL: testDb!.url,
        },
      });
    const first = await run(`${NEW},${OLD}`);
    expect(first.out).toContain(
      "OAuth tokens (zoom_connections): re-encrypted 2, already current 0, failed 0",
    );
    expect(first.out).toContain("PKCE verifiers (oauth_states): re-encrypted 1");
    expect(first.code).toBe(0);
    const second = await run(NEW);
    expect(second.out).toContain(
      "OAuth tokens (zoom_connections): re-encrypted 0, already current 2, failed 0",
    );
    expect(second.code).toBe(0);
  });
});
