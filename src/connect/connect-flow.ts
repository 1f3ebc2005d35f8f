/**
 * The browser half of /connect (CONTRACT `GET /zoom/connect`, `GET /zoom/callback`), as two
 * functions from a query to an outcome, so the routes stay thin and the rules are testable:
 *
 * - {@link startConnect}: the signed link from the bot, opened through its `login_url` button so
 *   Telegram vouches for who opened it → the link spent, a single-use `state` + PKCE pair → a
 *   page naming the destination chat and who asked, whose button goes on to Zoom. Anything not
 *   signed by us, expired, already used, or opened by anyone but the person who asked gets a
 *   400/403 page and never reaches Zoom.
 * - {@link completeConnect}: Zoom's redirect → state checked (signature, expiry, single use) →
 *   code exchanged with the PKCE verifier → `users/me` at the regional `api_url` → connection
 *   stored with encrypted tokens → the chat is told → a result page.
 */
import { withTransaction } from "../db/database.js";
import { AppError, describeError } from "../errors.js";
import type { ResultPage } from "../i18n/html-page.js";
import { type Locale, resolveLocale } from "../i18n/locales.js";
import type { Logger } from "../observability/logger.js";
import type { Services } from "../services.js";
import { chatLocale, findChat } from "../telegram/chat.repository.js";
import { isAdministratorNow } from "../telegram/chat-admin.js";
import { type TelegramLoginUser, verifyTelegramLogin, withoutTelegramLogin } from "../telegram/login-url.js";
import type { OAuthClient } from "../zoom/oauth-client.js";
import { verifyConnectParams } from "./connect-link.js";
import { spendConnectLink } from "./connect-link.repository.js";
import { apiBaseUrlFor, upsertConnection } from "./connection.repository.js";
import {
  consumeOAuthState,
  createNonce,
  createPkcePair,
  deleteExpiredOAuthStates,
  insertOAuthState,
  OAUTH_STATE_TTL_MS,
  type PendingState,
  signOAuthState,
  verifyOAuthState,
} from "./oauth-state.js";

export interface PageOutcome {
  kind: "page";
  status: 200 | 400 | 403 | 429 | 500 | 502;
  page: ResultPage;
  locale: Locale;
  vars?: Record<string, string>;
  /** The "Continue to Zoom" button of the confirmation page. */
  continueUrl?: string;
}

export type StartOutcome = PageOutcome;

const page = (
  status: PageOutcome["status"],
  p: ResultPage,
  locale: Locale,
  vars?: Record<string, string>,
): PageOutcome =>
  vars ? { kind: "page", status, page: p, locale, vars } : { kind: "page", status, page: p, locale };

type VerifiedLink = Extract<ReturnType<typeof verifyConnectParams>, { ok: true }>;

/**
 * `GET /zoom/connect` (issue #13): goes on to Zoom only when the link is ours, Telegram's signed
 * data names the very user who sent /connect (in a group: an administrator right now), and the
 * link was never opened before. The answer is a page naming the chat that will receive the
 * recordings and who asked, with a "Continue to Zoom" button; the link is spent at that moment.
 * Every refusal is a page and stores nothing.
 */
export async function startConnect(
  services: Services,
  query: URLSearchParams,
  fallback: Locale,
): Promise<StartOutcome> {
  const { config, clock } = services;
  const logger = services.logger.child({ component: "zoom.connect" });
  const now = clock.now();
  const link = verifyConnectParams(withoutTelegramLogin(query), config.stateSecret, now);
  if (!link.ok) {
    // "expired" is only reported for a genuine signature, so its language parameter is ours.
    if (link.reason === "expired")
      return page(400, "link-expired", resolveLocale(query.get("l") ?? fallback));
    return page(400, "link-invalid", fallback);
  }
  const locale = link.locale !== undefined ? resolveLocale(link.locale) : fallback;

  const identity = verifyTelegramLogin(query, config.telegram.botToken, now);
  if (!identity.ok) {
    logger.info(
      { reason: identity.reason, chatId: link.chatId },
      "connect link opened without valid Telegram data",
    );
    return page(403, "identity-missing", locale);
  }
  if (identity.user.id !== link.userId) {
    logger.warn(
      { chatId: link.chatId, askedBy: link.userId, pressedBy: identity.user.id },
      "connect link opened by someone other than who asked for it",
    );
    return page(403, "identity-mismatch", locale);
  }
  if (link.chatId < 0) {
    const admin = await administratorNow(services, link.chatId, identity.user.id);
    if (admin === undefined) return page(502, "failed", locale, { ref: "telegram" });
    if (!admin) return page(403, "not-admin", locale);
  }
  return beginOAuth(services, link, identity.user, locale);
}

async function administratorNow(
  services: Services,
  chatId: number,
  userId: number,
): Promise<boolean | undefined> {
  try {
    return await isAdministratorNow(services.telegram, chatId, userId);
  } catch (error) {
    services.logger.warn(
      { chatId, err: describeError(error) },
      "could not ask Telegram who administers the chat",
    );
    return undefined;
  }
}

/** Spends the link, stores the single-use state and PKCE verifier, and shows the confirmation. */
async function beginOAuth(
  services: Services,
  link: VerifiedLink,
  user: TelegramLoginUser,
  locale: Locale,
): Promise<StartOutcome> {
  const { config, db, clock, cipher } = services;
  const now = clock.now();
  const nonce = createNonce();
  const pkce = createPkcePair();
  const spent = await withTransaction(db, async (tx) => {
    const fresh = await spendConnectLink(
      tx,
      {
        linkId: link.linkId,
        chatId: link.chatId,
        telegramUserId: link.userId,
        expiresAt: link.expiresAt * 1000,
      },
      now,
    );
    if (!fresh) return true;
    await deleteExpiredOAuthStates(tx, now);
    await insertOAuthState(
      tx,
      {
        nonce,
        chatId: link.chatId,
        telegramUserId: link.userId,
        codeVerifierEnc: cipher.encrypt(pkce.verifier, nonce),
        locale,
        expiresAt: now + OAUTH_STATE_TTL_MS,
      },
      now,
    );
    return false;
  });
  if (spent) return page(400, "link-used", locale);
  const state = await signOAuthState(
    config.stateSecret,
    { nonce, chatId: link.chatId, telegramUserId: link.userId, locale },
    now,
  );

  const authorize = new URL(`${config.zoom.oauthBaseUrl.replace(/\/+$/, "")}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: config.zoom.clientId,
    redirect_uri: config.zoom.redirectUrl,
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: "S256",
  }).toString();
  const requester = displayName(user);
  const chat = link.chatId > 0 ? undefined : await findChat(db.kysely, link.chatId);
  const outcome =
    chat === undefined
      ? page(200, "confirm-private", locale, { requester })
      : page(200, "confirm", locale, { requester, chat_title: chat.title ?? String(link.chatId) });
  return { ...outcome, continueUrl: authorize.toString() };
}

/** "Ada Lovelace (@ada)", from Telegram's signed data. */
function displayName(user: TelegramLoginUser): string {
  const name = [user.firstName, user.lastName].filter((part) => part && part.length > 0).join(" ");
  return user.username ? `${name} (@${user.username})` : name || String(user.id);
}

export interface CompleteDeps {
  oauth: OAuthClient;
  /** Shown on "failed" pages so the operator can find the log line. */
  ref: string;
}

export async function completeConnect(
  services: Services,
  query: URLSearchParams,
  fallback: Locale,
  deps: CompleteDeps,
): Promise<PageOutcome> {
  const logger = services.logger.child({ component: "zoom.connect" });
  const claimed = await claimState(services, logger, query, fallback, deps.ref);
  if (!("pending" in claimed)) return claimed;
  const { pending, locale } = claimed;

  const zoomError = single(query, "error");
  if (zoomError !== undefined) {
    logger.info(
      { zoomError: zoomError.slice(0, 64), chatId: pending.chatId },
      "Zoom authorization not granted",
    );
    return zoomError === "access_denied"
      ? page(400, "access-denied", locale)
      : page(400, "failed", locale, { ref: deps.ref });
  }
  const code = single(query, "code");
  if (!code || code.length > 4096) return page(400, "failed", locale, { ref: deps.ref });

  try {
    const { email, previousChatId } = await connectAccount(services, deps.oauth, pending, code, logger);
    await tellChats(services, { chatId: pending.chatId, email, previousChatId });
    return page(200, "connected", locale, { email });
  } catch (error) {
    const remote = error instanceof AppError && error.code.startsWith("zoom.");
    logger.warn(
      { ref: deps.ref, chatId: pending.chatId, err: describeError(error) },
      "connecting Zoom failed",
    );
    return page(
      remote ? 502 : error instanceof AppError && error.code === "connect.failed" ? 400 : 500,
      "failed",
      locale,
      {
        ref: deps.ref,
      },
    );
  }
}

/**
 * The callback's `state`: verified, then taken from the database (single use), and matching the
 * chat and user it was signed for. Otherwise the "invalid state" page.
 */
async function claimState(
  services: Services,
  logger: Logger,
  query: URLSearchParams,
  fallback: Locale,
  ref: string,
): Promise<{ pending: PendingState; locale: Locale } | PageOutcome> {
  const { config, db, clock } = services;
  const stateParam = single(query, "state");
  if (!stateParam) return page(400, "state-invalid", fallback);
  const verified = await verifyOAuthState(config.stateSecret, stateParam, clock.now());
  if (!verified.ok) {
    logger.info({ reason: verified.reason, ref }, "OAuth callback with an invalid state");
    return page(400, "state-invalid", fallback);
  }
  const { claims } = verified;
  const locale = claims.locale;
  // Single use: the row is deleted as it is read, so a replayed callback finds nothing.
  const pending = await consumeOAuthState(db.kysely, claims.nonce, clock.now());
  if (!pending || pending.chatId !== claims.chatId || pending.telegramUserId !== claims.telegramUserId) {
    logger.info({ ref }, "OAuth callback with a used or unknown state");
    return page(400, "state-invalid", locale);
  }
  return { pending, locale };
}

/** Trades the code for tokens, asks Zoom who they belong to, and stores the connection. */
async function connectAccount(
  services: Services,
  oauth: OAuthClient,
  pending: PendingState,
  code: string,
  logger: Logger,
): Promise<{ email: string; previousChatId: number | undefined }> {
  const { config, db, clock, cipher } = services;
  const verifier = cipher.decrypt(pending.codeVerifierEnc, pending.nonce);
  const tokens = await oauth.exchangeCode({
    code,
    codeVerifier: verifier,
    redirectUri: config.zoom.redirectUrl,
  });
  const apiBaseUrl = apiBaseUrlFor(tokens.apiUrl, config.zoom.apiBaseUrl);
  const me = await oauth.getMe(tokens.accessToken, apiBaseUrl);
  const now = clock.now();
  const { previousChatId } = await withTransaction(db, (tx) =>
    upsertConnection(
      tx,
      {
        zoomUserId: me.id,
        zoomAccountId: me.accountId,
        email: me.email,
        displayName: me.displayName,
        timezone: me.timezone,
        chatId: pending.chatId,
        telegramUserId: pending.telegramUserId,
        accessTokenEnc: cipher.encrypt(tokens.accessToken, me.id),
        refreshTokenEnc: cipher.encrypt(tokens.refreshToken, me.id),
        tokenKeyId: cipher.keyIds[0] as string,
        accessExpiresAt: now + tokens.expiresIn * 1000,
        apiUrl: tokens.apiUrl ?? null,
        scope: tokens.scope ?? null,
      },
      now,
    ),
  );
  logger.info(
    { zoomUserId: me.id, chatId: pending.chatId, movedFrom: previousChatId },
    "Zoom account connected",
  );
  return { email: me.email, previousChatId };
}

/** "Connected as …" to the chat; "moved away" to the chat that delivered this account before. */
async function tellChats(
  services: Services,
  input: { chatId: number; email: string; previousChatId: number | undefined },
): Promise<void> {
  const { db, translator, telegram, logger } = services;
  const send = async (chatId: number, text: string) => {
    try {
      await telegram.sendMessage(chatId, text);
    } catch (error) {
      logger.warn({ chatId, err: describeError(error) }, "could not tell the chat about the connection");
    }
  };
  const locale = await chatLocale(db.kysely, input.chatId);
  await send(input.chatId, translator.t(locale, "connect-success", { email: input.email }));
  if (input.previousChatId !== undefined) {
    const oldLocale = await chatLocale(db.kysely, input.previousChatId);
    const target = await findChat(db.kysely, input.chatId);
    const text =
      target && target.type !== "private" && target.title
        ? translator.t(oldLocale, "connect-moved-away", { email: input.email, chat_title: target.title })
        : translator.t(oldLocale, "connect-moved-away-private", { email: input.email });
    await send(input.previousChatId, text);
  }
}

/** The one value of a query parameter; a repeated one counts as absent (parameter smuggling). */
function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}
