/**
 * A connected Zoom user without going through the connect flow: the fake Zoom mints tokens as a
 * finished authorization would (`grantTokens` rotates out older refresh tokens, like a real
 * re-authorization), and they are stored encrypted with the app's own cipher, exactly as the
 * OAuth callback stores them. The chat row is created too, in the chat's locale.
 */

import { upsertConnection } from "../../src/connect/connection.repository.js";
import type { Locale } from "../../src/i18n/locales.js";
import type { Services } from "../../src/services.js";
import { upsertChat } from "../../src/telegram/chat.repository.js";
import type { FakeZoom, ZoomUser } from "../fakes/fake-zoom.js";

export interface ConnectInput {
  chatId: number;
  /** An existing fake Zoom user; else one is added with `email` and `timezone`. */
  user?: ZoomUser;
  email?: string;
  timezone?: string;
  displayName?: string;
  chatType?: "private" | "group" | "supergroup";
  locale?: Locale;
  telegramUserId?: number;
}

export interface ConnectedUser {
  user: ZoomUser;
  zoomUserId: string;
  chatId: number;
}

export async function connectZoomUser(
  services: Services,
  zoom: FakeZoom,
  input: ConnectInput,
): Promise<ConnectedUser> {
  const user =
    input.user ??
    zoom.addUser({
      email: input.email ?? `user${input.chatId}@example.com`,
      timezone: input.timezone ?? "Europe/Berlin",
      ...(input.displayName ? { display_name: input.displayName } : {}),
    });
  const tokens = zoom.grantTokens(user.id);
  const now = services.clock.now();
  await upsertChat(
    services.db.kysely,
    {
      id: input.chatId,
      type: input.chatType ?? (input.chatId > 0 ? "private" : "group"),
      title: "Test chat",
    },
    input.locale ?? "en",
    now,
  );
  await upsertConnection(
    services.db.kysely,
    {
      zoomUserId: user.id,
      zoomAccountId: user.account_id,
      email: user.email,
      displayName: user.display_name,
      timezone: user.timezone,
      chatId: input.chatId,
      telegramUserId: input.telegramUserId ?? Math.abs(input.chatId),
      accessTokenEnc: services.cipher.encrypt(tokens.access_token, user.id),
      refreshTokenEnc: services.cipher.encrypt(tokens.refresh_token, user.id),
      tokenKeyId: services.cipher.keyIds[0] as string,
      accessExpiresAt: now + tokens.expires_in * 1000,
      apiUrl: tokens.api_url ?? null,
      scope: tokens.scope,
    },
    now,
  );
  return { user, zoomUserId: user.id, chatId: input.chatId };
}
