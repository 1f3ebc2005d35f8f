/**
 * What every Zoomgram benchmark needs around the process under test: its environment (pointing at
 * the fakes), a connected Zoom user delivering to a chat (as a finished /connect leaves it), and
 * signed `recording.completed` webhooks.
 */
import { createHmac } from "node:crypto";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import { upsertChat, upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import type { FakeTelegram } from "../../test/fakes/fake-telegram.js";
import type { FakeZoom, ZoomUser } from "../../test/fakes/fake-zoom.js";

export const WEBHOOK_SECRET = "bench_webhook_secret_token";
export const ENCRYPTION_KEY = Buffer.alloc(32, 11).toString("base64");
export const CHAT_ID = 424242;
export const TELEGRAM_USER_ID = 424242;

export function zoomgramEnv(opts: {
  databaseUrl: string;
  zoom: FakeZoom;
  tg: FakeTelegram;
  uploadLimitMb?: number;
  mediaDir?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    ZOOM_CLIENT_ID: opts.zoom.clientId,
    ZOOM_CLIENT_SECRET: opts.zoom.clientSecret,
    ZOOM_REDIRECT: "http://127.0.0.1:3000/zoom/callback",
    ZOOM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ZOOM_OAUTH_BASE_URL: opts.zoom.url,
    ZOOM_API_BASE_URL: opts.zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    STATE_SECRET: "bench-state-secret-bench-state-secret-0123456789",
    TELEGRAM_BOT_TOKEN: opts.tg.token,
    TELEGRAM_API_ROOT: opts.tg.url,
    TELEGRAM_UPLOAD_LIMIT_MB: String(opts.uploadLimitMb ?? 50),
    TOKEN_ENCRYPTION_KEY: ENCRYPTION_KEY,
    DATABASE_URL: opts.databaseUrl,
    LOG_LEVEL: "info",
    // Node flags for the process under test (a profile: BENCH_NODE_OPTIONS="--cpu-prof").
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    ...opts.extra,
  };
  if (opts.mediaDir) env.MEDIA_DIR = opts.mediaDir;
  return env;
}

/** Migrates the database and stores `user`'s connection (tokens minted by the fake Zoom). */
export async function seedConnection(databaseUrl: string, zoom: FakeZoom, user: ZoomUser): Promise<void> {
  const db = await openDatabase(databaseUrl, { connectRetries: 0 });
  try {
    await migrateToLatest(db);
    const cipher = createTokenCipher([ENCRYPTION_KEY]);
    const tokens = zoom.grantTokens(user.id);
    const now = Date.now();
    await upsertTelegramUser(db.kysely, { id: TELEGRAM_USER_ID, first_name: "Bench" }, now);
    await upsertChat(db.kysely, { id: CHAT_ID, type: "private" }, "en", now);
    await upsertConnection(
      db.kysely,
      {
        zoomUserId: user.id,
        zoomAccountId: user.account_id,
        email: user.email,
        displayName: user.display_name,
        timezone: user.timezone,
        chatId: CHAT_ID,
        telegramUserId: TELEGRAM_USER_ID,
        accessTokenEnc: cipher.encrypt(tokens.access_token, user.id),
        refreshTokenEnc: cipher.encrypt(tokens.refresh_token, user.id),
        tokenKeyId: cipher.keyIds[0] as string,
        accessExpiresAt: now + tokens.expires_in * 1000,
        apiUrl: tokens.api_url ?? null,
        scope: tokens.scope,
      },
      now,
    );
  } finally {
    await db.close();
  }
}

/** Zoom's webhook headers for `body`, signed now (reference/zoom.md §1.3). */
export function signedHeaders(body: string, nowMs = Date.now()): Record<string, string> {
  const ts = String(Math.floor(nowMs / 1000));
  return {
    "content-type": "application/json; charset=utf-8",
    "x-zm-request-timestamp": ts,
    "x-zm-signature": `v0=${createHmac("sha256", WEBHOOK_SECRET).update(`v0:${ts}:${body}`).digest("hex")}`,
  };
}

/** POSTs a signed event to Zoomgram's webhook; resolves with the status when acknowledged. */
export async function postWebhook(port: number, event: unknown): Promise<{ status: number; ackAt: number }> {
  const body = JSON.stringify(event);
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/zoom`, {
    method: "POST",
    headers: signedHeaders(body),
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, ackAt: Date.now() };
}
