/**
 * The signed query of the `/connect` link (CONTRACT: `GET /zoom/connect?…`, parameters signed with
 * `STATE_SECRET`, carrying the chat id, the Telegram user id and an expiry of at most 15 minutes).
 * The link is the only thing tying a Zoom account to a Telegram chat, so an unsigned or altered
 * link must never start an OAuth flow:
 *
 *     c=<chat id>&u=<user id>&e=<expiry, unix s>[&l=<locale>]&sig=<base64url HMAC-SHA256>
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Longest lifetime a link may claim (CONTRACT: "an expiry ≤ 15 minutes"). */
export const CONNECT_LINK_MAX_TTL_SECONDS = 15 * 60;
/**
 * Allowance for the bot and web processes' clocks disagreeing (they may run on different hosts):
 * a link signed for exactly 15 minutes must not look "too long" to a web server a few seconds behind.
 */
export const CONNECT_LINK_CLOCK_SKEW_SECONDS = 30;

// Domain separation: STATE_SECRET also signs OAuth `state`, and a signature made for one must
// never verify as the other.
const DOMAIN = "zoomgram/connect-link/v1";

export interface ConnectLinkClaims {
  /** Telegram chat id; negative for groups. */
  chatId: number;
  /** Telegram user id of whoever asked for the link. */
  userId: number;
  /** Unix seconds after which the link is refused. */
  expiresAt: number;
  /** The chat's interface language, to localize the result page. */
  locale?: string;
}

export type ConnectLinkFailure = "missing" | "bad_signature" | "expired" | "too_long";

export type ConnectLinkVerification =
  | {
      ok: true;
      chatId: number;
      userId: number;
      expiresAt: number;
      locale?: string;
      /** SHA-256 of the signature (base64url): names the link without being a credential. */
      linkId: string;
    }
  | { ok: false; reason: ConnectLinkFailure };

const CHAT_ID = /^-?[1-9]\d{0,15}$/;
const POSITIVE = /^[1-9]\d{0,15}$/;
const LOCALE = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,3}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, unpadded base64url

function requireSecret(secret: string): void {
  if (secret.length === 0) throw new TypeError("connect link secret must not be empty");
}

/** The signed bytes: fixed field order, JSON-quoted so no value can imitate a separator. */
function signatureOf(secret: string, c: string, u: string, e: string, l: string | null): Buffer {
  return createHmac("sha256", secret)
    .update(`${DOMAIN}\n${JSON.stringify([c, u, e, l])}`)
    .digest();
}

/** Signs the link parameters. Throws `RangeError` for ids, expiry or locale that could not verify. */
export function signConnectParams(claims: ConnectLinkClaims, secret: string): URLSearchParams {
  requireSecret(secret);
  const c = String(claims.chatId);
  const u = String(claims.userId);
  const e = String(claims.expiresAt);
  if (!Number.isSafeInteger(claims.chatId) || !CHAT_ID.test(c))
    throw new RangeError("chatId must be a non-zero integer");
  if (!Number.isSafeInteger(claims.userId) || !POSITIVE.test(u))
    throw new RangeError("userId must be a positive integer");
  if (!Number.isSafeInteger(claims.expiresAt) || !POSITIVE.test(e)) {
    throw new RangeError("expiresAt must be a positive integer of Unix seconds");
  }
  const l = claims.locale ?? null;
  if (l !== null && !LOCALE.test(l))
    throw new RangeError("locale must be a language tag such as en or pt-BR");

  const params = new URLSearchParams({ c, u, e });
  if (l !== null) params.set("l", l);
  params.set("sig", signatureOf(secret, c, u, e, l).toString("base64url"));
  return params;
}

/** The single value of `name`, `undefined` when absent, `null` when repeated (a smuggling attempt). */
function single(params: URLSearchParams, name: string): string | undefined | null {
  const values = params.getAll(name);
  if (values.length === 0) return undefined;
  return values.length === 1 ? (values[0] as string) : null;
}

/**
 * Verifies link parameters at `nowMs`. Anything not produced by {@link signConnectParams} with
 * this secret is `missing` (no signed fields at all, e.g. a bare `?telegram_chat_id=…`) or
 * `bad_signature`; the signature is checked, in constant time, before the expiry so that only
 * genuine links are ever reported as `expired` or `too_long`.
 */
export function verifyConnectParams(
  params: URLSearchParams,
  secret: string,
  nowMs: number,
): ConnectLinkVerification {
  requireSecret(secret);
  const c = single(params, "c");
  const u = single(params, "u");
  const e = single(params, "e");
  const sig = single(params, "sig");
  const l = single(params, "l");
  if (c === undefined || u === undefined || e === undefined || sig === undefined) {
    return { ok: false, reason: "missing" };
  }
  if (
    c === null ||
    u === null ||
    e === null ||
    sig === null ||
    l === null ||
    !CHAT_ID.test(c) ||
    !POSITIVE.test(u) ||
    !POSITIVE.test(e) ||
    !SIGNATURE.test(sig) ||
    (l !== undefined && !LOCALE.test(l))
  ) {
    return { ok: false, reason: "bad_signature" };
  }

  // Compared as text, not decoded bytes: base64url's spare low bits would otherwise let several
  // spellings of one signature verify. SIGNATURE pins 43 ASCII characters, so lengths match.
  const expected = Buffer.from(signatureOf(secret, c, u, e, l ?? null).toString("base64url"), "ascii");
  const received = Buffer.from(sig, "ascii");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: "bad_signature" };
  }

  const expiresAt = Number(e);
  const chatId = Number(c);
  const userId = Number(u);
  if (!Number.isSafeInteger(chatId) || !Number.isSafeInteger(userId) || !Number.isSafeInteger(expiresAt)) {
    return { ok: false, reason: "bad_signature" };
  }
  if (nowMs >= expiresAt * 1000) return { ok: false, reason: "expired" };
  if (expiresAt * 1000 - nowMs > (CONNECT_LINK_MAX_TTL_SECONDS + CONNECT_LINK_CLOCK_SKEW_SECONDS) * 1000) {
    return { ok: false, reason: "too_long" };
  }
  const linkId = createHash("sha256").update(sig).digest("base64url");
  return l === undefined
    ? { ok: true, chatId, userId, expiresAt, linkId }
    : { ok: true, chatId, userId, expiresAt, locale: l, linkId };
}
