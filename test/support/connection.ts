/**
 * A connected Zoom user without going through the connect flow: the fake Zoom mints tokens as a
 * finished authorization would (`grantTokens` rotates out older refresh tokens, like a real
 * re-authorization), and they are stored encrypted with the app's own cipher, exactly as the
 * OAuth callback stores them. The chat row (and, when asked, the Telegram user row) is written
 * too, in the chat's locale. The one place tests, benchmarks and the demo seed a connection.
 */

import { upsertConnection } from "../../src/connect/connection.repository.js";
import type { Db } from "../../src/db/database.js";
import type { Locale } from "../../src/i18n/locales.js";
import type { TokenCipher } from "../../src/security/token-cipher.js";
import type { Services } from "../../src/services.js";
import { upsertChat, upsertTelegramUser } from "../../src/telegram/chat.repository.js";
import type { FakeZoom, ZoomUser } from "../fakes/fake-zoom.js";

/** Where a connection is written: a database, the cipher the service reads with, and "now". */
export interface ConnectionStore {
  db: Db;
  cipher: TokenCipher;
  now: number;
}

export interface ConnectInput {
  chatId: number;
  /** An existing fake Zoom user; else one is added with `email` and `timezone`. */
  user?: ZoomUser;
  email?: string;
  timezone?: string;
  displayName?: string;
  chatType?: "private" | "group" | "supergroup";
  locale?: Locale;
  /** Default: `|chatId|`. */
  telegramUserId?: number;
}

export interface SeedConnectionInput extends ConnectInput {
  /**
   * The `chats` row: type and title. Default: private for a positive id, else `chatType` or group,
   * titled "Test chat". `false` writes no chat row.
   */
  chat?: { type: "private" | "group" | "supergroup"; title?: string } | false;
  /** Also write the `users` row of `telegramUserId` with these names (default: none). */
  telegramUser?: { first_name: string; language_code?: string };
  /** Store an access token already past due (the next call must refresh). */
  expired?: boolean;
}

export interface ConnectedUser {
  user: ZoomUser;
  zoomUserId: string;
  chatId: number;
  accessToken: string;
  refreshToken: string;
}

/** Writes a finished authorization's rows into `store`, tokens minted by the fake Zoom. */
export async function seedConnection(
  store: ConnectionStore,
  zoom: FakeZoom,
  input: SeedConnectionInput,
): Promise<ConnectedUser> {
  const user =
    input.user ??
    zoom.addUser({
      email: input.email ?? `user${input.chatId}@example.com`,
      timezone: input.timezone ?? "Europe/Berlin",
      ...(input.displayName ? { display_name: input.displayName } : {}),
    });
  const tokens = zoom.grantTokens(user.id);
  const { db, cipher, now } = store;
  const telegramUserId = input.telegramUserId ?? Math.abs(input.chatId);
  if (input.telegramUser) {
    await upsertTelegramUser(db.kysely, { id: telegramUserId, ...input.telegramUser }, now);
  }
  const chat = input.chat ?? {
    type: input.chatType ?? (input.chatId > 0 ? "private" : "group"),
    title: "Test chat",
  };
  if (chat) await upsertChat(db.kysely, { id: input.chatId, ...chat }, input.locale ?? "en", now);
  await upsertConnection(
    db.kysely,
    {
      zoomUserId: user.id,
      zoomAccountId: user.account_id,
      email: user.email,
      displayName: user.display_name,
      timezone: user.timezone,
      chatId: input.chatId,
      telegramUserId,
      accessTokenEnc: cipher.encrypt(tokens.access_token, user.id),
      refreshTokenEnc: cipher.encrypt(tokens.refresh_token, user.id),
      tokenKeyId: cipher.keyIds[0] as string,
      accessExpiresAt: input.expired ? now - 1000 : now + tokens.expires_in * 1000,
      apiUrl: tokens.api_url ?? null,
      scope: tokens.scope,
    },
    now,
  );
  return {
    user,
    zoomUserId: user.id,
    chatId: input.chatId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
}

/** `seedConnection` into a running app's database, at its clock. */
export function connectZoomUser(
  services: Pick<Services, "db" | "cipher" | "clock">,
  zoom: FakeZoom,
  input: SeedConnectionInput,
): Promise<ConnectedUser> {
  return seedConnection({ db: services.db, cipher: services.cipher, now: services.clock.now() }, zoom, input);
}
