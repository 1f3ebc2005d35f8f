/**
 * What every Zoomgram benchmark needs around the process under test, built from the test world's
 * pieces (test/support/world.ts): its environment (pointing at the fakes), a connected Zoom user
 * delivering to a chat (as a finished /connect leaves it), and signed `recording.completed`
 * webhooks.
 */
import { join } from "node:path";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createTokenCipher } from "../../src/security/token-cipher.js";
import type { FakeTelegram } from "../../test/fakes/fake-telegram.js";
import type { FakeZoom, ZoomUser } from "../../test/fakes/fake-zoom.js";
import { TEST_ENV } from "../../test/support/config.js";
import { seedConnection as seedConnectionRows } from "../../test/support/connection.js";
import {
  makeMediaDir,
  postSignedWebhook,
  processEnv,
  serviceEnv,
  signedWebhook,
} from "../../test/support/world.js";

export const WEBHOOK_SECRET = TEST_ENV.ZOOM_WEBHOOK_SECRET;
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
  return processEnv(
    serviceEnv({
      zoom: opts.zoom,
      tg: opts.tg,
      databaseUrl: opts.databaseUrl,
      ...(opts.mediaDir ? { mediaDir: opts.mediaDir } : {}),
      env: {
        TELEGRAM_UPLOAD_LIMIT_MB: String(opts.uploadLimitMb ?? 50),
        LOG_LEVEL: "info",
        // Node flags for the process under test (a profile: BENCH_NODE_OPTIONS="--cpu-prof").
        ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
        ...opts.extra,
      },
    }),
  );
}

/** Migrates the database and stores `user`'s connection (tokens minted by the fake Zoom). */
export async function seedConnection(databaseUrl: string, zoom: FakeZoom, user: ZoomUser): Promise<void> {
  const db = await openDatabase(databaseUrl, { connectRetries: 0 });
  try {
    await migrateToLatest(db);
    const cipher = createTokenCipher([TEST_ENV.TOKEN_ENCRYPTION_KEY]);
    await seedConnectionRows({ db, cipher, now: Date.now() }, zoom, {
      user,
      chatId: CHAT_ID,
      telegramUserId: TELEGRAM_USER_ID,
      telegramUser: { first_name: "Bench" },
      chat: { type: "private" },
    });
  } finally {
    await db.close();
  }
}

export interface BenchService {
  /** The run's folder: the SQLite file (unless another database was given) and MEDIA_DIR. */
  dir: string;
  databaseUrl: string;
  env: Record<string, string>;
  remove(): void;
}

/** Extra settings for every Zoomgram process of an experiment: BENCH_ZOOMGRAM_ENV='{"SQLITE_WRITE_THREAD":"false"}'. */
const BENCH_ZOOMGRAM_ENV: Record<string, string> | undefined = process.env.BENCH_ZOOMGRAM_ENV
  ? JSON.parse(process.env.BENCH_ZOOMGRAM_ENV)
  : undefined;

/** One run's folder, database (seeded with the bench user's connection) and environment. */
export async function prepareService(
  fakes: { zoom: FakeZoom; tg: FakeTelegram; user: ZoomUser },
  opts: { name: string; databaseUrl?: string; uploadLimitMb?: number; extra?: Record<string, string> },
): Promise<BenchService> {
  const dir = makeMediaDir(`zoomgram-bench-${opts.name}-`);
  const databaseUrl = opts.databaseUrl ?? `sqlite:${join(dir.path, "zoomgram.db")}`;
  await seedConnection(databaseUrl, fakes.zoom, fakes.user);
  const env = zoomgramEnv({
    databaseUrl,
    zoom: fakes.zoom,
    tg: fakes.tg,
    mediaDir: join(dir.path, "media"),
    ...(opts.uploadLimitMb ? { uploadLimitMb: opts.uploadLimitMb } : {}),
    ...(opts.extra || BENCH_ZOOMGRAM_ENV ? { extra: { ...opts.extra, ...BENCH_ZOOMGRAM_ENV } } : {}),
  });
  return { dir: dir.path, databaseUrl, env, remove: dir.remove };
}

/** Zoom's webhook headers for `body`, signed now (reference/zoom.md §1.3). */
export function signedHeaders(body: string, nowMs = Date.now()): Record<string, string> {
  return signedWebhook(body, WEBHOOK_SECRET, nowMs).headers;
}

/** POSTs a signed event to Zoomgram's webhook; resolves with the status when acknowledged. */
export async function postWebhook(port: number, event: unknown): Promise<{ status: number; ackAt: number }> {
  const res = await postSignedWebhook(`http://127.0.0.1:${port}/webhooks/zoom`, event, WEBHOOK_SECRET);
  await res.arrayBuffer();
  return { status: res.status, ackAt: Date.now() };
}
