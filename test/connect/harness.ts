/**
 * The connect flow's test world (test/support/world.ts): no ffmpeg, every log line captured through
 * a redacting debug logger, and every token and code the fake Zoom hands out recorded so a test
 * can look for them where they must not be.
 */
import type { Update } from "grammy/types";
import type { AppRoles } from "../../src/app.js";
import type { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import { createLogger } from "../../src/observability/logger.js";
import type { FakeTelegram } from "../fakes/fake-telegram.js";
import type { FakeZoom, ZoomUser } from "../fakes/fake-zoom.js";
import { seedConnection as seedConnectionRows } from "../support/connection.js";
import { startWorld, type World } from "../support/world.js";

export interface ConnectHarness extends World {
  /** Every log line so far. */
  logs(): string;
  /** Every access token, refresh token and authorization code the fake Zoom issued to the app. */
  secretsIssued(): string[];
}

export interface ConnectHarnessOptions {
  env?: Env;
  roles?: AppRoles;
  /** Reuse a database (a second "process" on the same data). */
  databaseUrl?: string;
  zoom?: FakeZoom;
  tg?: FakeTelegram;
  clock?: ManualClock;
}

export async function startConnectHarness(options: ConnectHarnessOptions = {}): Promise<ConnectHarness> {
  const { databaseUrl, zoom, tg } = options;
  const world = await startWorld({
    ...(options.clock ? { clock: options.clock } : {}),
    env: { LOG_LEVEL: "debug", ...options.env },
    ...(options.roles ? { roles: options.roles } : {}),
    deps: { ffmpeg: null },
    watch: "oauth",
    logger: (destination, config) =>
      createLogger({
        level: "debug",
        destination,
        secrets: [
          config.zoom.clientSecret,
          config.stateSecret,
          config.telegram.botToken,
          ...config.tokenEncryptionKeys,
        ],
      }),
    shared: { ...(databaseUrl ? { databaseUrl } : {}), ...(zoom ? { zoom } : {}), ...(tg ? { tg } : {}) },
  });
  return {
    ...world,
    logs: () => world.lines.join(""),
    secretsIssued: () => [...world.issued(), ...codesIssued(world.zoom)],
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
  harness: ConnectHarness,
  input: { user: ZoomUser; chatId: number; telegramUserId: number; expired?: boolean },
): Promise<{ accessToken: string; refreshToken: string }> {
  const { services, zoom, clock } = harness;
  return seedConnectionRows({ db: services.db, cipher: services.cipher, now: clock.now() }, zoom, {
    ...input,
    telegramUser: { first_name: "Test" },
    chat: false,
  });
}

/**
 * The browser part of /connect up to Zoom's answer: `userId` sends /connect in its private chat,
 * opens the button's link, Zoom approves; returns the callback URL Zoom sends the browser back to
 * (not requested yet).
 */
export async function connectUntilCallback(harness: ConnectHarness, userId: number): Promise<URL> {
  const { app, tg } = harness;
  await app.bot.handleUpdate(
    tg.userSends({ chatId: userId, from: userId, text: "/connect" }) as unknown as Update,
  );
  const markup = tg.sent.at(-1)?.replyMarkup as { inline_keyboard: Array<Array<{ url: string }>> };
  const link = new URL(markup.inline_keyboard[0]![0]!.url);
  const start = await app.http.request(`${link.pathname}${link.search}`);
  const atZoom = await fetch(start.headers.get("location")!, { redirect: "manual" });
  return new URL(atZoom.headers.get("location")!);
}

/** Yields to the event loop: a "short wait" that lets I/O progress without sleeping a fixed time. */
export const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));
