/**
 * The `zoom_connections` table: which Zoom user delivers to which Telegram chat, with that user's
 * OAuth tokens (encrypted) and the lease that makes token refresh single-flight across processes.
 *
 * Rows stay snake_case; {@link toZoomConnection} maps them to the camelCase domain object and
 * deliberately leaves the token columns out: tokens are decrypted in exactly one place, the token
 * service (`token-service.ts`).
 */
import type { Expression, ExpressionBuilder, RawBuilder, SqlBool } from "kysely";
import type { Dialect, Executor } from "../db/database.js";
import { dbNowMs, newFencingToken } from "../db/db-clock.js";
import type { ConnectionRow, Database } from "../db/schema.js";

/** Nobody refreshing: what a finished refresh, a new authorization or a broken verdict leaves. */
const NO_REFRESH_LEASE = {
  refresh_lock_owner: null,
  refresh_lock_until: null,
  refresh_lock_token: null,
} as const;

export type ConnectionStatus = "active" | "broken";

export interface ZoomConnection {
  id: number;
  zoomUserId: string;
  zoomAccountId: string | null;
  email: string;
  displayName: string | null;
  /** The Zoom user's IANA time zone (`users/me`), for showing meeting times. */
  timezone: string | null;
  /** Where this Zoom user's recordings are delivered. */
  chatId: number;
  /** Who connected it. */
  telegramUserId: number;
  /** `broken`: Zoom refused the refresh token; the chat must /connect again. */
  status: ConnectionStatus;
  /**
   * Base for REST calls (no trailing slash): the token response's regional `api_url` + `/v2` when
   * Zoom sent one, else `ZOOM_API_BASE_URL` (CONTRACT "Behaviour at the edges").
   */
  apiBaseUrl: string;
  /** When the current authorization was made (ms). */
  connectedAt: number;
}

/** `api_url` from a token response → the REST base for that user (zoom.md §3.2). */
export function apiBaseUrlFor(apiUrl: string | null | undefined, defaultApiBaseUrl: string): string {
  if (apiUrl) return `${apiUrl.replace(/\/+$/, "")}/v2`;
  return defaultApiBaseUrl.replace(/\/+$/, "");
}

/** The explicit row → domain mapper. Token columns are not read here. */
export function toZoomConnection(row: ConnectionRow, defaultApiBaseUrl: string): ZoomConnection {
  return {
    id: Number(row.id),
    zoomUserId: row.zoom_user_id,
    zoomAccountId: row.zoom_account_id,
    email: row.email,
    displayName: row.display_name,
    timezone: row.timezone,
    chatId: Number(row.chat_id),
    telegramUserId: Number(row.telegram_user_id),
    status: row.status === "broken" ? "broken" : "active",
    apiBaseUrl: apiBaseUrlFor(row.api_url, defaultApiBaseUrl),
    connectedAt: Number(row.connected_at),
  };
}

/** The raw row, tokens included (still encrypted). For the token service and key rotation. */
export async function findConnectionRow(
  db: Executor,
  zoomUserId: string,
): Promise<ConnectionRow | undefined> {
  return db
    .selectFrom("zoom_connections")
    .selectAll()
    .where("zoom_user_id", "=", zoomUserId)
    .executeTakeFirst();
}

/**
 * The connection of a Zoom user, whatever its status (check `status`: a `broken` one must not be
 * used for API calls). `defaultApiBaseUrl` is `config.zoom.apiBaseUrl`.
 */
export async function findConnectionByZoomUserId(
  db: Executor,
  zoomUserId: string,
  defaultApiBaseUrl: string,
): Promise<ZoomConnection | undefined> {
  const row = await findConnectionRow(db, zoomUserId);
  return row ? toZoomConnection(row, defaultApiBaseUrl) : undefined;
}

/**
 * Inside an ingest transaction (issue #13, item 7): the Zoom user's active connection, re-read
 * with a row lock on PostgreSQL (FOR SHARE). A purge takes FOR UPDATE on the same row
 * ({@link lockConnectionForPurge}), so it cannot commit between this check and the ingest's
 * commit: either the ingest sees no connection, or the purge waits and then cancels its jobs.
 * (SQLite serializes write transactions, so the plain read is enough there.)
 */
export async function lockConnectionForIngest(
  tx: Executor,
  zoomUserId: string,
  dialect: Dialect,
  defaultApiBaseUrl: string,
): Promise<ZoomConnection | undefined> {
  const query = tx.selectFrom("zoom_connections").selectAll().where("zoom_user_id", "=", zoomUserId);
  const row = await (dialect === "postgres" ? query.forShare() : query).executeTakeFirst();
  // Any status: a broken connection still routes a recording to its chat, which is then
  // delivered with the webhook's own download token; callers that need an active one check.
  return row ? toZoomConnection(row, defaultApiBaseUrl) : undefined;
}

/** The purge's side of {@link lockConnectionForIngest}: FOR UPDATE on PostgreSQL. */
export async function lockConnectionForPurge(
  tx: Executor,
  zoomUserId: string,
  dialect: Dialect,
): Promise<void> {
  if (dialect !== "postgres") return;
  await tx
    .selectFrom("zoom_connections")
    .select("id")
    .where("zoom_user_id", "=", zoomUserId)
    .forUpdate()
    .execute();
}

export async function findConnectionById(
  db: Executor,
  id: number,
  defaultApiBaseUrl: string,
): Promise<ZoomConnection | undefined> {
  const row = await db.selectFrom("zoom_connections").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toZoomConnection(row, defaultApiBaseUrl) : undefined;
}

/**
 * Every connection delivering to a chat, newest first (a group may hold several members' Zoom
 * accounts). Active ones only unless `includeBroken`.
 */
export async function findConnectionsByChatId(
  db: Executor,
  chatId: number,
  defaultApiBaseUrl: string,
  options: { includeBroken?: boolean } = {},
): Promise<ZoomConnection[]> {
  let query = db.selectFrom("zoom_connections").selectAll().where("chat_id", "=", chatId);
  if (!options.includeBroken) query = query.where("status", "=", "active");
  const rows = await query.orderBy("connected_at", "desc").orderBy("id", "desc").execute();
  return rows.map((row) => toZoomConnection(row, defaultApiBaseUrl));
}

/** The newest active connection delivering to a chat. */
export async function findConnectionByChatId(
  db: Executor,
  chatId: number,
  defaultApiBaseUrl: string,
): Promise<ZoomConnection | undefined> {
  return (await findConnectionsByChatId(db, chatId, defaultApiBaseUrl))[0];
}

/** The profile and chat as the connection keeps them, plus the (encrypted) tokens. */
export interface ConnectionInput
  extends Pick<
    ZoomConnection,
    "zoomUserId" | "zoomAccountId" | "email" | "displayName" | "timezone" | "chatId" | "telegramUserId"
  > {
  /** Ciphertexts from `services.cipher.encrypt(token, zoomUserId)`. */
  accessTokenEnc: string;
  refreshTokenEnc: string;
  tokenKeyId: string;
  accessExpiresAt: number;
  /** The token response's `api_url`, as sent (null when absent). */
  apiUrl: string | null;
  scope: string | null;
}

/**
 * Stores a fresh authorization: inserts the connection, or replaces tokens, profile and chat of
 * the existing one (re-authorization invalidates the older tokens at Zoom anyway, zoom.md §3.3),
 * making it active again and dropping any refresh lease. Returns the chat it delivered to before,
 * when that was another chat (delivery moved).
 */
export async function upsertConnection(
  db: Executor,
  input: ConnectionInput,
  now: number,
): Promise<{ id: number; previousChatId: number | undefined }> {
  const before = await db
    .selectFrom("zoom_connections")
    .select(["chat_id"])
    .where("zoom_user_id", "=", input.zoomUserId)
    .executeTakeFirst();
  const values = {
    zoom_account_id: input.zoomAccountId,
    email: input.email,
    display_name: input.displayName,
    timezone: input.timezone,
    chat_id: input.chatId,
    telegram_user_id: input.telegramUserId,
    access_token_enc: input.accessTokenEnc,
    refresh_token_enc: input.refreshTokenEnc,
    token_key_id: input.tokenKeyId,
    access_expires_at: input.accessExpiresAt,
    api_url: input.apiUrl,
    scope: input.scope,
    status: "active",
    status_reason: null,
    ...NO_REFRESH_LEASE,
    connected_at: now,
    updated_at: now,
  };
  const row = await db
    .insertInto("zoom_connections")
    .values({ zoom_user_id: input.zoomUserId, ...values })
    .onConflict((oc) => oc.column("zoom_user_id").doUpdateSet(values))
    .returning("id")
    .executeTakeFirstOrThrow();
  const previous = before ? Number(before.chat_id) : undefined;
  return {
    id: Number(row.id),
    previousChatId: previous !== undefined && previous !== input.chatId ? previous : undefined,
  };
}

/**
 * Marks the connection broken (Zoom refused its refresh token). True only for the call that made
 * the change, so the chat is told once.
 */
export async function markConnectionBroken(
  db: Executor,
  zoomUserId: string,
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("zoom_connections")
    .set({
      status: "broken",
      status_reason: reason.slice(0, 500),
      ...NO_REFRESH_LEASE,
      updated_at: now,
    })
    .where("zoom_user_id", "=", zoomUserId)
    .where("status", "=", "active")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Connections an older release marked broken for a refusal other than `invalid_grant`. */
export const WRONGLY_BROKEN_REASON = { like: "refresh rejected:%", notLike: "%invalid_grant%" } as const;

/**
 * Brings broken connections back to active (issue #13, item 2): the named one whatever its reason
 * (the operator decided), or, without a name, every one broken for a token-endpoint refusal other
 * than `invalid_grant`. The next refresh tries the stored token again; if Zoom really revoked it,
 * that refresh marks it broken again with `invalid_grant`.
 */
export async function restoreBrokenConnections(
  db: Executor,
  filter: { zoomUserId?: string },
  now: number,
): Promise<Array<{ zoomUserId: string; email: string; chatId: number; reason: string | null }>> {
  let query = db
    .updateTable("zoom_connections")
    .set({
      status: "active",
      status_reason: null,
      ...NO_REFRESH_LEASE,
      updated_at: now,
    })
    .where("status", "=", "broken");
  query =
    filter.zoomUserId !== undefined
      ? query.where("zoom_user_id", "=", filter.zoomUserId)
      : query
          .where("status_reason", "like", WRONGLY_BROKEN_REASON.like)
          .where("status_reason", "not like", WRONGLY_BROKEN_REASON.notLike);
  // RETURNING shows the new values; the old reason is read first, in the same transaction.
  const before = await db
    .selectFrom("zoom_connections")
    .select(["zoom_user_id", "status_reason"])
    .where("status", "=", "broken")
    .execute();
  const reasons = new Map(before.map((r) => [r.zoom_user_id, r.status_reason]));
  const rows = await query.returning(["zoom_user_id", "email", "chat_id"]).execute();
  return rows.map((r) => ({
    zoomUserId: r.zoom_user_id,
    email: r.email,
    chatId: Number(r.chat_id),
    reason: reasons.get(r.zoom_user_id) ?? null,
  }));
}

/** Deletes the connection and with it the tokens. Returns the deleted row's chat, if any. */
export async function deleteConnection(
  db: Executor,
  zoomUserId: string,
): Promise<{ chatId: number; email: string } | undefined> {
  const row = await db
    .deleteFrom("zoom_connections")
    .where("zoom_user_id", "=", zoomUserId)
    .returning(["chat_id", "email"])
    .executeTakeFirst();
  return row ? { chatId: Number(row.chat_id), email: row.email } : undefined;
}

/** Points every connection of a chat at another chat (a group became a supergroup). */
export async function moveConnectionsToChat(db: Executor, fromChatId: number, toChatId: number, now: number) {
  await db
    .updateTable("zoom_connections")
    .set({ chat_id: toChatId, updated_at: now })
    .where("chat_id", "=", fromChatId)
    .execute();
}

// ------------------------------------------------------------------ refresh lease
//
// The lease is judged by the database's clock (`dbNowMs`), and each taking writes a fresh fencing
// token (`refresh_lock_token`): the holder's save, its release and its "broken" verdict are all
// conditional on that token, so a holder whose lease ran out and was taken over writes nothing.

/**
 * Takes the refresh lease of an active connection with one conditional UPDATE, atomic on both
 * dialects: it succeeds when nobody holds the lease or the holder's lease ran out by the
 * database's clock (it crashed). Returns the fencing token, or undefined when someone holds it.
 */
export async function tryAcquireRefreshLock(
  db: Executor,
  zoomUserId: string,
  owner: string,
  leaseMs: number,
): Promise<string | undefined> {
  const token = newFencingToken();
  const dbNow = dbNowMs(db);
  const result = await db
    .updateTable("zoom_connections")
    .set((eb) => ({
      refresh_lock_owner: owner,
      refresh_lock_token: token,
      refresh_lock_until: eb(dbNow, "+", leaseMs),
    }))
    .where("zoom_user_id", "=", zoomUserId)
    .where("status", "=", "active")
    .where((eb) => refreshLeaseFree(eb, dbNow))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? token : undefined;
}

/** Nobody holds the refresh lease, or its holder's time ran out by the database's clock. */
function refreshLeaseFree(
  eb: ExpressionBuilder<Database, "zoom_connections">,
  dbNow: RawBuilder<number>,
): Expression<SqlBool> {
  return eb.or([
    eb("refresh_lock_owner", "is", null),
    eb("refresh_lock_until", "is", null),
    eb("refresh_lock_until", "<", dbNow),
  ]);
}

/** Releases the lease if this taking (`token`) still holds it; a taken-over lease is left alone. */
export async function releaseRefreshLock(db: Executor, zoomUserId: string, token: string): Promise<void> {
  await db
    .updateTable("zoom_connections")
    .set(NO_REFRESH_LEASE)
    .where("zoom_user_id", "=", zoomUserId)
    .where("refresh_lock_token", "=", token)
    .execute();
}

export interface RefreshedTokens {
  accessTokenEnc: string;
  refreshTokenEnc: string;
  tokenKeyId: string;
  accessExpiresAt: number;
  /** Only overwrites the stored api_url when Zoom sent one. */
  apiUrl: string | undefined;
  scope: string | undefined;
}

/**
 * Stores rotated tokens and releases the lease in one statement, if this taking still holds the
 * lease (`leaseToken`) — whatever re-encrypted the ciphertext meanwhile — or, when the lease was
 * taken over, if the stored refresh token is still the one we used: Zoom accepts a refresh token
 * once, so nobody else can hold newer tokens from it, and these are the only valid ones (the new
 * holder's refresh with the same token gets `invalid_grant`, which then breaks nothing). A
 * re-authorization clears the lease and replaces the token: nothing is written, false comes back.
 */
export async function saveRefreshedTokens(
  db: Executor,
  zoomUserId: string,
  lease: { leaseToken: string; usedRefreshTokenEnc: string },
  tokens: RefreshedTokens,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("zoom_connections")
    .set({
      access_token_enc: tokens.accessTokenEnc,
      refresh_token_enc: tokens.refreshTokenEnc,
      token_key_id: tokens.tokenKeyId,
      access_expires_at: tokens.accessExpiresAt,
      ...(tokens.apiUrl !== undefined ? { api_url: tokens.apiUrl } : {}),
      ...(tokens.scope !== undefined ? { scope: tokens.scope } : {}),
      ...NO_REFRESH_LEASE,
      updated_at: now,
    })
    .where("zoom_user_id", "=", zoomUserId)
    .where((eb) =>
      eb.or([
        eb("refresh_lock_token", "=", lease.leaseToken),
        eb("refresh_token_enc", "=", lease.usedRefreshTokenEnc),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The refresh's "Zoom refused this token" verdict (`markConnectionBroken` with a fence): only
 * while this taking still holds the lease and the refused token is still the stored one. A
 * refresh that outlived its lease may have lost a race at Zoom to the process that took over;
 * its `invalid_grant` says nothing about the connection. True when this call broke it.
 */
export async function markConnectionBrokenByRefresh(
  db: Executor,
  zoomUserId: string,
  lease: { leaseToken: string; usedRefreshTokenEnc: string },
  reason: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("zoom_connections")
    .set({ status: "broken", status_reason: reason.slice(0, 500), ...NO_REFRESH_LEASE, updated_at: now })
    .where("zoom_user_id", "=", zoomUserId)
    .where("status", "=", "active")
    .where("refresh_lock_token", "=", lease.leaseToken)
    .where("refresh_token_enc", "=", lease.usedRefreshTokenEnc)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Every connection's encrypted tokens, for `rotate-keys`. */
export async function listConnectionTokens(
  db: Executor,
): Promise<Array<Pick<ConnectionRow, "id" | "zoom_user_id" | "access_token_enc" | "refresh_token_enc">>> {
  return db
    .selectFrom("zoom_connections")
    .select(["id", "zoom_user_id", "access_token_enc", "refresh_token_enc"])
    .orderBy("id")
    .execute();
}

/**
 * `rotate-keys` rewrites a connection's ciphertexts (same tokens, the first key) only while no
 * refresh holds the lease — a refresh in flight would otherwise fail its compare-and-swap and
 * lose Zoom's rotated token — and only if the ciphertexts are still the ones it read.
 * `busy` when a refresh holds the lease, `changed` when the row moved on, else `rewritten`.
 */
export async function reencryptConnectionTokens(
  db: Executor,
  id: number,
  before: { accessTokenEnc: string; refreshTokenEnc: string },
  after: { accessTokenEnc: string; refreshTokenEnc: string; tokenKeyId: string },
): Promise<"rewritten" | "busy" | "changed"> {
  const dbNow = dbNowMs(db);
  const result = await db
    .updateTable("zoom_connections")
    .set({
      access_token_enc: after.accessTokenEnc,
      refresh_token_enc: after.refreshTokenEnc,
      token_key_id: after.tokenKeyId,
    })
    .where("id", "=", id)
    .where("access_token_enc", "=", before.accessTokenEnc)
    .where("refresh_token_enc", "=", before.refreshTokenEnc)
    .where((eb) => refreshLeaseFree(eb, dbNow))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 1) return "rewritten";
  const busy = await db
    .selectFrom("zoom_connections")
    .select("id")
    .where("id", "=", id)
    .where((eb) => eb.not(refreshLeaseFree(eb, dbNow)))
    .executeTakeFirst();
  return busy ? "busy" : "changed";
}

/** The Zoom users whose connection works (the missed-webhook sweep lists their recordings). */
export async function listActiveZoomUserIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom("zoom_connections")
    .select("zoom_user_id")
    .where("status", "=", "active")
    .orderBy("id")
    .execute();
  return rows.map((row) => row.zoom_user_id);
}
