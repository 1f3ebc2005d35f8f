/**
 * The whole-system test harness of issue #9 (fault matrix, hostile input, secrets): the real app
 * built with createApp from a test Config, wired to the fake Zoom and fake Telegram servers, a
 * fresh database (SQLite file or PostgreSQL schema, per TEST_DATABASE), a ManualClock shared by
 * the app and the fakes, a private MEDIA_DIR, and the npm ffmpeg. Nothing runs on its own: tests
 * send requests with `app.http.request()` and run jobs with `worker.drain()`.
 *
 * It also watches the app's own fetch to learn every credential the fake Zoom hands out (OAuth
 * access and refresh tokens, download_access_tokens) so tests can look for them where they must
 * never be: database rows and log lines.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sql } from "kysely";
import { type App, type AppDeps, type AppRoles, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Config, Env } from "../../src/config.js";
import { upsertConnection } from "../../src/connect/connection.repository.js";
import type { Db } from "../../src/db/database.js";
import { resolveLocale } from "../../src/i18n/locales.js";
import { upsertChat, upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, type FakeZoomOptions, startFakeZoom, type ZoomUser } from "../fakes/fake-zoom.js";
import { testConfig } from "../support/config.js";
import { createTestDatabaseUrl } from "../support/db.js";
import { FFMPEG, FFPROBE } from "../support/media.js";

/** Every table of src/db/schema.ts, for snapshots. */
export const TABLES = [
  "users",
  "chats",
  "zoom_connections",
  "oauth_states",
  "meetings",
  "recordings",
  "deliveries",
  "meeting_cards",
  "webhook_events",
  "jobs",
  "leases",
] as const;
export type TableName = (typeof TABLES)[number];

export interface Harness {
  app: App;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  config: Config;
  db: Db;
  databaseUrl: string;
  mediaDir: string;
  /** Log lines written so far (empty when `keepLogs` is false). */
  readonly lines: string[];
  /**
   * Every credential that passed between the app and the fake Zoom so far: access, refresh and
   * download tokens it was issued, and the codes, PKCE verifiers and tokens it sent.
   */
  issued(): string[];
  /** A connected Zoom user delivering to `chatId`, as a finished authorization leaves it. */
  connect(input: { user?: ZoomUser; chatId: number; telegramUserId?: number; locale?: string }): Promise<{
    user: ZoomUser;
    accessToken: string;
    refreshToken: string;
  }>;
  /** POSTs a body to a Zoom webhook path, signed like Zoom signs it at the clock's time. */
  postZoomWebhook(body: string | Record<string, unknown>, path?: string): Promise<Response>;
  /** Runs due jobs until none is due (the worker's deterministic drain). */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Env;
  roles?: AppRoles;
  deps?: AppDeps;
  clock?: ManualClock;
  zoom?: FakeZoomOptions;
  /** Keep log lines in memory (default true). Long property runs turn it off to keep memory flat. */
  keepLogs?: boolean;
  /** Telegram upload limit of the fake and the app (MB). */
  uploadLimitMb?: number;
  /** The fake Telegram keeps uploaded files on disk (`files[].path`), to check what was delivered. */
  keepFiles?: boolean;
  /**
   * Run against what an earlier harness left: its database (not dropped by close) and its fakes
   * (not closed by close). A restart of the service with another configuration.
   */
  reuse?: { databaseUrl: string; zoom: FakeZoom; tg: FakeTelegram; clock: ManualClock };
}

export const START = Date.UTC(2026, 0, 15, 12, 0, 0);

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const reuse = options.reuse;
  const clock = reuse?.clock ?? options.clock ?? new ManualClock(START);
  const zoom = reuse?.zoom ?? (await startFakeZoom({ now: () => clock.now(), ...options.zoom }));
  const tg =
    reuse?.tg ??
    (await startFakeTelegram({
      now: () => clock.now(),
      ...(options.uploadLimitMb ? { uploadLimitMb: options.uploadLimitMb } : {}),
      ...(options.keepFiles ? { keepFiles: true } : {}),
    }));
  const database = reuse ? { url: reuse.databaseUrl, drop: async () => {} } : await createTestDatabaseUrl();
  const mediaDir = mkdtempSync(join(tmpdir(), "zoomgram-fault-media-"));

  const keepLogs = options.keepLogs ?? true;
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      if (keepLogs) lines.push(String(chunk));
      callback();
    },
  });

  const issued = new Set<string>();
  const baseFetch = options.deps?.fetch ?? globalThis.fetch;
  const watchingFetch: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(zoom.url)) {
      // What the app itself sends: the authorization code, the PKCE verifier, refresh tokens,
      // bearer tokens (Basic client credentials are configuration, checked separately).
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      const bearer = /^Bearer\s+(\S+)/i.exec(headers.get("authorization") ?? "")?.[1];
      if (bearer) issued.add(bearer);
      if (typeof init?.body === "string" || init?.body instanceof URLSearchParams) {
        const form = new URLSearchParams(String(init.body));
        for (const key of ["code", "code_verifier", "refresh_token", "token"]) {
          const value = form.get(key);
          if (value) issued.add(value);
        }
      }
    }
    const response = await baseFetch(input, init);
    if (url.startsWith(zoom.url) && /json/.test(response.headers.get("content-type") ?? "")) {
      try {
        const body = (await response.clone().json()) as Record<string, unknown>;
        for (const key of ["access_token", "refresh_token", "download_access_token"]) {
          if (typeof body[key] === "string") issued.add(body[key] as string);
        }
      } catch {
        // Not JSON after all (a fault the fake injected): nothing to learn from it.
      }
    }
    return response;
  };

  const config = testConfig({
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    ...(options.uploadLimitMb ? { TELEGRAM_UPLOAD_LIMIT_MB: String(options.uploadLimitMb) } : {}),
    DATABASE_URL: database.url,
    PUBLIC_URL: "http://127.0.0.1:3000",
    MEDIA_DIR: mediaDir,
    LOG_LEVEL: "debug",
    ...options.env,
  });

  const app = await createApp(config, options.roles ?? { web: true, worker: true }, {
    clock,
    botInfo: tg.botInfo,
    disablePolling: true,
    disablePeriodic: true,
    ffmpeg: { ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" },
    logDestination: destination,
    ...options.deps,
    fetch: watchingFetch,
  });

  const chatsAdded = new Set<number>();
  const harness: Harness = {
    app,
    zoom,
    tg,
    clock,
    config,
    db: app.services.db,
    databaseUrl: database.url,
    mediaDir,
    lines,
    issued: () => [...issued],
    async connect({ user, chatId, telegramUserId = Math.abs(chatId) % 1_000_000_000 || 1, locale = "en" }) {
      const zoomUser = user ?? zoom.addUser({ email: `host${Math.abs(chatId)}@example.com` });
      const tokens = zoom.grantTokens(zoomUser.id);
      issued.add(tokens.access_token);
      issued.add(tokens.refresh_token);
      if (!chatsAdded.has(chatId)) {
        chatsAdded.add(chatId);
        tg.addChat(
          chatId > 0
            ? { id: chatId, type: "private", first_name: "Host" }
            : { id: chatId, type: "supergroup", title: "Team", admins: [telegramUserId] },
        );
      }
      const { db, cipher } = app.services;
      const now = clock.now();
      await upsertTelegramUser(
        db.kysely,
        { id: telegramUserId, first_name: "Host", language_code: locale },
        now,
      );
      await upsertChat(
        db.kysely,
        chatId > 0 ? { id: chatId, type: "private" } : { id: chatId, type: "supergroup", title: "Team" },
        resolveLocale(locale),
        now,
      );
      await upsertConnection(
        db.kysely,
        {
          zoomUserId: zoomUser.id,
          zoomAccountId: zoomUser.account_id,
          email: zoomUser.email,
          displayName: zoomUser.display_name,
          timezone: zoomUser.timezone,
          chatId,
          telegramUserId,
          accessTokenEnc: cipher.encrypt(tokens.access_token, zoomUser.id),
          refreshTokenEnc: cipher.encrypt(tokens.refresh_token, zoomUser.id),
          tokenKeyId: cipher.keyIds[0] as string,
          accessExpiresAt: now + tokens.expires_in * 1000,
          apiUrl: tokens.api_url ?? null,
          scope: tokens.scope,
        },
        now,
      );
      return { user: zoomUser, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
    },
    async postZoomWebhook(body, path = "/webhooks/zoom") {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const ts = String(Math.floor(clock.now() / 1000));
      const response = await app.http.request(path, {
        method: "POST",
        body: raw,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-zm-request-timestamp": ts,
          "x-zm-signature": computeZoomSignature(config.zoom.webhookSecret, ts, raw),
        },
      });
      // The answer means "in the inbox"; let the worker role's inbox processor take it now.
      if (response.status === 200) await app.worker?.drainFeeders();
      return response;
    },
    async drain() {
      if (!app.worker) throw new Error("harness: no worker role");
      return app.worker.drain();
    },
    async close() {
      await app.stop();
      if (reuse) {
        rmSync(mediaDir, { recursive: true, force: true });
        return;
      }
      await Promise.all([zoom.close(), tg.close()]);
      await database.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Row counts of every table in one query (cheap enough to run after every hostile request). */
export async function rowCounts(db: Db): Promise<Record<TableName, number>> {
  const select = TABLES.map((t) => `(select count(*) from ${t}) as ${t}`).join(", ");
  const result = await sql.raw<Record<TableName, number | string>>(`select ${select}`).execute(db.kysely);
  const row = result.rows[0] as Record<TableName, number | string>;
  return Object.fromEntries(TABLES.map((t) => [t, Number(row[t])])) as Record<TableName, number>;
}

/** Every row of every table, as sorted JSON lines: two equal snapshots mean nothing changed. */
export async function snapshotDatabase(db: Db): Promise<Record<TableName, string[]>> {
  const out = {} as Record<TableName, string[]>;
  for (const table of TABLES) {
    const rows = await sql.raw<Record<string, unknown>>(`select * from ${table}`).execute(db.kysely);
    out[table] = rows.rows
      .map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? String(v) : v)))
      .sort();
  }
  return out;
}

/** Every text value stored anywhere in the database, one string per cell (for secret scans). */
export async function everyStoredValue(db: Db): Promise<string[]> {
  const snapshot = await snapshotDatabase(db);
  return Object.values(snapshot).flat();
}

/** What the fakes have seen: requests to Zoom, Bot API calls, messages sent. */
export function fakeActivity(h: Pick<Harness, "zoom" | "tg">): {
  zoom: number;
  telegram: number;
  sent: number;
} {
  return { zoom: h.zoom.requests.length, telegram: h.tg.calls.length, sent: h.tg.sent.length };
}
