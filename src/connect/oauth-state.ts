/**
 * The OAuth `state` of the connect flow and its PKCE pair (reference/zoom.md §3.1).
 *
 * `state` is a JWT (HS256 under STATE_SECRET) naming the chat, the Telegram user and a random
 * nonce, valid for at most 10 minutes. The nonce is the key of an `oauth_states` row holding the
 * PKCE code_verifier (encrypted like tokens); consuming that row deletes it, so a state works once:
 * a replayed callback finds no row. The JWT's audience separates it from every other use of
 * STATE_SECRET (the connect link signs a different, domain-prefixed message).
 *
 * jose is imported when a state is first signed or verified: a process connects users rarely, and
 * an idle one need not hold the library (issue #14).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Executor } from "../db/database.js";
import { deletedRows } from "../db/deleted-rows.js";
import { isLocale, type Locale } from "../i18n/locales.js";

/** Longest life of a `state` (issue #3: ≤ 10 minutes). Zoom's code itself lives 5 minutes. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const AUDIENCE = "zoomgram/oauth-state/v1";
const ISSUER = "zoomgram";

export interface OAuthStateClaims {
  nonce: string;
  chatId: number;
  telegramUserId: number;
  locale: Locale;
}

export type StateVerification =
  | { ok: true; claims: OAuthStateClaims; expiresAt: number }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** A fresh PKCE pair: 32 random bytes as the verifier (43 chars), its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function createNonce(): string {
  return randomBytes(18).toString("base64url");
}

export async function signOAuthState(
  secret: string,
  claims: OAuthStateClaims,
  nowMs: number,
  ttlMs = OAUTH_STATE_TTL_MS,
): Promise<string> {
  const { SignJWT } = await import("jose");
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ c: claims.chatId, u: claims.telegramUserId, l: claims.locale })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(claims.nonce)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(Math.min(ttlMs, OAUTH_STATE_TTL_MS) / 1000))
    .sign(key(secret));
}

export async function verifyOAuthState(
  secret: string,
  token: string,
  nowMs: number,
): Promise<StateVerification> {
  if (token.length === 0 || token.length > 2048) return { ok: false, reason: "malformed" };
  const { errors, jwtVerify } = await import("jose");
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      issuer: ISSUER,
      currentDate: new Date(nowMs),
      requiredClaims: ["jti", "exp", "iat"],
      // A state claiming a longer life than we ever issue was not made by us.
      maxTokenAge: OAUTH_STATE_TTL_MS / 1000,
    });
    const { c, u, l, jti, exp } = payload;
    if (
      typeof c !== "number" ||
      !Number.isSafeInteger(c) ||
      c === 0 ||
      typeof u !== "number" ||
      !Number.isSafeInteger(u) ||
      u <= 0 ||
      typeof jti !== "string" ||
      !/^[A-Za-z0-9_-]{16,64}$/.test(jti) ||
      typeof exp !== "number"
    ) {
      return { ok: false, reason: "malformed" };
    }
    return {
      ok: true,
      claims: { nonce: jti, chatId: c, telegramUserId: u, locale: isLocale(l) ? l : "en" },
      expiresAt: exp * 1000,
    };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: "bad_signature" };
    if (error instanceof errors.JOSEError) return { ok: false, reason: "malformed" };
    throw error;
  }
}

// ------------------------------------------------------------------ oauth_states rows

export interface PendingState {
  nonce: string;
  chatId: number;
  telegramUserId: number;
  /** Encrypted with AAD = nonce. */
  codeVerifierEnc: string;
  locale: Locale;
  expiresAt: number;
}

export async function insertOAuthState(db: Executor, state: PendingState, now: number): Promise<void> {
  await db
    .insertInto("oauth_states")
    .values({
      nonce: state.nonce,
      chat_id: state.chatId,
      telegram_user_id: state.telegramUserId,
      code_verifier_enc: state.codeVerifierEnc,
      locale: state.locale,
      expires_at: state.expiresAt,
      created_at: now,
    })
    .execute();
}

/**
 * Takes the pending state for `nonce` (single use: the row is deleted by the same statement), or
 * undefined when it was used already, never existed, or has expired.
 */
export async function consumeOAuthState(
  db: Executor,
  nonce: string,
  now: number,
): Promise<PendingState | undefined> {
  const row = await db
    .deleteFrom("oauth_states")
    .where("nonce", "=", nonce)
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return undefined;
  return {
    nonce: row.nonce,
    chatId: Number(row.chat_id),
    telegramUserId: Number(row.telegram_user_id),
    codeVerifierEnc: row.code_verifier_enc,
    locale: isLocale(row.locale) ? row.locale : "en",
    expiresAt: Number(row.expires_at),
  };
}

/** Removes abandoned states (people who opened the link and never came back). */
export async function deleteExpiredOAuthStates(db: Executor, now: number): Promise<number> {
  return deletedRows(db.deleteFrom("oauth_states").where("expires_at", "<=", now));
}
