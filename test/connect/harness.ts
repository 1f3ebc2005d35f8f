/**
 * The connect flow's test world (test/support/world.ts): no ffmpeg, every log line captured through
 * a redacting debug logger, and every token and code the fake Zoom hands out recorded so a test
 * can look for them where they must not be.
 */

import type { Update } from "grammy/types";
import { expect } from "vitest";
import type { AppRoles } from "../../src/app.js";
import type { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import { createLogger } from "../../src/observability/logger.js";
import type { FakeTelegram } from "../fakes/fake-telegram.js";
import type { FakeZoom, ZoomUser } from "../fakes/fake-zoom.js";
import { continueUrlOf } from "../support/connect-link.js";
import { seedConnection as seedConnectionRows } from "../support/connection.js";
import { closeAfterEachTest } from "../support/each-test.js";
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
  await sendText(harness, userId, userId, "/connect");
  // The user presses the login_url button; the confirmation page's button goes on to Zoom.
  const { back } = await followToZoom(harness, pressConnectButton(harness, userId, userId));
  return back;
}

/** The Telegram user most connect tests connect as; `addAda` adds her Zoom account. */
export const ADA = { id: 1001, first_name: "Ada", username: "ada", language_code: "en" };

/** Ada's Zoom account on the fake Zoom, and `telegramUsers` (Ada alone by default) on the fake Telegram. */
export function addAda(
  harness: ConnectHarness,
  telegramUsers: readonly Parameters<FakeTelegram["addUser"]>[0][] = [ADA],
): ZoomUser {
  const user = harness.zoom.addUser({ email: "ada@example.com", first_name: "Ada", last_name: "Lovelace" });
  for (const u of telegramUsers) harness.tg.addUser(u);
  return user;
}

/**
 * For a test file: the returned `start` gives a harness with Ada on both fakes (`addAda`; her
 * Telegram account and `telegramUsers`) for one test, closed after it.
 */
export function adaHarnessForEachTest(): (
  options?: ConnectHarnessOptions & { telegramUsers?: Parameters<typeof addAda>[1] },
) => Promise<{ b: ConnectHarness; user: ZoomUser }> {
  const closeAfterTest = closeAfterEachTest<ConnectHarness>();
  return async ({ telegramUsers, ...options } = {}) => {
    const b = closeAfterTest(await startConnectHarness(options));
    return { b, user: addAda(b, telegramUsers) };
  };
}

/** `from` sends `text` in `chatId`, handled by the app's bot. */
export async function sendText(
  harness: ConnectHarness,
  chatId: number,
  from: number,
  text: string,
): Promise<void> {
  await harness.app.bot.handleUpdate(harness.tg.userSends({ chatId, from, text }) as unknown as Update);
}

/** A URL's path and query: what `app.http.request` takes. */
export const pathOf = (url: string): string => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** What the app answers a browser that opens `url` (a full URL, e.g. a pressed connect button). */
export const openInBrowser = async (harness: Pick<ConnectHarness, "app">, url: string): Promise<Response> =>
  harness.app.http.request(pathOf(url));

/**
 * The browser's part after the button: opens the pressed link (the confirmation page must answer
 * 200), follows its button to the fake Zoom and reads where Zoom sends the browser back (the
 * callback, not requested yet; its code is remembered for `secretsIssued`).
 */
export async function followToZoom(
  harness: ConnectHarness,
  pressedUrl: string,
): Promise<{ confirmation: string; authorizeUrl: URL; zoomStatus: number; back: URL }> {
  const start = await openInBrowser(harness, pressedUrl);
  const confirmation = await start.text();
  expect(start.status, confirmation).toBe(200);
  const authorizeUrl = new URL(continueUrlOf(confirmation));
  const atZoom = await fetch(authorizeUrl, { redirect: "manual" });
  const back = new URL(atZoom.headers.get("location") ?? "");
  const code = back.searchParams.get("code");
  if (code) rememberCode(harness.zoom, code);
  return { confirmation, authorizeUrl, zoomStatus: atZoom.status, back };
}

/** Yields to the event loop: a "short wait" that lets I/O progress without sleeping a fixed time. */
export const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The newest bot message in a chat with a `login_url` button: its id and the button's bare URL. */
export function lastLoginButton(
  harness: Pick<ConnectHarness, "tg">,
  chatId: number,
): { messageId: number; url: string } {
  const message = harness.tg.sent.filter((s) => s.chatId === chatId && s.replyMarkup !== undefined).at(-1);
  const markup = message?.replyMarkup as
    | { inline_keyboard: Array<Array<{ login_url?: { url: string } }>> }
    | undefined;
  const url = markup?.inline_keyboard[0]?.[0]?.login_url?.url;
  if (!message || !url) throw new Error("no login_url button in the last message");
  return { messageId: message.messageId as number, url };
}

/** `from` presses the newest connect button of `chatId`: the URL Telegram opens, signed data added. */
export function pressConnectButton(
  harness: Pick<ConnectHarness, "tg">,
  chatId: number,
  from: number,
): string {
  const { messageId } = lastLoginButton(harness, chatId);
  return harness.tg.pressLoginButton({ chatId, messageId, from });
}

export { continueUrlOf };
