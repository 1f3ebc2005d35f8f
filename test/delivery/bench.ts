/**
 * The delivery pipeline's test bench: the real app (createApp, every feature) wired to the fake
 * Zoom and fake Telegram, a fresh database (SQLite file or PostgreSQL schema, per TEST_DATABASE),
 * a ManualClock shared with the fakes, a private MEDIA_DIR and the npm ffmpeg. Webhooks are signed
 * and POSTed with `app.http.request()`; jobs run with `worker.drain()`, the clock jumping to each
 * retry's time, so nothing sleeps.
 */
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, type AppDeps, createApp } from "../../src/app.js";
import { ManualClock } from "../../src/clock.js";
import type { Config, Env } from "../../src/config.js";
import { DELIVER_RECORDING_JOB } from "../../src/delivery/delivery-jobs.js";
import type { AppServices } from "../../src/features.js";
import type { FfmpegBinaries } from "../../src/media/ffmpeg-locator.js";
import { silentLogger } from "../../src/observability/logger.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { type FakeTelegram, type SentRecord, startFakeTelegram } from "../fakes/fake-telegram.js";
import { type FakeZoom, startFakeZoom } from "../fakes/fake-zoom.js";
import { testConfig } from "../support/config.js";
import { type ConnectedUser, type ConnectInput, connectZoomUser } from "../support/connection.js";
import { createTestDatabaseUrl } from "../support/db.js";
import { FFMPEG, FFPROBE } from "../support/media.js";

export const NPM_FFMPEG: FfmpegBinaries = { ffmpeg: FFMPEG, ffprobe: FFPROBE, source: "npm" };

export interface BenchOptions {
  env?: Env;
  /** null: pretend no ffmpeg is installed. Default: the npm one. */
  ffmpeg?: FfmpegBinaries | null;
  /** The fake Telegram's upload limit (MB, whole request); default TELEGRAM_UPLOAD_LIMIT_MB or 50. */
  telegramLimitMb?: number;
  /** Keep uploaded files on disk (`UploadedFile.path`) to inspect them. */
  keepTelegramFiles?: boolean;
  deps?: Partial<AppDeps>;
}

export interface DeliveryBench {
  app: App;
  services: AppServices;
  config: Config;
  zoom: FakeZoom;
  tg: FakeTelegram;
  clock: ManualClock;
  mediaDir: string;
  /** A connected Zoom user delivering to a chat the fake Telegram knows. */
  connect(input: ConnectInput): Promise<ConnectedUser>;
  /**
   * Signs `body` as Zoom would (timestamp = the clock), POSTs it, then processes the inbox
   * (unless `process: false`).
   */
  post(
    body: unknown,
    options?: {
      path?: string;
      timestampSec?: number;
      secret?: string;
      headers?: Record<string, string>;
      process?: boolean;
    },
  ): Promise<Response>;
  /** Runs the inbox processor until the inbox is empty; returns how many events it took. */
  processInbox(): Promise<number>;
  /** The results on the audit rows (webhook_events), oldest first: what the processor decided. */
  auditResults(): Promise<string[]>;
  /** Runs jobs until no deliver-recording job is waiting, jumping the clock to each retry. */
  settle(maxRounds?: number): Promise<void>;
  /** sendAudio / sendDocument records for a chat, in order. */
  uploads(chatId?: number): SentRecord[];
  close(): Promise<void>;
}

export async function startDeliveryBench(options: BenchOptions = {}): Promise<DeliveryBench> {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
  const zoom = await startFakeZoom({ now: () => clock.now() });
  const limitMb = options.telegramLimitMb ?? Number(options.env?.TELEGRAM_UPLOAD_LIMIT_MB ?? 50);
  const tg = await startFakeTelegram({
    now: () => clock.now(),
    uploadLimitMb: limitMb,
    keepFiles: options.keepTelegramFiles ?? false,
  });
  const database = await createTestDatabaseUrl();
  const mediaDir = mkdtempSync(join(tmpdir(), "zoomgram-media-"));
  const config = testConfig({
    ZOOM_CLIENT_ID: zoom.clientId,
    ZOOM_CLIENT_SECRET: zoom.clientSecret,
    ZOOM_OAUTH_BASE_URL: zoom.url,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_DOWNLOAD_HOSTS: "127.0.0.1,localhost",
    TELEGRAM_API_ROOT: tg.url,
    TELEGRAM_BOT_TOKEN: tg.token,
    DATABASE_URL: database.url,
    MEDIA_DIR: mediaDir,
    JOB_MAX_ATTEMPTS: "6",
    ...options.env,
  });
  const app = await createApp(
    config,
    { web: true, worker: true },
    {
      clock,
      logger: silentLogger(),
      botInfo: tg.botInfo as never,
      disablePolling: true,
      disablePeriodic: true,
      ffmpeg: options.ffmpeg === undefined ? NPM_FFMPEG : options.ffmpeg,
      random: () => 0.5,
      ...options.deps,
    },
  );
  const services = app.services;
  const knownChats = new Set<number>();

  return {
    app,
    services,
    config,
    zoom,
    tg,
    clock,
    mediaDir,
    async connect(input) {
      if (!knownChats.has(input.chatId)) {
        knownChats.add(input.chatId);
        tg.addChat(
          input.chatId > 0
            ? { id: input.chatId, type: "private" }
            : { id: input.chatId, type: input.chatType === "supergroup" ? "supergroup" : "group" },
        );
      }
      return connectZoomUser(services, zoom, input);
    },
    async post(body, opts = {}) {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const ts = String(opts.timestampSec ?? Math.floor(clock.now() / 1000));
      const response = await app.http.request(opts.path ?? "/webhooks/zoom", {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-zm-request-timestamp": ts,
          "x-zm-signature": computeZoomSignature(opts.secret ?? config.zoom.webhookSecret, ts, raw),
          ...opts.headers,
        },
        body: raw,
      });
      if (opts.process !== false && response.status === 200) await app.worker?.drainFeeders();
      return response;
    },
    processInbox: async () => (await app.worker?.drainFeeders()) ?? 0,
    async auditResults() {
      const rows = await services.db.kysely
        .selectFrom("webhook_events")
        .select("result")
        .orderBy("id")
        .execute();
      return rows.map((r) => r.result);
    },
    async settle(maxRounds = 40) {
      const worker = app.worker!;
      for (let round = 0; round < maxRounds; round++) {
        await worker.drain();
        const next = await services.db.kysely
          .selectFrom("jobs")
          .select((eb) => eb.fn.min("run_at").as("at"))
          .where("kind", "=", DELIVER_RECORDING_JOB)
          .where("state", "in", ["queued", "retry"])
          .executeTakeFirst();
        if (next?.at === null || next?.at === undefined) return;
        clock.set(Math.max(clock.now(), Number(next.at)));
      }
      throw new Error("deliver-recording jobs did not settle");
    },
    uploads(chatId) {
      return tg.sent.filter(
        (s) =>
          (s.method === "sendAudio" || s.method === "sendDocument") &&
          (chatId === undefined || s.chatId === chatId),
      );
    },
    async close() {
      await app.stop();
      await zoom.close();
      await tg.close();
      await database.drop();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}
