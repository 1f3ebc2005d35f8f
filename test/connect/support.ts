/**
 * The connect flow's test bench: the real app (createApp) wired to a fake Zoom and a fake Telegram,
 * a fresh database (SQLite file or PostgreSQL schema, per TEST_DATABASE), a manual clock shared by
 * the app and the fakes, every log line captured, and every token the fake Zoom hands out recorded
 * (by watching the app's own fetch) so a test can look for them where they must not be.
 */
import { Writable } from "node:stream";
import { type App, type AppRoles, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import { createLogger } from "../../src/observability/logger.js";
import { upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, startFakeZoom, type ZoomUser } from "../fakes/fake-zoom.js";
import { testConfig } from "../support/config.js";
import { createTestDatabaseUrl } from "../support/db.js";

export interface ConnectBench {
  app: App;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  databaseUrl: string;
  /** Every log line so far. */
  logs(): string;
  /** Every access token, refresh token and authorization code the fake Zoom issued to the app. */
  secretsIssued(): string[];
  close(): Promise<void>;
}

export interface BenchOptions {
  env?: Env;
  roles?: AppRoles;
  /** Reuse a database (a second "process" on the same data). */
  databaseUrl?: string;
  zoom?: FakeZoom;
  tg?: FakeTelegram;
  clock?: ManualClock;
}

export async function startBench(options: BenchOptions = {}): Promise<ConnectBench> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const zoom = options.zoom ?? (await startFakeZoom({ now: () => clock.now() }));
  const tg = options.tg ?? (await startFakeTelegram({ now: () => clock.now() }));
  const db = options.databaseUrl ? undefined : await createTestDatabaseUrl();
  const databaseUrl = options.databaseUrl ?? (db?.url as string);

  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const config = testConfig({
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: "http://127.0.0.1:3000",
    LOG_LEVEL: "debug",
    ...options.env,
  });
  const logger = createLogger({
    level: "debug",
    destination,
    secrets: [
      config.zoom.clientSecret,
      config.stateSecret,
      config.telegram.botToken,
      ...config.tokenEncryptionKeys,
    ],
  });

  const issued = new Set<string>();
  const watchingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(`${zoom.url}/oauth/token`) && response.ok) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      for (const key of ["access_token", "refresh_token"]) {
        if (typeof body[key] === "string") issued.add(body[key] as string);
      }
    }
    return response;
  };

  const app = await createApp(config, options.roles ?? { web: true, worker: true }, {
    clock,
    logger,
    fetch: watchingFetch,
    botInfo: tg.botInfo as never,
    disablePolling: true,
    disablePeriodic: true,
    ffmpeg: null,
  });

  return {
    app,
    zoom,
    tg,
    clock,
    databaseUrl,
    logs: () => lines.join(""),
    secretsIssued: () => [...issued, ...codesIssued(zoom)],
    async close() {
      await app.stop();
      if (!options.zoom) await zoom.close();
      if (!options.tg) await tg.close();
      await db?.drop();
    },
  };
}

/** Authorization codes appear in the fake's authorize redirects' Location (recorded requests). */
const codesSeen = new WeakMap<FakeZoom, Set<string>>();
export function rememberCode(zoom: FakeZoom, code: string): void {
  const set = codesSeen.get(zoom) ?? new Set<string>();
  set.add(code);
  codesSeen.set(zoom, set);
}
function codesIssued(zoom: FakeZoom): string[] {
  return [...(codesSeen.get(zoom) ?? [])];
}

/**
 * A connection as a finished authorization leaves it, without the browser part: tokens minted by
 * the fake Zoom, encrypted by the app's cipher. `expired` stores an access token already past due.
 */
export async function seedConnection(
  bench: ConnectBench,
  input: { user: ZoomUser; chatId: number; telegramUserId: number; expired?: boolean },
): Promise<{ accessToken: string; refreshToken: string }> {
  const { app, zoom, clock } = bench;
  const tokens = zoom.grantTokens(input.user.id);
  const { cipher, db } = app.services;
  const now = clock.now();
  await upsertTelegramUser(db.kysely, { id: input.telegramUserId, first_name: "Test" }, now);
  await upsertConnection(
    db.kysely,
    {
      zoomUserId: input.user.id,
      zoomAccountId: input.user.account_id,
      email: input.user.email,
      displayName: input.user.display_name,
      timezone: input.user.timezone,
      chatId: input.chatId,
      telegramUserId: input.telegramUserId,
      accessTokenEnc: cipher.encrypt(tokens.access_token, input.user.id),
      refreshTokenEnc: cipher.encrypt(tokens.refresh_token, input.user.id),
      tokenKeyId: cipher.keyIds[0] as string,
      accessExpiresAt: input.expired ? now - 1000 : now + tokens.expires_in * 1000,
      apiUrl: tokens.api_url ?? null,
      scope: tokens.scope,
    },
    now,
  );
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

/** Yields to the event loop: a "short wait" that lets I/O progress without sleeping a fixed time. */
export const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The newest bot message in a chat with a `login_url` button: its id and the button's bare URL. */
export function lastLoginButton(b: { tg: FakeTelegram }, chatId: number): { messageId: number; url: string } {
  const message = b.tg.sent.filter((s) => s.chatId === chatId && s.replyMarkup !== undefined).at(-1);
  const markup = message?.replyMarkup as
    | { inline_keyboard: Array<Array<{ login_url?: { url: string } }>> }
    | undefined;
  const url = markup?.inline_keyboard[0]?.[0]?.login_url?.url;
  if (!message || !url) throw new Error("no login_url button in the last message");
  return { messageId: message.messageId as number, url };
}

/** `from` presses the newest connect button of `chatId`: the URL Telegram opens, signed data added. */
export function pressConnectButton(b: { tg: FakeTelegram }, chatId: number, from: number): string {
  const { messageId } = lastLoginButton(b, chatId);
  return b.tg.pressLoginButton({ chatId, messageId, from });
}

export { continueUrlOf } from "../support/connect-link.js";
