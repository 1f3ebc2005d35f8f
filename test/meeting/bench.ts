/**
 * The meeting test bench: the real app (createApp) wired to a fake Zoom and a fake Telegram, a
 * fresh database (SQLite, or PostgreSQL with TEST_DATABASE=postgres), a manual clock shared with
 * both fakes, and one connected Zoom user delivering to one chat. Webhooks are signed like Zoom's
 * and posted to the app's own route; jobs run with `worker.drain()`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import { type App, type AppDeps, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import type { Feature } from "../../src/features.js";
import { setChatLocale, upsertChat, upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import { type FakeTelegram, type StoredMessage, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, signWebhook, startFakeZoom, type ZoomUser } from "../fakes/fake-zoom.js";
import { testConfig } from "../support/config.js";
import { createTestDatabaseUrl } from "../support/db.js";
import { FFMPEG, FFPROBE } from "../support/media.js";

export interface MeetingBench {
  app: App;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  user: ZoomUser;
  chatId: number;
  /** Signs `body` like Zoom and posts it to POST /webhooks/zoom; resolves with the response. */
  post(body: Record<string, unknown>): Promise<Response>;
  /** Runs every due job until none is left. */
  drain(): Promise<number>;
  /**
   * Runs jobs until the queue is quiet, moving the clock to each next due job (retries, paced card
   * edits, "still processing" re-checks) within `horizonMs` of now (default 10 minutes; the 24 h
   * parts timeout stays in the future unless asked for).
   */
  settle(horizonMs?: number): Promise<void>;
  /** The chat's bot messages (current state, edits applied). */
  messages(): StoredMessage[];
  /** The meeting cards in the chat: plain messages whose first line is a card title. */
  cards(): StoredMessage[];
  setLocale(locale: string): Promise<void>;
  /** The chat's user sends `text` (a command) and the bot handles it. */
  say(text: string): Promise<void>;
  /** The chat's user presses an inline button with `data` under message `messageId`. */
  press(messageId: number, data: string, chatId?: number): Promise<void>;
  close(): Promise<void>;
}

export interface MeetingBenchOptions {
  env?: Env;
  deps?: AppDeps;
  features?: readonly Feature[];
  /** Scope the fake Zoom grants (e.g. without `meeting:read:summary`). */
  scope?: string;
  chatId?: number;
}

export async function startMeetingBench(options: MeetingBenchOptions = {}): Promise<MeetingBench> {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 10, 0, 0));
  const zoom = await startFakeZoom({
    now: () => clock.now(),
    ...(options.scope ? { scope: options.scope } : {}),
  });
  const tg = await startFakeTelegram({ now: () => clock.now(), keepFiles: true });
  const database = await createTestDatabaseUrl();
  const chatId = options.chatId ?? 4242;
  const mediaDir = mkdtempSync(join(tmpdir(), "zoomgram-meeting-media-"));

  const config = testConfig({
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    DATABASE_URL: database.url,
    PUBLIC_URL: "http://127.0.0.1:3000",
    MEDIA_DIR: mediaDir,
    ...options.env,
  });
  const app = await createApp(
    config,
    { web: true, worker: true },
    {
      clock,
      botInfo: tg.botInfo as never,
      disablePolling: true,
      disablePeriodic: true,
      ffmpeg: { ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" },
      ...(options.features ? { features: options.features } : {}),
      ...options.deps,
    },
  );

  const user = zoom.addUser({
    email: "anna@example.com",
    first_name: "Anna",
    last_name: "Keller",
    timezone: "Europe/Berlin",
  });
  tg.addChat({ id: chatId, type: "private", first_name: "Anna" });
  tg.addUser({ id: chatId, first_name: "Anna", language_code: "en" });
  const tokens = zoom.grantTokens(user.id);
  const { cipher, db } = app.services;
  const now = clock.now();
  await upsertTelegramUser(db.kysely, { id: chatId, first_name: "Anna", language_code: "en" }, now);
  await upsertChat(db.kysely, { id: chatId, type: "private" }, "en", now);
  await upsertConnection(
    db.kysely,
    {
      zoomUserId: user.id,
      zoomAccountId: user.account_id,
      email: user.email,
      displayName: user.display_name,
      timezone: user.timezone,
      chatId,
      telegramUserId: chatId,
      accessTokenEnc: cipher.encrypt(tokens.access_token, user.id),
      refreshTokenEnc: cipher.encrypt(tokens.refresh_token, user.id),
      tokenKeyId: cipher.keyIds[0] as string,
      accessExpiresAt: now + tokens.expires_in * 1000,
      apiUrl: tokens.api_url ?? null,
      scope: tokens.scope,
    },
    now,
  );

  const worker = app.worker;
  if (!worker) throw new Error("bench: the app has no worker");

  return {
    app,
    zoom,
    tg,
    clock,
    user,
    chatId,
    async post(body) {
      const raw = JSON.stringify(body);
      const headers = signWebhook(raw, config.zoom.webhookSecret, Math.floor(clock.now() / 1000));
      const response = await app.http.request("/webhooks/zoom", { method: "POST", headers, body: raw });
      // The answer means "in the inbox"; let the worker role's inbox processor take it now.
      if (response.status === 200) await worker.drainFeeders();
      return response;
    },
    drain: () => worker.drain(),
    async settle(horizonMs = 10 * 60_000) {
      const until = clock.now() + horizonMs;
      for (let round = 0; round < 200; round++) {
        await worker.drain();
        const next = await db.kysely
          .selectFrom("jobs")
          .select((eb) => eb.fn.min("run_at").as("at"))
          .where("state", "in", ["queued", "retry"])
          .where("run_at", "<=", until)
          .executeTakeFirst();
        if (next?.at === null || next?.at === undefined) return;
        clock.set(Math.max(clock.now(), Number(next.at)));
      }
      throw new Error("bench: jobs did not settle");
    },
    messages: () => tg.messages(chatId),
    cards: () => tg.messages(chatId).filter((m) => m.method === "sendMessage" && /^🎥 /.test(m.text ?? "")),
    setLocale: (locale) => setChatLocale(db.kysely, chatId, locale as never, clock.now()),
    say: (text) => app.bot.handleUpdate(tg.userSends({ chatId, from: chatId, text }) as unknown as Update),
    press: (messageId, data, inChat = chatId) =>
      app.bot.handleUpdate(
        tg.userPresses({ chatId: inChat, from: chatId, messageId, data }) as unknown as Update,
      ),
    async close() {
      await app.stop();
      await Promise.all([zoom.close(), tg.close()]);
      await database.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}
