/**
 * Zoom webhook authentication: the `x-zm-signature` check and the CRC (`endpoint.url_validation`)
 * answer. Both are HMAC-SHA256 with the app's webhook Secret Token (`reference/zoom.md` §1.3, §1.6).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Default replay window: Zoom sets none; webhooks.fyi and `zoom/skills` use 5 minutes (zoom.md §1.3). */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 300;

export type ZoomSignatureFailure = "missing_headers" | "bad_timestamp" | "stale_timestamp" | "bad_signature";

export type ZoomSignatureResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: ZoomSignatureFailure };

export interface VerifyZoomSignatureInput {
  /** The app's webhook Secret Token. */
  secret: string;
  /** `x-zm-request-timestamp`: Unix seconds as decimal digits. */
  timestampHeader?: string | null;
  /** `x-zm-signature`: `v0=` + lowercase hex. */
  signatureHeader?: string | null;
  /** The request body exactly as received. Never a re-serialized `JSON.stringify` (zoom.md §6.2). */
  rawBody: Uint8Array;
  /** The server clock, in milliseconds. */
  nowMs: number;
  /** Largest accepted |now − timestamp|, in seconds. Default 300. */
  toleranceSeconds?: number;
}

// Timestamps are whole seconds (zoom.md §0.1); 1–15 digits keeps Number() exact and rejects
// signs, decimals, exponents and whitespace that Number() would otherwise accept.
const TIMESTAMP_PATTERN = /^\d{1,15}$/;

function requireSecret(secret: string): void {
  // An empty key still yields an HMAC, which would make every forged request verifiable.
  if (secret.length === 0) throw new TypeError("Zoom webhook secret must not be empty");
}

function hmacHex(secret: string, ...parts: (Uint8Array | string)[]): string {
  const mac = createHmac("sha256", secret);
  for (const part of parts) mac.update(part); // strings are hashed as UTF-8
  return mac.digest("hex");
}

/**
 * The `x-zm-signature` value Zoom sends for these bytes: `"v0=" + hex(HMAC_SHA256(secret,
 * "v0:{timestamp}:{rawBody}"))` (zoom.md §1.3). A string body is hashed as its UTF-8 bytes.
 */
export function computeZoomSignature(
  secret: string,
  timestamp: string,
  rawBody: Uint8Array | string,
): string {
  requireSecret(secret);
  return `v0=${hmacHex(secret, `v0:${timestamp}:`, rawBody)}`;
}

/**
 * Checks a webhook request. The signature is checked before freshness so that `stale_timestamp`
 * is only ever reported for a genuine Zoom request: zoom.md §1.3 asks us to log such rejections to
 * learn whether Zoom's retries carry a fresh timestamp, and forged noise would drown that signal.
 */
export function verifyZoomSignature(input: VerifyZoomSignatureInput): ZoomSignatureResult {
  requireSecret(input.secret);
  const timestampHeader = input.timestampHeader ?? "";
  const signatureHeader = input.signatureHeader ?? "";
  if (timestampHeader === "" || signatureHeader === "") return { ok: false, reason: "missing_headers" };
  if (!TIMESTAMP_PATTERN.test(timestampHeader)) return { ok: false, reason: "bad_timestamp" };

  const expected = Buffer.from(computeZoomSignature(input.secret, timestampHeader, input.rawBody), "utf8");
  const received = Buffer.from(signatureHeader, "utf8");
  // timingSafeEqual throws on unequal lengths; the expected length is public (always 67 bytes),
  // so refusing early on length leaks nothing.
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: "bad_signature" };
  }

  const timestamp = Number(timestampHeader);
  const toleranceMs = (input.toleranceSeconds ?? DEFAULT_TIMESTAMP_TOLERANCE_SECONDS) * 1000;
  // CONTRACT: "more than 300 s from the server clock" is refused, in either direction.
  if (Math.abs(input.nowMs - timestamp * 1000) > toleranceMs) return { ok: false, reason: "stale_timestamp" };
  return { ok: true, timestamp };
}

/**
 * The body that answers an `endpoint.url_validation` (CRC) request: `encryptedToken` is
 * hex(HMAC_SHA256(secret, plainToken)) (zoom.md §1.6). Only call this after the request's
 * signature verified; otherwise the endpoint becomes an HMAC oracle for arbitrary strings.
 */
export function computeCrcResponse(
  secret: string,
  plainToken: string,
): { plainToken: string; encryptedToken: string } {
  requireSecret(secret);
  return { plainToken, encryptedToken: hmacHex(secret, plainToken) };
}
