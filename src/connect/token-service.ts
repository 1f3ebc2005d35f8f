/**
 * A valid Zoom access token for a connected user, refreshed when less than 5 minutes remain. The
 * one place where stored tokens are decrypted.
 *
 * Zoom refresh tokens ROTATE: every refresh invalidates the refresh token it used, and a second
 * refresh with the old one fails with `invalid_grant` (reference/zoom.md §3.3, §6.3). So a refresh
 * must happen once, with the latest token, and its result must be durable before anyone uses it:
 *
 * 1. In-process: one promise per Zoom user; concurrent callers share it.
 * 2. Across processes: a lease in `zoom_connections.refresh_lock_owner/_until`, taken with a
 *    conditional UPDATE and judged by the database's clock, never this process's. A process that
 *    cannot take it waits (bounded, injectable sleep) and re-reads the row until the holder has
 *    committed the new tokens. Each taking writes a fencing token (`refresh_lock_token`).
 * 3. The rotated tokens are written in the statement that releases the lease, before the access
 *    token is returned, if we still hold the lease (our fencing token) or else the stored refresh
 *    token is still the one we used (see `saveRefreshedTokens`). A save that is refused releases
 *    the lease (if still ours) instead of leaving it held.
 * 4. Only `invalid_grant` marks the connection broken — only while we still hold the lease and
 *    the refresh token we used is still the stored one: a refresh that outlived its lease may have
 *    lost the race at Zoom to whoever took over — and tells the chat once. Nothing loops. Any
 *    other refusal (e.g.
 *    `invalid_client` after a rotated client secret, 5xx, 429) keeps the connection, is retried
 *    by the job's backoff, and alerts the operator (once per alert window), never the chat.
 */

import type { ConnectionRow } from "../db/schema.js";
import { AppError, describeError } from "../errors.js";
import { TokenCipherError } from "../security/token-cipher.js";
import type { Services } from "../services.js";
import { chatLocale } from "../telegram/chat.repository.js";
import { createOAuthClient, type OAuthClient, type ZoomTokenSet } from "../zoom/oauth-client.js";
import {
  apiBaseUrlFor,
  findConnectionRow,
  markConnectionBrokenByRefresh,
  releaseRefreshLock,
  saveRefreshedTokens,
  toZoomConnection,
  tryAcquireRefreshLock,
  type ZoomConnection,
} from "./connection.repository.js";

/** Refresh when less than this remains (issue #3: 5 minutes). */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/**
 * A token Zoom refused is refreshed only when it was written at least this long ago: a refresh a
 * moment ago did not make Zoom accept it, and another one would only rotate the refresh token
 * again (each rotation is a chance to lose it, zoom.md §6.3). Issue #13 item 8.
 */
export const REJECTED_TOKEN_MIN_AGE_MS = 60_000;

export interface AccessToken {
  accessToken: string;
  /** REST base for this user: regional `api_url` + `/v2`, else `ZOOM_API_BASE_URL`. */
  apiBaseUrl: string;
  connection: ZoomConnection;
}

export interface GetAccessTokenOptions {
  signal?: AbortSignal;
  /** Refresh even if the stored token looks valid (an operator's check, `/status`). */
  forceRefresh?: boolean;
  /**
   * Zoom answered 401 to this access token: refresh it, unless the stored token is another one
   * already (someone refreshed meanwhile: that one is returned, as without this option) or was
   * written less than {@link REJECTED_TOKEN_MIN_AGE_MS} ago (then the same token comes back, and
   * the caller gives up for this attempt). So a run of 401s costs at most one refresh per token.
   */
  rejectedToken?: string;
}

export interface TokenService {
  /**
   * Throws AppError `zoom.unauthorized` (no active connection: none, or one already broken),
   * `zoom.refresh_rejected` (Zoom refused this refresh; the connection is now broken and the chat
   * was told, once), or `zoom.unavailable` / `zoom.rate_limited` (retryable). None is retried here.
   */
  getAccessToken(zoomUserId: string, options?: GetAccessTokenOptions): Promise<AccessToken>;
  /**
   * The stored tokens of a connection, decrypted, for revoking them at Zoom when the user
   * disconnects (the tokens are deleted locally first). Undefined when there is no connection.
   */
  tokensForRevocation(zoomUserId: string): Promise<{ accessToken: string; refreshToken: string } | undefined>;
  /** The OAuth client this service uses (same fetch and timeouts). */
  readonly oauth: OAuthClient;
}

export interface TokenServiceOptions {
  oauth?: OAuthClient;
  /** Waits between re-reads while another process refreshes. Default: setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Default {@link REFRESH_MARGIN_MS}. */
  refreshMarginMs?: number;
  /** How long a refresh lease lasts if its holder dies. Default 30 s (> the 15 s token timeout). */
  leaseMs?: number;
  /** Wait between re-reads. Default 100 ms. */
  waitMs?: number;
  /** Re-reads before giving up with a retryable error. Default 300 (≈ 30 s). */
  maxWaits?: number;
  /** Lease owner id; default the process's `instanceId`. */
  owner?: string;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A caller may stop waiting for the shared refresh; the refresh itself carries on for the others. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** What the token service uses from the process's services. */
export type TokenServiceDeps = Pick<
  Services,
  | "config"
  | "db"
  | "clock"
  | "cipher"
  | "metrics"
  | "logger"
  | "fetch"
  | "telegram"
  | "translator"
  | "instanceId"
  | "alerts"
>;

/**
 * The token service. The composition root builds one per process and hands it to every feature:
 * in-process single-flight only works if every caller in the process — jobs, bot handlers, routes
 * — shares the same instance. Tests build more (another lease owner, an injected sleep).
 */
export function createTokenService(deps: TokenServiceDeps, options: TokenServiceOptions = {}): TokenService {
  const ctx = refreshContext(deps, options);
  const inflight = new Map<string, Promise<AccessToken>>();

  async function getAccessToken(
    zoomUserId: string,
    options: GetAccessTokenOptions = {},
  ): Promise<AccessToken> {
    options.signal?.throwIfAborted();
    const joined = inflight.get(zoomUserId);
    if (joined) return untilAborted(joined, options.signal);
    const row = usable(await findConnectionRow(ctx.db.kysely, zoomUserId), zoomUserId);
    const rejected = options.rejectedToken;
    const force =
      options.forceRefresh === true || (rejected !== undefined && refreshCanHelp(ctx, row, rejected));
    if (!force && isFresh(ctx, row)) return accessFromRow(ctx, row);
    // Re-check after the await: another caller may have started the refresh meanwhile.
    let promise = inflight.get(zoomUserId);
    if (!promise) {
      promise = refreshOrWait(ctx, zoomUserId, row, force).finally(() => inflight.delete(zoomUserId));
      inflight.set(zoomUserId, promise);
    }
    return untilAborted(promise, options.signal);
  }

  return {
    oauth: ctx.oauth,
    getAccessToken,
    async tokensForRevocation(zoomUserId) {
      const row = await findConnectionRow(ctx.db.kysely, zoomUserId);
      if (!row) return undefined;
      // Raw TokenCipherError on purpose: disconnect deletes unreadable tokens without revoking.
      return {
        accessToken: ctx.cipher.decrypt(row.access_token_enc, zoomUserId),
        refreshToken: ctx.cipher.decrypt(row.refresh_token_enc, zoomUserId),
      };
    },
  };
}

/** Everything one refresh needs, resolved once from the services and options. */
interface RefreshContext extends TokenServiceDeps {
  readonly oauth: OAuthClient;
  readonly log: TokenServiceDeps["logger"];
  readonly sleep: (ms: number) => Promise<void>;
  readonly marginMs: number;
  readonly leaseMs: number;
  readonly waitMs: number;
  readonly maxWaits: number;
  readonly owner: string;
  readonly defaultApi: string;
}

function refreshContext(deps: TokenServiceDeps, options: TokenServiceOptions): RefreshContext {
  const { config, clock } = deps;
  return {
    ...deps,
    oauth:
      options.oauth ??
      createOAuthClient({
        fetch: deps.fetch,
        clientId: config.zoom.clientId,
        clientSecret: config.zoom.clientSecret,
        oauthBaseUrl: config.zoom.oauthBaseUrl,
        now: () => clock.now(),
      }),
    log: deps.logger.child({ component: "zoom.tokens" }),
    sleep: options.sleep ?? defaultSleep,
    marginMs: options.refreshMarginMs ?? REFRESH_MARGIN_MS,
    leaseMs: options.leaseMs ?? 30_000,
    waitMs: options.waitMs ?? 100,
    maxWaits: options.maxWaits ?? 300,
    owner: options.owner ?? deps.instanceId,
    defaultApi: config.zoom.apiBaseUrl,
  };
}

function unauthorized(zoomUserId: string): AppError {
  return new AppError("zoom.unauthorized", "no active Zoom connection for this user", {
    status: 401,
    retryable: false,
    details: { zoomUserId },
  });
}

function rejected(zoomUserId: string, cause?: unknown): AppError {
  return new AppError(
    "zoom.refresh_rejected",
    "Zoom refused the refresh token; the user must connect again",
    {
      status: 401,
      retryable: false,
      cause,
      details: { zoomUserId },
    },
  );
}

/** The row if it is an active connection; none, or a broken one, is `zoom.unauthorized`. */
function usable(row: ConnectionRow | undefined, zoomUserId: string): ConnectionRow {
  if (!row) throw unauthorized(zoomUserId);
  if (row.status !== "active") {
    throw new AppError("zoom.unauthorized", "the Zoom connection is broken; the chat must /connect again", {
      status: 401,
      retryable: false,
      details: { zoomUserId, status: row.status },
    });
  }
  return row;
}

/** Decrypts a stored token; a key missing from TOKEN_ENCRYPTION_KEY is the operator's to fix. */
function decrypt(ctx: RefreshContext, ciphertext: string, zoomUserId: string): string {
  try {
    return ctx.cipher.decrypt(ciphertext, zoomUserId);
  } catch (error) {
    if (!(error instanceof TokenCipherError)) throw error;
    throw new AppError(
      "internal",
      `stored Zoom token cannot be decrypted (${error.code}); check TOKEN_ENCRYPTION_KEY`,
      { retryable: true, cause: error, details: { zoomUserId } },
    );
  }
}

function accessFromRow(ctx: RefreshContext, row: ConnectionRow): AccessToken {
  const connection = toZoomConnection(row, ctx.defaultApi);
  return {
    accessToken: decrypt(ctx, row.access_token_enc, row.zoom_user_id),
    apiBaseUrl: connection.apiBaseUrl,
    connection,
  };
}

/** A refused token is worth a refresh only while it is still the stored one, and not brand new. */
function refreshCanHelp(ctx: RefreshContext, row: ConnectionRow, rejected: string): boolean {
  if (decrypt(ctx, row.access_token_enc, row.zoom_user_id) !== rejected) return false;
  // updated_at moves whenever the tokens are written (connect, refresh; also a chat move).
  if (ctx.clock.now() - row.updated_at >= REJECTED_TOKEN_MIN_AGE_MS) return true;
  ctx.log.info(
    { zoomUserId: row.zoom_user_id },
    "Zoom refused a token written under a minute ago; not refreshing",
  );
  ctx.metrics.tokenRefreshes.inc({ result: "skipped_recent" });
  return false;
}

function isFresh(ctx: RefreshContext, row: ConnectionRow): boolean {
  return row.access_expires_at - ctx.clock.now() > ctx.marginMs;
}

async function tellChatBroken(ctx: RefreshContext, row: ConnectionRow): Promise<void> {
  try {
    const locale = await chatLocale(ctx.db.kysely, row.chat_id);
    await ctx.telegram.sendMessage(
      row.chat_id,
      ctx.translator.t(locale, "connect-broken", { email: row.email }),
    );
  } catch (error) {
    ctx.log.warn(
      { chatId: row.chat_id, err: describeError(error) },
      "could not tell the chat its connection broke",
    );
  }
}

/**
 * Takes the lease and refreshes, or waits for whoever holds it. `seen` is the row the caller
 * judged stale: a different refresh token in the row later means someone else already refreshed.
 */
async function refreshOrWait(
  ctx: RefreshContext,
  zoomUserId: string,
  seen: ConnectionRow,
  force: boolean,
): Promise<AccessToken> {
  const { db, owner } = ctx;
  for (let waits = 0; ; waits++) {
    const leaseToken = await tryAcquireRefreshLock(db.kysely, zoomUserId, owner, ctx.leaseMs);
    const row = usable(await findConnectionRow(db.kysely, zoomUserId), zoomUserId);
    // Someone (another process, or a re-authorization) rotated the tokens since we looked.
    const rotated = !sameRefreshToken(ctx, row, seen);
    if (leaseToken !== undefined) {
      if (rotated || (!force && isFresh(ctx, row))) {
        await releaseRefreshLock(db.kysely, zoomUserId, leaseToken);
        return accessFromRow(ctx, row);
      }
      return refreshHoldingLease(ctx, { row, leaseToken });
    }
    if (rotated && isFresh(ctx, row)) return accessFromRow(ctx, row);
    if (waits >= ctx.maxWaits) {
      ctx.metrics.tokenRefreshes.inc({ result: "lock_timeout" });
      throw new AppError("zoom.unavailable", "another process is still refreshing this Zoom token", {
        status: 503,
        retryable: true,
        details: { zoomUserId },
      });
    }
    await ctx.sleep(ctx.waitMs);
  }
}

/**
 * The same refresh token in both rows. Compared as plaintext when the ciphertexts differ:
 * `rotate-keys` re-encrypts a token without changing it, which is no refresh by someone else.
 */
function sameRefreshToken(ctx: RefreshContext, a: ConnectionRow, b: ConnectionRow): boolean {
  if (a.refresh_token_enc === b.refresh_token_enc) return true;
  return (
    decrypt(ctx, a.refresh_token_enc, a.zoom_user_id) === decrypt(ctx, b.refresh_token_enc, b.zoom_user_id)
  );
}

/** A refresh lease this process took: the row read after taking it, and its fencing token. */
interface HeldLease {
  row: ConnectionRow;
  leaseToken: string;
}

/** The fence every write of a lease holder carries: its token and the refresh token it used. */
function fenceOf(held: HeldLease): { leaseToken: string; usedRefreshTokenEnc: string } {
  return { leaseToken: held.leaseToken, usedRefreshTokenEnc: held.row.refresh_token_enc };
}

/** Refreshes with the row's refresh token while holding the lease. */
async function refreshHoldingLease(ctx: RefreshContext, held: HeldLease): Promise<AccessToken> {
  let tokens: ZoomTokenSet;
  try {
    // Deliberately not abortable by a caller: a refresh cut off after Zoom rotated the token
    // would lose the only valid refresh token. The client's own timeout still bounds it.
    tokens = await ctx.oauth.refresh(decrypt(ctx, held.row.refresh_token_enc, held.row.zoom_user_id));
  } catch (error) {
    if (error instanceof AppError && error.code === "zoom.refresh_rejected") {
      throw await refreshRejected(ctx, held, error);
    }
    throw await refreshFailed(ctx, held, error);
  }
  return storeRotatedTokens(ctx, held, tokens);
}

/** Releases our lease (if still ours) without letting a failing release hide the real outcome. */
async function releaseQuietly(ctx: RefreshContext, held: HeldLease): Promise<void> {
  const zoomUserId = held.row.zoom_user_id;
  await releaseRefreshLock(ctx.db.kysely, zoomUserId, held.leaseToken).catch((releaseError) =>
    ctx.log.warn({ zoomUserId, err: describeError(releaseError) }, "could not release the refresh lease"),
  );
}

/** A refusal other than `invalid_grant`, or no answer: keep the connection, try again later. */
async function refreshFailed(ctx: RefreshContext, held: HeldLease, error: unknown): Promise<unknown> {
  const zoomUserId = held.row.zoom_user_id;
  await releaseQuietly(ctx, held);
  ctx.metrics.tokenRefreshes.inc({ result: refreshFailureResult(error) });
  if (error instanceof AppError && error.code === "zoom.token_refused") {
    ctx.log.error(
      { zoomUserId, status: error.details?.status, zoomError: error.details?.zoomError },
      "Zoom's token endpoint refused a refresh (not invalid_grant): check ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET; the connection is kept",
    );
    void ctx.alerts.tokenEndpointRefused(error.message);
  }
  return error;
}

/**
 * Zoom said `invalid_grant`. The connection is broken only if we still hold the lease and the
 * refused token is still the stored one (fenced in the UPDATE). Otherwise a re-authorization
 * replaced the token, or our lease ran out and another process took over — its refresh reached
 * Zoom first and rotated the token we held — so the answer says nothing about the connection.
 */
async function refreshRejected(ctx: RefreshContext, held: HeldLease, error: AppError): Promise<unknown> {
  const { db, clock, metrics } = ctx;
  const zoomUserId = held.row.zoom_user_id;
  const reason = typeof error.details?.zoomError === "string" ? error.details.zoomError : error.code;
  const broke = await markConnectionBrokenByRefresh(
    db.kysely,
    zoomUserId,
    fenceOf(held),
    `refresh rejected: ${reason}`,
    clock.now(),
  );
  if (broke) {
    metrics.tokenRefreshes.inc({ result: "rejected" });
    ctx.log.warn(
      { zoomUserId, status: error.details?.status, zoomError: reason },
      "Zoom refused the refresh token; connection marked broken",
    );
    await tellChatBroken(ctx, held.row);
    return rejected(zoomUserId, error);
  }
  await releaseQuietly(ctx, held);
  const current = await findConnectionRow(db.kysely, zoomUserId);
  if (!current) return unauthorized(zoomUserId);
  if (current.status !== "active") return rejected(zoomUserId, error);
  metrics.tokenRefreshes.inc({ result: "superseded" });
  ctx.log.warn({ zoomUserId }, "a refresh lost its lease or its token meanwhile; Zoom's refusal ignored");
  return new AppError("zoom.unavailable", "the connection changed during a refresh; try again", {
    status: 503,
    retryable: true,
  });
}

function refreshFailureResult(error: unknown): string {
  if (!(error instanceof AppError)) return "unavailable";
  if (error.code === "zoom.rate_limited") return "rate_limited";
  if (error.code === "zoom.token_refused") return "refused";
  return "unavailable";
}

/**
 * Stores Zoom's rotated tokens (compare-and-swap on our fencing token, or the refresh token used;
 * releasing the lease) before they are handed out: Zoom has already invalidated the old one.
 */
async function storeRotatedTokens(
  ctx: RefreshContext,
  held: HeldLease,
  tokens: ZoomTokenSet,
): Promise<AccessToken> {
  const { db, clock, cipher, metrics } = ctx;
  const { row } = held;
  const zoomUserId = row.zoom_user_id;
  const now = clock.now();
  const rotated = {
    accessTokenEnc: cipher.encrypt(tokens.accessToken, zoomUserId),
    refreshTokenEnc: cipher.encrypt(tokens.refreshToken, zoomUserId),
    tokenKeyId: cipher.keyIds[0] as string,
    accessExpiresAt: now + tokens.expiresIn * 1000,
    apiUrl: tokens.apiUrl,
    scope: tokens.scope,
  };
  // Losing this write would break the connection, so a failing write (a dropped database
  // connection) is tried again at once.
  let saved = false;
  for (let attempt = 1; ; attempt++) {
    try {
      saved = await saveRefreshedTokens(db.kysely, zoomUserId, fenceOf(held), rotated, now);
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      ctx.log.warn(
        { zoomUserId, attempt, err: describeError(error) },
        "storing refreshed tokens failed; retrying",
      );
    }
  }
  if (!saved) {
    // The row vanished (disconnect, deauthorization), was re-authorized, or our lease ran out and
    // another process took over while we refreshed. The new tokens are not stored, so they are
    // not handed out either; the lease, if still ours, is released rather than left to expire.
    metrics.tokenRefreshes.inc({ result: "discarded" });
    ctx.log.warn(
      { zoomUserId },
      "refreshed tokens discarded: the connection or its refresh lease changed meanwhile",
    );
    await releaseQuietly(ctx, held);
    const current = await findConnectionRow(db.kysely, zoomUserId);
    if (!current) throw unauthorized(zoomUserId);
    throw new AppError("zoom.unavailable", "the connection changed during a refresh; try again", {
      status: 503,
      retryable: true,
    });
  }
  metrics.tokenRefreshes.inc({ result: "ok" });
  ctx.log.info({ zoomUserId }, "Zoom access token refreshed");
  const apiUrl = tokens.apiUrl ?? row.api_url;
  return {
    accessToken: tokens.accessToken,
    apiBaseUrl: apiBaseUrlFor(apiUrl, ctx.defaultApi),
    connection: toZoomConnection(
      { ...row, api_url: apiUrl, access_expires_at: now + tokens.expiresIn * 1000 },
      ctx.defaultApi,
    ),
  };
}
