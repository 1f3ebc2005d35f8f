/**
 * The whole-system test harness of issue #9 (fault matrix, hostile input, secrets): the test
 * world (test/support/world.ts) at debug log level, with its connected hosts and database
 * snapshots. The world watches the app's own fetch to learn every credential the fake Zoom hands
 * out, so tests can look for them where they must never be: database rows and log lines.
 */
import { sql } from "kysely";
import type { AppDeps, AppRoles } from "../../src/app.js";
import type { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import type { Db } from "../../src/db/database.js";
import { resolveLocale } from "../../src/i18n/locales.js";
import type { FakeTelegram } from "../fakes/fake-telegram.js";
import type { FakeZoom, FakeZoomOptions, ZoomUser } from "../fakes/fake-zoom.js";
import { startWorld, WORLD_START, type World } from "../support/world.js";

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

export interface Harness extends Omit<World, "connect"> {
  /** A connected Zoom user delivering to `chatId`, as a finished authorization leaves it. */
  connect(input: { user?: ZoomUser; chatId: number; telegramUserId?: number; locale?: string }): Promise<{
    user: ZoomUser;
    accessToken: string;
    refreshToken: string;
  }>;
  /** POSTs a body to a Zoom webhook path, signed like Zoom signs it at the clock's time. */
  postZoomWebhook(body: string | Record<string, unknown>, path?: string): Promise<Response>;
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

export const START = WORLD_START;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { reuse, uploadLimitMb } = options;
  const world = await startWorld({
    ...((reuse?.clock ?? options.clock) ? { clock: reuse?.clock ?? options.clock } : {}),
    ...(options.zoom ? { zoom: options.zoom } : {}),
    telegram: {
      ...(uploadLimitMb ? { uploadLimitMb } : {}),
      ...(options.keepFiles ? { keepFiles: true } : {}),
    },
    env: {
      ...(uploadLimitMb ? { TELEGRAM_UPLOAD_LIMIT_MB: String(uploadLimitMb) } : {}),
      LOG_LEVEL: "debug",
      ...options.env,
    },
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.deps ? { deps: options.deps } : {}),
    ...(options.keepLogs === undefined ? {} : { keepLogs: options.keepLogs }),
    ...(reuse ? { shared: reuse } : {}),
  });
  return {
    ...world,
    async connect({ user, chatId, telegramUserId = Math.abs(chatId) % 1_000_000_000 || 1, locale = "en" }) {
      const zoomUser = user ?? world.zoom.addUser({ email: `host${Math.abs(chatId)}@example.com` });
      return world.connect({
        user: zoomUser,
        chatId,
        telegramUserId,
        locale: resolveLocale(locale),
        fakeChat:
          chatId > 0
            ? { type: "private", first_name: "Host" }
            : { type: "supergroup", title: "Team", admins: [telegramUserId] },
        telegramUser: { first_name: "Host", language_code: locale },
        chat: chatId > 0 ? { type: "private" } : { type: "supergroup", title: "Team" },
      });
    },
    postZoomWebhook: (body, path = "/webhooks/zoom") => world.post(body, { path }),
  };
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
