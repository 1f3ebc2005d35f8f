/**
 * Encryption of OAuth tokens at rest (CONTRACT `TOKEN_ENCRYPTION_KEY`): AES-256-GCM with a key
 * list for rotation. The first key encrypts, every key decrypts, and each ciphertext names its key
 * so decryption never has to guess:
 *
 *     v1.<keyId>.<iv>.<ciphertext>.<tag>      (base64url parts; keyId = 8 hex of sha256(key))
 *
 * An optional AAD (e.g. the Zoom user id of the row) binds a ciphertext to its owner, so a token
 * copied into another row fails to decrypt instead of silently authenticating someone else.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size; random per encryption
const TAG_BYTES = 16;
// Separates this use of the key from any other, and binds the ciphertext to its key id.
const AAD_PREFIX = "zoomgram/token-cipher/v1";

export type TokenCipherErrorCode = "malformed" | "unknown_key" | "authentication_failed";

/** A ciphertext that cannot be decrypted. The message never contains plaintext or ciphertext. */
export class TokenCipherError extends Error {
  readonly code: TokenCipherErrorCode;

  constructor(code: TokenCipherErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TokenCipherError";
    this.code = code;
  }
}

export interface TokenCipher {
  /** Ids of the configured keys, the encrypting one first. */
  readonly keyIds: readonly string[];
  /** Encrypts with the first key and a fresh random IV. */
  encrypt(plain: string, aad?: string): string;
  /** Decrypts with the key the ciphertext names; throws {@link TokenCipherError}. */
  decrypt(ciphertext: string, aad?: string): string;
  /** True when `ciphertext` was made with the first key; false means re-encrypt on next write. */
  isCurrent(ciphertext: string): boolean;
}

export type ParsedEncryptionKeys = { ok: true; keys: string[] } | { ok: false; problem: string };

const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const KEY_ID = /^[0-9a-f]{8}$/;

/**
 * Reads `TOKEN_ENCRYPTION_KEY`: comma-separated keys, each base64 (or base64url) of exactly 32
 * bytes, the first used for encryption. Problems name the key by position, never by value.
 */
export function parseEncryptionKeys(value: string): ParsedEncryptionKeys {
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.length === 1 && entries[0] === "") {
    return { ok: false, problem: "no key given; generate one with `openssl rand -base64 32`" };
  }
  for (const [index, entry] of entries.entries()) {
    const position = `key ${index + 1} of ${entries.length}`;
    if (entry === "") return { ok: false, problem: `${position} is empty` };
    if (!BASE64.test(entry)) return { ok: false, problem: `${position} is not base64` };
    const length = Buffer.from(entry, "base64").length;
    if (length !== KEY_BYTES) {
      return { ok: false, problem: `${position} decodes to ${length} bytes; expected ${KEY_BYTES}` };
    }
  }
  return { ok: true, keys: entries };
}

function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

function additionalData(keyId: string, aad: string | undefined): Buffer {
  // `undefined` and "" are the same AAD; callers that bind rows always pass a non-empty id.
  return Buffer.from(`${AAD_PREFIX}\0${keyId}\0${aad ?? ""}`, "utf8");
}

function decodePart(part: string, expectedBytes?: number): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return expectedBytes === undefined || bytes.length === expectedBytes ? bytes : undefined;
}

/**
 * Builds the cipher from the key list ({@link parseEncryptionKeys}'s `keys`). Throws a
 * `TypeError` on an invalid list: configuration is validated before this is called.
 */
export function createTokenCipher(keysBase64: readonly string[]): TokenCipher {
  const parsed = parseEncryptionKeys(keysBase64.join(","));
  if (!parsed.ok) throw new TypeError(`invalid token encryption keys: ${parsed.problem}`);

  const keys = new Map<string, Buffer>();
  for (const encoded of parsed.keys) {
    const key = Buffer.from(encoded, "base64");
    const id = keyIdOf(key);
    const known = keys.get(id);
    // A repeated key is harmless; two different keys with one id would make decryption ambiguous.
    if (known !== undefined && !known.equals(key))
      throw new TypeError(`two token encryption keys share id ${id}`);
    if (known === undefined) keys.set(id, key);
  }
  const keyIds = Object.freeze([...keys.keys()]);
  const currentId = keyIds[0] as string;
  const currentKey = keys.get(currentId) as Buffer;

  return {
    keyIds,

    encrypt(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", currentKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(currentId, aad));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        currentId,
        iv.toString("base64url"),
        body.toString("base64url"),
        tag.toString("base64url"),
      ].join(".");
    },

    decrypt(ciphertext, aad) {
      const parts = ciphertext.split(".");
      const [version, keyId = "", ivPart = "", bodyPart = "", tagPart = ""] = parts;
      if (parts.length !== 5 || version !== VERSION || !KEY_ID.test(keyId)) {
        throw new TokenCipherError("malformed", "token ciphertext is not in the v1 format");
      }
      const iv = decodePart(ivPart, IV_BYTES);
      const body = decodePart(bodyPart);
      const tag = decodePart(tagPart, TAG_BYTES);
      if (iv === undefined || body === undefined || tag === undefined) {
        throw new TokenCipherError("malformed", "token ciphertext has a malformed part");
      }
      const key = keys.get(keyId);
      if (key === undefined) {
        throw new TokenCipherError(
          "unknown_key",
          `token was encrypted with key ${keyId}, which is not configured`,
        );
      }
      // authTagLength pins the tag to 16 bytes: Node would otherwise accept truncated tags.
      const decipher = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, aad));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
      } catch (cause) {
        // The cause is OpenSSL's generic "Unsupported state or unable to authenticate data".
        throw new TokenCipherError(
          "authentication_failed",
          "token ciphertext failed authentication: tampered, or bound to another owner",
          { cause },
        );
      }
    },

    isCurrent(ciphertext) {
      const parts = ciphertext.split(".");
      return parts.length === 5 && parts[0] === VERSION && parts[1] === currentId;
    },
  };
}
