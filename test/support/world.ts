/**
 * The one test world: the fake Zoom and fake Telegram, a fresh database (SQLite file or
 * PostgreSQL schema, per TEST_DATABASE), a private media folder, a Config pointing at all of
 * them, and the real app (createApp, every feature) on a ManualClock shared with the fakes.
 * Nothing runs on its own: requests go through `app.http.request()`, jobs run with `drain()` or
 * `settle()`, the clock jumping to each retry, so nothing sleeps.
 *
 * The pieces compose on their own too, for what runs Zoomgram as child processes (the crash and
 * fleet suites, `npm run bench`, `npm run demo`): `startFakes`, `serviceEnv`/`processEnv`,
 * `makeMediaDir`, `seedConnection` (./connection.ts), `signedWebhook`/`postSignedWebhook`,
 * `freePort`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Logger } from "pino";
import { type App, type AppDeps, type AppRoles, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Config, Env } from "../../src/config.js";
import { type Db, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import type { AppServices } from "../../src/features.js";
import type { FfmpegBinaries } from "../../src/media/ffmpeg-locator.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import {
  type AddChatInput,
  type FakeTelegram,
  type FakeTelegramOptions,
  startFakeTelegram,
} from "../fakes/fake-telegram.js";
import { type FakeZoom, type FakeZoomOptions, startFakeZoom } from "../fakes/fake-zoom.js";
import { TEST_ENV, testConfig } from "./config.js";
import {
  type ConnectedUser,
  connectZoomUser,
  type SeedConnectionInput,
  seedConnection,
} from "./connection.js";
import { createTestDatabaseUrl, type TestDialect } from "./db.js";
import { FFMPEG, FFPROBE } from "./media.js";

/** The world's clock starts here unless told otherwise. */
export const WORLD_START = Date.UTC(2026, 0, 15, 12, 0, 0);
/** The npm-installed ffmpeg and ffprobe, as the app's ffmpeg discovery would report them. */
export const NPM_FFMPEG: FfmpegBinaries = { ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" };

// ---------------------------------------------------------------------------------- the pieces

export interface Fakes {
  zoom: FakeZoom;
  tg: FakeTelegram;
  close(): Promise<void>;
}

/** Both fake servers on 127.0.0.1, on one clock (default: the wall clock). */
export async function startFakes(
  options: { now?: () => number; zoom?: FakeZoomOptions; telegram?: FakeTelegramOptions } = {},
): Promise<Fakes> {
  const now = options.now ? { now: options.now } : {};
  const zoom = await startFakeZoom({ ...now, ...options.zoom });
  const tg = await startFakeTelegram({ ...now, ...options.telegram });
  return { zoom, tg, close: async () => void (await Promise.all([zoom.close(), tg.close()])) };
}

/** The configuration that points Zoomgram at the two fakes. */
export function fakesEnv(zoom: FakeZoom, tg: FakeTelegram): Record<string, string> {
  return {
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
  };
}

/**
 * A whole Zoomgram environment: the test secrets (TEST_ENV), the fakes, the database and media
 * folder, then `env` on top (an `undefined` value removes nothing and adds nothing).
 */
export function serviceEnv(input: {
  zoom: FakeZoom;
  tg: FakeTelegram;
  databaseUrl: string;
  mediaDir?: string;
  env?: Env;
}): Record<string, string> {
  const env: Record<string, string> = {
    ...TEST_ENV,
    ...fakesEnv(input.zoom, input.tg),
    DATABASE_URL: input.databaseUrl,
    ...(input.mediaDir ? { MEDIA_DIR: input.mediaDir } : {}),
  };
  for (const [key, value] of Object.entries(input.env ?? {})) if (value !== undefined) env[key] = value;
  return env;
}

/** The environment of a child process: PATH and HOME of this one, then `env`. */
export function processEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? tmpdir(), ...env };
}

export interface MediaDir {
  path: string;
  remove(): void;
}

/** A private, empty temp folder (MEDIA_DIR, logs, a demo's database). */
export function makeMediaDir(prefix = "zoomgram-media-"): MediaDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A log destination whose lines can be read (`keep: false` drops them, for long runs). */
export function captureLog(keep = true): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      if (keep) lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination };
}

/**
 * Wraps `base` to learn every credential that passes between the app and the fake Zoom: the
 * codes, PKCE verifiers and tokens the app sends, and the access, refresh and download tokens it
 * is handed. Tests look for them where they must never be (rows, log lines). `only: "oauth"`
 * learns just the access and refresh tokens of the OAuth token endpoint's answers.
 */
export function watchZoomCredentials(
  zoomUrl: string,
  base: typeof fetch = globalThis.fetch,
  only?: "oauth",
): { fetch: typeof fetch; issued: Set<string> } {
  const issued = new Set<string>();
  const watched = only === "oauth" ? `${zoomUrl}/oauth/token` : zoomUrl;
  const watching: typeof fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(zoomUrl) && only === undefined) {
      // Basic client credentials are configuration, checked separately.
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
    const response = await base(input, init);
    if (url.startsWith(watched) && /json/.test(response.headers.get("content-type") ?? "")) {
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
  return { fetch: watching, issued };
}

/** `body` as Zoom sends it: the raw JSON and the headers signed with `secret` at `nowMs`. */
export function signedWebhook(
  body: unknown,
  secret: string = TEST_ENV.ZOOM_WEBHOOK_SECRET,
  nowMs: number = Date.now(),
  timestampSec: number = Math.floor(nowMs / 1000),
): { raw: string; headers: Record<string, string> } {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const ts = String(timestampSec);
  return {
    raw,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-zm-request-timestamp": ts,
      "x-zm-signature": computeZoomSignature(secret, ts, raw),
    },
  };
}

/** POSTs a signed webhook to a running Zoomgram (`url` is the full webhook URL). */
export function postSignedWebhook(
  url: string,
  event: unknown,
  secret: string = TEST_ENV.ZOOM_WEBHOOK_SECRET,
): Promise<Response> {
  const { raw, headers } = signedWebhook(event, secret);
  return fetch(url, { method: "POST", headers, body: raw });
}

/** A TCP port free on 127.0.0.1 right now (for a child process to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------- the world

export interface WorldOptions {
  /** Shared with the fakes; default a ManualClock at `start`. */
  clock?: ManualClock;
  start?: number;
  zoom?: FakeZoomOptions;
  telegram?: FakeTelegramOptions;
  /** On top of the world's configuration (see `serviceEnv`). */
  env?: Env;
  roles?: AppRoles;
  /** On top of the world's deps (the clock, the npm ffmpeg, no polling, no periodic tasks). */
  deps?: AppDeps;
  /** Log through this logger instead of the app's own (still writing to the captured lines). */
  logger?: (destination: Writable, config: Config) => Logger;
  /** Which credentials `issued()` learns (see `watchZoomCredentials`); default every one. */
  watch?: "oauth";
  /** Keep log lines in memory (default true). Long property runs turn it off to keep memory flat. */
  keepLogs?: boolean;
  /**
   * What an earlier world (or the test) owns: used, never closed or dropped by `close()` — a
   * second process on the same data, or a restart with another configuration.
   */
  shared?: { zoom?: FakeZoom; tg?: FakeTelegram; databaseUrl?: string };
}

export interface WorldConnectInput extends SeedConnectionInput {
  /** The chat as the fake Telegram knows it (added on the chat's first connect); default by id sign. */
  fakeChat?: Omit<AddChatInput, "id">;
}

export interface SettleOptions {
  /** Only these job kinds count (default: every kind). */
  kinds?: readonly string[];
  /** Only jobs due within this many ms of now count (default: any time). */
  horizonMs?: number;
  /** Default 40. */
  maxRounds?: number;
  /** Move the clock at least this far each round (default 0: to the next due job only). */
  minStepMs?: number;
  /** After `maxRounds` with work left: throw (default) or return quietly. */
  ifUnsettled?: "throw" | "return";
}

export interface WebhookPostOptions {
  path?: string;
  timestampSec?: number;
  secret?: string;
  headers?: Record<string, string>;
  /** After a 200, let the worker role's inbox processor take the event now (default true). */
  process?: boolean;
}

export interface World {
  app: App;
  services: AppServices;
  config: Config;
  /** The environment the Config was parsed from (for CLI subprocesses of the same setup). */
  env: Readonly<Record<string, string>>;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  db: Db;
  databaseUrl: string;
  mediaDir: string;
  /** Raw log lines written so far (empty when `keepLogs` is false or with LOG_LEVEL silent). */
  readonly lines: string[];
  /** Every credential that passed between the app and the fake Zoom so far. */
  issued(): string[];
  /** A connected Zoom user delivering to a chat the fake Telegram knows. */
  connect(input: WorldConnectInput): Promise<ConnectedUser>;
  /**
   * Signs `body` as Zoom would (timestamp = the clock), POSTs it to /webhooks/zoom, then (the
   * answer means "in the inbox") runs the inbox processor unless `process: false`.
   */
  post(body: unknown, options?: WebhookPostOptions): Promise<Response>;
  /** Runs due jobs until none is due (the worker's deterministic drain). */
  drain(): Promise<number>;
  /** Runs jobs until none is waiting, jumping the clock to each next due one. */
  settle(options?: SettleOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const shared = options.shared ?? {};
  const clock = options.clock ?? new ManualClock(options.start ?? WORLD_START);
  const now = () => clock.now();
  const zoom = shared.zoom ?? (await startFakeZoom({ now, ...options.zoom }));
  const tg = shared.tg ?? (await startFakeTelegram({ now, ...options.telegram }));
  const database = shared.databaseUrl
    ? { url: shared.databaseUrl, drop: async () => {} }
    : await createTestDatabaseUrl();
  const media = makeMediaDir();
  const { lines, destination } = captureLog(options.keepLogs ?? true);
  const watcher = watchZoomCredentials(zoom.url, options.deps?.fetch, options.watch);

  const env = serviceEnv({ zoom, tg, databaseUrl: database.url, mediaDir: media.path, env: options.env });
  const config = testConfig(env);
  const app = await createApp(config, options.roles ?? { web: true, worker: true }, {
    clock,
    botInfo: tg.botInfo,
    disablePolling: true,
    disablePeriodic: true,
    ffmpeg: NPM_FFMPEG,
    ...(options.logger ? { logger: options.logger(destination, config) } : { logDestination: destination }),
    ...options.deps,
    fetch: watcher.fetch,
  });
  const services = app.services;
  const chatsAdded = new Set<number>();

  const world: World = {
    app,
    services,
    config,
    env,
    zoom,
    tg,
    clock,
    db: services.db,
    databaseUrl: database.url,
    mediaDir: media.path,
    lines,
    issued: () => [...watcher.issued],
    async connect({ fakeChat, ...input }) {
      if (!chatsAdded.has(input.chatId)) {
        chatsAdded.add(input.chatId);
        tg.addChat({ id: input.chatId, type: input.chatId > 0 ? "private" : "group", ...fakeChat });
      }
      const connected = await connectZoomUser(services, zoom, input);
      watcher.issued.add(connected.accessToken);
      watcher.issued.add(connected.refreshToken);
      return connected;
    },
    async post(body, opts = {}) {
      const signed = signedWebhook(
        body,
        opts.secret ?? config.zoom.webhookSecret,
        clock.now(),
        opts.timestampSec ?? Math.floor(clock.now() / 1000),
      );
      const response = await app.http.request(opts.path ?? "/webhooks/zoom", {
        method: "POST",
        headers: { ...signed.headers, ...opts.headers },
        body: signed.raw,
      });
      if (opts.process !== false && response.status === 200) await app.worker?.drainFeeders();
      return response;
    },
    async drain() {
      if (!app.worker) throw new Error("world: the app has no worker role");
      return app.worker.drain();
    },
    settle: (settleOptions) => settleJobs(world, settleOptions),
    async close() {
      await app.stop();
      await Promise.all([shared.zoom ? undefined : zoom.close(), shared.tg ? undefined : tg.close()]);
      await database.drop();
      media.remove();
    },
  };
  return world;
}

async function settleJobs(world: World, options: SettleOptions = {}): Promise<void> {
  const { kinds, horizonMs, maxRounds = 40, minStepMs = 0, ifUnsettled = "throw" } = options;
  const until = horizonMs === undefined ? undefined : world.clock.now() + horizonMs;
  for (let round = 0; round < maxRounds; round++) {
    await world.drain();
    const next = await world.db.kysely
      .selectFrom("jobs")
      .select((eb) => eb.fn.min("run_at").as("at"))
      .where("state", "in", ["queued", "retry"])
      .$if(kinds !== undefined, (qb) => qb.where("kind", "in", kinds as string[]))
      .$if(until !== undefined, (qb) => qb.where("run_at", "<=", until as number))
      .executeTakeFirst();
    if (next?.at === null || next?.at === undefined) return;
    world.clock.set(Math.max(world.clock.now() + minStepMs, Number(next.at)));
  }
  if (ifUnsettled === "return") return;
  throw new Error(`jobs (${kinds?.join(", ") ?? "every kind"}) did not settle`);
}

// ---------------------------------------------------------------------------------- a service world

export interface ServiceWorldOptions {
  zoom?: FakeZoomOptions;
  telegram?: FakeTelegramOptions;
  /** Default TEST_DATABASE's. */
  dialect?: TestDialect;
  /** Connections of this process's own handle on the database (default 4). */
  poolMax?: number;
  /** Name prefix of the work folder (media in `<dir>/media`, logs beside it). */
  dirPrefix?: string;
}

/**
 * The world around Zoomgram run as child processes (`node bin/zoomgram.mjs …`, reading
 * process.env): the fakes on the wall clock, a fresh migrated database with a handle to read and
 * seed it, a work folder, and the environment that points a child at all of them.
 */
export interface ServiceWorld {
  zoom: FakeZoom;
  tg: FakeTelegram;
  databaseUrl: string;
  /** This process's own handle on the database (seeding, assertions). */
  db: Db;
  /** The work folder; MEDIA_DIR is `<dir>/media`. */
  dir: string;
  mediaDir: string;
  /** A child's environment: PATH, HOME, the world's configuration, then `extra`. */
  env(extra?: Env): Record<string, string>;
  /** A connected Zoom user (rows written with TEST_ENV's encryption key, at the wall clock). */
  connect(input: WorldConnectInput): Promise<ConnectedUser>;
  /** Stops the fakes and closes the handle; drops the database and the folder unless `keep`. */
  close(options?: { keep?: boolean }): Promise<void>;
}

export async function startServiceWorld(options: ServiceWorldOptions = {}): Promise<ServiceWorld> {
  const fakes = await startFakes({
    ...(options.zoom ? { zoom: options.zoom } : {}),
    ...(options.telegram ? { telegram: options.telegram } : {}),
  });
  const { zoom, tg } = fakes;
  const database = await createTestDatabaseUrl(options.dialect);
  const db = await openDatabase(database.url, { poolMax: options.poolMax ?? 4, connectRetries: 0 });
  await migrateToLatest(db);
  const dir = makeMediaDir(options.dirPrefix ?? "zoomgram-service-");
  const mediaDir = join(dir.path, "media");
  const cipher = createTokenCipher([TEST_ENV.TOKEN_ENCRYPTION_KEY]);
  return {
    zoom,
    tg,
    databaseUrl: database.url,
    db,
    dir: dir.path,
    mediaDir,
    env: (extra) => processEnv(serviceEnv({ zoom, tg, databaseUrl: database.url, mediaDir, env: extra })),
    async connect({ fakeChat, ...input }) {
      tg.addChat({ id: input.chatId, type: input.chatId > 0 ? "private" : "group", ...fakeChat });
      return seedConnection({ db, cipher, now: Date.now() }, zoom, input);
    },
    async close({ keep = false } = {}) {
      await db.close();
      await fakes.close();
      if (keep) return;
      await database.drop();
      dir.remove();
    },
  };
}
