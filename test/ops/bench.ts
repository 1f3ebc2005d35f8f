/**
 * The operations test bench: the real app (createApp, its own logger as configured — only the
 * destination is swapped so the lines can be read) wired to a fake Zoom and a fake Telegram, a
 * fresh database, a manual clock shared with the fakes, and every credential the fake Zoom hands
 * the app recorded (by watching the app's own fetch), so tests can look for them where they must
 * not be.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Logger } from "pino";
import { type App, type AppDeps, type AppRoles, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import { upsertChat, upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, startFakeZoom, type ZoomUser } from "../fakes/fake-zoom.js";
import { TEST_ENV, testConfig } from "../support/config.js";
import { createTestDatabaseUrl } from "../support/db.js";
import { FFMPEG, FFPROBE } from "../support/media.js";

export interface OpsBench {
  app: App;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  databaseUrl: string;
  /** The environment the app's Config was parsed from (for CLI subprocesses of the same setup). */
  env: Readonly<Record<string, string>>;
  /** Raw log lines written so far. */
  lines: string[];
  /** Every access, refresh and download token the fake Zoom issued to the app so far. */
  issued(): string[];
  /** A connected Zoom user delivering to `chatId`, as a finished authorization leaves it. */
  connect(input: {
    user: ZoomUser;
    chatId: number;
    telegramUserId?: number;
    locale?: string;
  }): Promise<{ accessToken: string; refreshToken: string }>;
  /** POSTs `event` to /webhooks/zoom, signed with the app's secret at the bench clock. */
  post(event: unknown): Promise<Response>;
  /** Runs due jobs of `kinds`, jumping the clock to each retry, until none is waiting. */
  settle(kinds?: string[], maxRounds?: number): Promise<void>;
  close(): Promise<void>;
}

export interface OpsBenchOptions {
  env?: Env;
  roles?: AppRoles;
  deps?: AppDeps;
  /** Log through this logger instead of the app's own (the unredacted control). */
  logger?: (destination: Writable) => Logger;
  clock?: ManualClock;
}

export async function startOpsBench(options: OpsBenchOptions = {}): Promise<OpsBench> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const zoom = await startFakeZoom({ now: () => clock.now() });
  const tg = await startFakeTelegram({ now: () => clock.now() });
  const db = await createTestDatabaseUrl();
  const mediaDir = mkdtempSync(join(tmpdir(), "zoomgram-ops-media-"));

  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const issued = new Set<string>();
  const watchingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(zoom.url) && response.ok && /json/.test(response.headers.get("content-type") ?? "")) {
      const body = (await response.clone().json()) as Record<string, unknown>;
      for (const key of ["access_token", "refresh_token", "download_access_token"]) {
        if (typeof body[key] === "string") issued.add(body[key] as string);
      }
    }
    return response;
  };

  const env: Record<string, string> = {
    ...TEST_ENV,
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    DATABASE_URL: db.url,
    PUBLIC_URL: "http://127.0.0.1:3000",
    LOG_LEVEL: "debug",
    MEDIA_DIR: mediaDir,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const config = testConfig(env);
  const app = await createApp(config, options.roles ?? { web: true, worker: true }, {
    clock,
    fetch: watchingFetch,
    botInfo: tg.botInfo as never,
    disablePolling: true,
    disablePeriodic: true,
    ffmpeg: { ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" },
    ...(options.logger ? { logger: options.logger(destination) } : { logDestination: destination }),
    ...options.deps,
  });

  return {
    app,
    zoom,
    tg,
    clock,
    databaseUrl: db.url,
    env,
    lines,
    issued: () => [...issued],
    async connect({ user, chatId, telegramUserId = chatId > 0 ? chatId : 1001, locale = "en" }) {
      tg.addChat(
        chatId > 0
          ? { id: chatId, type: "private", first_name: "Test" }
          : { id: chatId, type: "group", title: "Team", admins: [telegramUserId] },
      );
      const tokens = zoom.grantTokens(user.id);
      issued.add(tokens.access_token);
      issued.add(tokens.refresh_token);
      const { cipher, db: appDb } = app.services;
      const now = clock.now();
      await upsertTelegramUser(
        appDb.kysely,
        { id: telegramUserId, first_name: "Test", language_code: locale },
        now,
      );
      await upsertChat(
        appDb.kysely,
        { id: chatId, type: chatId > 0 ? "private" : "group", title: "Team" },
        locale as "en",
        now,
      );
      await upsertConnection(
        appDb.kysely,
        {
          zoomUserId: user.id,
          zoomAccountId: user.account_id,
          email: user.email,
          displayName: user.display_name,
          timezone: user.timezone,
          chatId,
          telegramUserId,
          accessTokenEnc: cipher.encrypt(tokens.access_token, user.id),
          refreshTokenEnc: cipher.encrypt(tokens.refresh_token, user.id),
          tokenKeyId: cipher.keyIds[0] as string,
          accessExpiresAt: now + tokens.expires_in * 1000,
          apiUrl: tokens.api_url ?? null,
          scope: tokens.scope,
        },
        now,
      );
      return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    },
    async post(event) {
      const raw = JSON.stringify(event);
      const ts = String(Math.floor(clock.now() / 1000));
      const response = await app.http.request("/webhooks/zoom", {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-zm-request-timestamp": ts,
          "x-zm-signature": computeZoomSignature(config.zoom.webhookSecret, ts, raw),
        },
        body: raw,
      });
      // The answer means "in the inbox"; let the worker role's inbox processor take it now.
      if (response.status === 200) await app.worker?.drainFeeders();
      return response;
    },
    async settle(kinds = ["deliver-recording"], maxRounds = 40) {
      const worker = app.worker;
      if (!worker) throw new Error("settle needs the worker role");
      for (let round = 0; round < maxRounds; round++) {
        await worker.drain();
        const next = await app.services.db.kysely
          .selectFrom("jobs")
          .select((eb) => eb.fn.min("run_at").as("at"))
          .where("kind", "in", kinds)
          .where("state", "in", ["queued", "retry"])
          .executeTakeFirst();
        if (next?.at === null || next?.at === undefined) return;
        clock.set(Math.max(clock.now(), Number(next.at)));
      }
      throw new Error(`jobs ${kinds.join(", ")} did not settle`);
    },
    async close() {
      await app.stop();
      await zoom.close();
      await tg.close();
      await db.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
