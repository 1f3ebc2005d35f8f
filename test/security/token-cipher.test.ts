import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  createTokenCipher,
  parseEncryptionKeys,
  TokenCipherError,
  type TokenCipherErrorCode,
} from "../../src/security/token-cipher.js";

const keyBytes = (fill: number) => Buffer.alloc(32, fill);
const OLD = keyBytes(1).toString("base64");
const NEW = keyBytes(2).toString("base64");
const OTHER = keyBytes(3).toString("base64");
const idOf = (fill: number) => createHash("sha256").update(keyBytes(fill)).digest("hex").slice(0, 8);

const TOKEN = "eyJhbGciOiJIUzUxMiJ9.refresh-token-ünïcode-✓";

function expectCipherError(run: () => unknown, code: TokenCipherErrorCode): TokenCipherError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenCipherError);
    const typed = error as TokenCipherError;
    expect(typed.code).toBe(code);
    expect(typed.message).not.toContain(TOKEN);
    return typed;
  }
  throw new Error(`expected TokenCipherError ${code}`);
}

/** Flips one bit of one base64url character of part `index` of a ciphertext. */
function tamper(ciphertext: string, index: number): string {
  const parts = ciphertext.split(".");
  const bytes = Buffer.from(parts[index] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

describe("createTokenCipher", () => {
  it("round-trips, including an empty string and non-ASCII", () => {
    const cipher = createTokenCipher([NEW]);
    for (const plain of [TOKEN, "", "x".repeat(5_000)]) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it("writes v1.<keyId>.<iv>.<ciphertext>.<tag> in base64url, keyId = 8 hex of sha256(key)", () => {
    const cipher = createTokenCipher([NEW]);
    const ciphertext = cipher.encrypt(TOKEN);
    const [version, keyId, iv, body, tag, ...rest] = ciphertext.split(".");
    expect(rest).toEqual([]);
    expect(version).toBe("v1");
    expect(keyId).toBe(idOf(2));
    expect(cipher.keyIds).toEqual([idOf(2)]);
    expect(Buffer.from(iv ?? "", "base64url")).toHaveLength(12);
    expect(Buffer.from(tag ?? "", "base64url")).toHaveLength(16);
    expect(Buffer.from(body ?? "", "base64url")).toHaveLength(Buffer.byteLength(TOKEN));
    expect(ciphertext).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(ciphertext).not.toContain("refresh-token");
  });

  it("uses a fresh IV every time", () => {
    const cipher = createTokenCipher([NEW]);
    const ivs = new Set(Array.from({ length: 50 }, () => cipher.encrypt(TOKEN).split(".")[2]));
    expect(ivs.size).toBe(50);
  });

  describe("rotation", () => {
    const before = createTokenCipher([OLD]);
    const after = createTokenCipher([NEW, OLD]);

    it("decrypts with the old key and encrypts with the new one", () => {
      const stored = before.encrypt(TOKEN, "zoom-user-1");
      expect(after.isCurrent(stored)).toBe(false);
      expect(after.decrypt(stored, "zoom-user-1")).toBe(TOKEN);

      const rewritten = after.encrypt(after.decrypt(stored, "zoom-user-1"), "zoom-user-1");
      expect(after.isCurrent(rewritten)).toBe(true);
      expect(rewritten.split(".")[1]).toBe(idOf(2));
      expect(after.keyIds).toEqual([idOf(2), idOf(1)]);
    });

    it("refuses tokens of a retired key with unknown_key", () => {
      const retired = createTokenCipher([NEW]);
      expectCipherError(() => retired.decrypt(before.encrypt(TOKEN)), "unknown_key");
    });
  });

  it("refuses a ciphertext relabelled with another configured key's id", () => {
    const cipher = createTokenCipher([NEW, OLD]);
    const parts = cipher.encrypt(TOKEN).split(".");
    parts[1] = idOf(1);
    expectCipherError(() => cipher.decrypt(parts.join(".")), "authentication_failed");
  });

  it("refuses a ciphertext made with a different key that happens to be unknown", () => {
    expectCipherError(
      () => createTokenCipher([NEW]).decrypt(createTokenCipher([OTHER]).encrypt(TOKEN)),
      "unknown_key",
    );
  });

  it.each([
    [2, "IV"],
    [3, "ciphertext"],
    [4, "tag"],
  ])("detects tampering with part %i (%s)", (index) => {
    const cipher = createTokenCipher([NEW]);
    const error = expectCipherError(
      () => cipher.decrypt(tamper(cipher.encrypt(TOKEN), index)),
      "authentication_failed",
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("binds the ciphertext to its AAD", () => {
    const cipher = createTokenCipher([NEW]);
    const forUser1 = cipher.encrypt(TOKEN, "zoom-user-1");
    expect(cipher.decrypt(forUser1, "zoom-user-1")).toBe(TOKEN);
    expectCipherError(() => cipher.decrypt(forUser1, "zoom-user-2"), "authentication_failed");
    expectCipherError(() => cipher.decrypt(forUser1), "authentication_failed");
    expectCipherError(() => cipher.decrypt(cipher.encrypt(TOKEN), "zoom-user-1"), "authentication_failed");
    // No AAD and an empty AAD are the same binding.
    expect(cipher.decrypt(cipher.encrypt(TOKEN), "")).toBe(TOKEN);
  });

  it.each([
    "",
    "plaintext-token",
    "v1.abc",
    "v2.00000000.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA",
    "v1.ABCDEF12.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA",
    "v1.00000000.AAAA..AAAAAAAAAAAAAAAAAAAAAA", // IV too short
    "v1.00000000.AAAAAAAAAAAAAAAA..AAAAAAAA", // truncated tag
    "v1.00000000.AAAAAAAAAAAAAAAA.a+b/.AAAAAAAAAAAAAAAAAAAAAA", // not base64url
    "v1.00000000.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA.extra",
  ])("refuses malformed %j", (ciphertext) => {
    expectCipherError(() => createTokenCipher([NEW]).decrypt(ciphertext), "malformed");
  });

  it("refuses a truncated tag even with the right key id (no short-tag forgery)", () => {
    const cipher = createTokenCipher([NEW]);
    const parts = cipher.encrypt(TOKEN).split(".");
    parts[4] = Buffer.from(parts[4] ?? "", "base64url")
      .subarray(0, 4)
      .toString("base64url");
    expectCipherError(() => cipher.decrypt(parts.join(".")), "malformed");
  });

  it("reports isCurrent from the header only", () => {
    const cipher = createTokenCipher([NEW, OLD]);
    expect(cipher.isCurrent(cipher.encrypt(TOKEN))).toBe(true);
    expect(cipher.isCurrent(createTokenCipher([OLD]).encrypt(TOKEN))).toBe(false);
    expect(cipher.isCurrent("garbage")).toBe(false);
    expect(cipher.isCurrent(`v2.${idOf(2)}.a.b.c`)).toBe(false);
  });

  it("ignores a repeated key and refuses an invalid list", () => {
    expect(createTokenCipher([NEW, NEW, OLD]).keyIds).toEqual([idOf(2), idOf(1)]);
    expect(() => createTokenCipher([])).toThrow(TypeError);
    expect(() => createTokenCipher(["short"])).toThrow(TypeError);
  });

  it("keeps key material out of the thrown configuration error", () => {
    const badKey = Buffer.alloc(16, 9).toString("base64");
    expect(() => createTokenCipher([NEW, badKey])).toThrow(/key 2 of 2 decodes to 16 bytes/);
    try {
      createTokenCipher([NEW, badKey]);
    } catch (error) {
      expect(String(error)).not.toContain(badKey);
      expect(String(error)).not.toContain(NEW);
    }
  });
});

describe("parseEncryptionKeys", () => {
  it("accepts one key, a rotation list, padding-free and base64url keys, and spaces around commas", () => {
    const url = keyBytes(250).toString("base64url");
    expect(parseEncryptionKeys(NEW)).toEqual({ ok: true, keys: [NEW] });
    expect(parseEncryptionKeys(` ${NEW} , ${OLD} `)).toEqual({ ok: true, keys: [NEW, OLD] });
    expect(parseEncryptionKeys(NEW.replace(/=+$/, ""))).toEqual({ ok: true, keys: [NEW.replace(/=+$/, "")] });
    expect(parseEncryptionKeys(url)).toEqual({ ok: true, keys: [url] });
    // Both alphabets decode to the same key.
    expect(createTokenCipher([url]).keyIds).toEqual(
      createTokenCipher([keyBytes(250).toString("base64")]).keyIds,
    );
  });

  it.each([
    ["", /no key given/],
    ["   ", /no key given/],
    [`${NEW},`, /key 2 of 2 is empty/],
    [`${NEW},,${OLD}`, /key 2 of 3 is empty/],
    ["not base64!", /key 1 of 1 is not base64/],
    [`${NEW},${NEW.slice(0, 20)}`, /key 2 of 2 decodes to 15 bytes; expected 32/],
    [Buffer.alloc(33).toString("base64"), /decodes to 33 bytes/],
    [Buffer.alloc(16).toString("hex"), /decodes to 24 bytes/], // hex is not base64 of 32 bytes
  ])("refuses %j", (value, problem) => {
    const result = parseEncryptionKeys(value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toMatch(problem);
      if (value.trim() !== "") expect(result.problem).not.toContain(value.trim().split(",")[0] || "\u0000");
    }
  });
});
