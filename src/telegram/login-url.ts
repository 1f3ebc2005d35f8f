/**
 * Checking the identity Telegram adds to a `login_url` button's URL (reference telegram.md §10.1,
 * Telegram "Login Widget → Checking authorization"): the fields `id`, `first_name`, `last_name`,
 * `username`, `photo_url`, `auth_date` and `hash`. `data_check_string` is every received Telegram
 * field except `hash` as `key=value`, sorted by key, joined by "\n"; the secret key is
 * SHA256(bot token); the data is genuine when hex(HMAC_SHA256(data_check_string, key)) equals
 * `hash`. Only Telegram's fields are in the string, never the link's own query parameters.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The fields Telegram appends; anything else in the query is the link's own. */
export const TELEGRAM_LOGIN_FIELDS = [
  "id",
  "first_name",
  "last_name",
  "username",
  "photo_url",
  "auth_date",
] as const;

/** How old `auth_date` may be (CONTRACT, Bot commands: "at most 10 minutes old"). */
export const TELEGRAM_LOGIN_MAX_AGE_SECONDS = 10 * 60;
/** How far in the future `auth_date` may lie (Telegram's clock against ours). */
export const TELEGRAM_LOGIN_FUTURE_SKEW_SECONDS = 30;

export interface TelegramLoginUser {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  authDate: number;
}

export type TelegramLoginCheck =
  | { ok: true; user: TelegramLoginUser }
  | { ok: false; reason: "missing" | "bad_hash" | "stale" };

/** `hex(HMAC_SHA256(data_check_string, SHA256(botToken)))` over the given Telegram fields. */
export function telegramLoginHash(botToken: string, fields: Readonly<Record<string, string>>): string {
  const dataCheckString = Object.keys(fields)
    .filter((key) => key !== "hash")
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join("\n");
  const secretKey = createHash("sha256").update(botToken).digest();
  return createHmac("sha256", secretKey).update(dataCheckString).digest("hex");
}

/**
 * Verifies the Telegram login fields in `query` at `nowMs`. A repeated Telegram field (parameter
 * smuggling) or a missing `id`/`auth_date`/`hash` is `missing`; the hash is compared in constant
 * time before the age is looked at.
 */
export function verifyTelegramLogin(
  query: URLSearchParams,
  botToken: string,
  nowMs: number,
): TelegramLoginCheck {
  const fields: Record<string, string> = {};
  for (const name of [...TELEGRAM_LOGIN_FIELDS, "hash"]) {
    const values = query.getAll(name);
    if (values.length > 1) return { ok: false, reason: "missing" };
    if (values.length === 1) fields[name] = values[0] as string;
  }
  const { id, auth_date: authDate, hash } = fields;
  if (id === undefined || authDate === undefined || hash === undefined)
    return { ok: false, reason: "missing" };
  if (!/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: "bad_hash" };
  const expected = Buffer.from(telegramLoginHash(botToken, fields), "ascii");
  if (!timingSafeEqual(expected, Buffer.from(hash, "ascii"))) return { ok: false, reason: "bad_hash" };
  if (!/^[1-9]\d{0,15}$/.test(id) || !/^\d{1,12}$/.test(authDate)) return { ok: false, reason: "bad_hash" };
  const ageSeconds = nowMs / 1000 - Number(authDate);
  if (ageSeconds > TELEGRAM_LOGIN_MAX_AGE_SECONDS || ageSeconds < -TELEGRAM_LOGIN_FUTURE_SKEW_SECONDS) {
    return { ok: false, reason: "stale" };
  }
  const user: TelegramLoginUser = {
    id: Number(id),
    firstName: fields.first_name ?? "",
    authDate: Number(authDate),
  };
  if (fields.last_name !== undefined) user.lastName = fields.last_name;
  if (fields.username !== undefined) user.username = fields.username;
  return { ok: true, user };
}

/** The link without Telegram's fields: what the bot signed, for logs and re-use checks. */
export function withoutTelegramLogin(query: URLSearchParams): URLSearchParams {
  const rest = new URLSearchParams(query);
  for (const name of [...TELEGRAM_LOGIN_FIELDS, "hash"]) rest.delete(name);
  return rest;
}
