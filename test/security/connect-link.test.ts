import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CONNECT_LINK_CLOCK_SKEW_SECONDS,
  type ConnectLinkClaims,
  signConnectParams,
  verifyConnectParams,
} from "../../src/connect/connect-link.js";

const SECRET = "state-secret-with-at-least-32-characters!!";
const NOW = Date.parse("2026-03-01T12:00:00Z");
const NOW_S = NOW / 1000;
const claims: ConnectLinkClaims = {
  chatId: -1001234567890,
  userId: 42,
  expiresAt: NOW_S + 600,
  locale: "ru",
};

function signed(overrides: Partial<ConnectLinkClaims> = {}): URLSearchParams {
  return signConnectParams({ ...claims, ...overrides }, SECRET);
}

function withParam(params: URLSearchParams, name: string, value: string | null): URLSearchParams {
  const copy = new URLSearchParams(params);
  if (value === null) copy.delete(name);
  else copy.set(name, value);
  return copy;
}

describe("signConnectParams / verifyConnectParams", () => {
  it("round-trips through a real URL", () => {
    const url = new URL(`https://zoomgram.example/zoom/connect?${signed().toString()}`);
    expect([...url.searchParams.keys()]).toEqual(["c", "u", "e", "l", "sig"]);
    expect(url.searchParams.get("sig")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyConnectParams(url.searchParams, SECRET, NOW)).toEqual({
      ok: true,
      chatId: -1001234567890,
      userId: 42,
      expiresAt: NOW_S + 600,
      locale: "ru",
      linkId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
  });

  it("works without a locale and omits l", () => {
    const params = signConnectParams({ chatId: 7, userId: 7, expiresAt: NOW_S + 60 }, SECRET);
    expect(params.has("l")).toBe(false);
    expect(verifyConnectParams(params, SECRET, NOW)).toEqual({
      ok: true,
      chatId: 7,
      userId: 7,
      expiresAt: NOW_S + 60,
      linkId: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
  });

  it("accepts region and script tags", () => {
    for (const locale of ["pt-BR", "zh_Hans", "uk"]) {
      expect(verifyConnectParams(signed({ locale }), SECRET, NOW)).toMatchObject({ ok: true, locale });
    }
  });

  describe("tampering", () => {
    it.each([
      ["c", "-1009999999999"],
      ["c", "42"],
      ["u", "43"],
      ["e", String(NOW_S + 601)],
      ["l", "en"],
    ])("changing %s to %s breaks the signature", (name, value) => {
      expect(verifyConnectParams(withParam(signed(), name, value), SECRET, NOW)).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("removing or adding the locale breaks the signature", () => {
      expect(verifyConnectParams(withParam(signed(), "l", null), SECRET, NOW).ok).toBe(false);
      const noLocale = signed({ locale: undefined });
      expect(verifyConnectParams(withParam(noLocale, "l", "en"), SECRET, NOW)).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("refuses non-canonical spellings of the same numbers", () => {
      for (const [name, value] of [
        ["u", "042"],
        ["u", "+42"],
        ["u", "42.0"],
        ["e", `${NOW_S + 600}.0`],
        ["c", "-01001234567890"],
        ["c", " -1001234567890"],
      ] as const) {
        expect(verifyConnectParams(withParam(signed(), name, value), SECRET, NOW).ok).toBe(false);
      }
    });

    it("refuses every single-character change of the signature", () => {
      const params = signed();
      const sig = params.get("sig") ?? "";
      for (let i = 0; i < sig.length; i += 1) {
        const swapped = sig[i] === "A" ? "B" : "A";
        const forged = `${sig.slice(0, i)}${swapped}${sig.slice(i + 1)}`;
        expect(verifyConnectParams(withParam(params, "sig", forged), SECRET, NOW).ok).toBe(false);
      }
    });

    it.each([
      ["a signature from another secret", () => signConnectParams(claims, `${SECRET}x`).get("sig") ?? ""],
      ["an all-zero signature", () => "A".repeat(43)],
      ["a padded signature", () => `${signed().get("sig")}=`],
      ["a hex signature", () => "0".repeat(64)],
      ["a signature in the standard base64 alphabet", () => `${"+/".repeat(21)}A`],
      ["an empty signature", () => ""],
      [
        "a plain HMAC of the fields without the domain prefix",
        () =>
          createHmac("sha256", SECRET)
            .update(JSON.stringify([String(claims.chatId), "42", String(claims.expiresAt), "ru"]))
            .digest("base64url"),
      ],
    ])("refuses %s", (_label, forge) => {
      const forged = withParam(signed(), "sig", forge());
      expect(verifyConnectParams(forged, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    });

    it("refuses another spelling of the same signature bytes (base64url spare bits)", () => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const params = signed();
      const sig = params.get("sig") ?? "";
      const last = alphabet.indexOf(sig.slice(-1));
      const respelled = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
      expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(sig, "base64url"));
      expect(verifyConnectParams(withParam(params, "sig", respelled), SECRET, NOW)).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    });

    it("refuses a repeated parameter, even when the first copy is the signed one", () => {
      for (const name of ["c", "u", "e", "l", "sig"]) {
        const params = signed();
        params.append(name, params.get(name) ?? "x");
        expect(verifyConnectParams(params, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
      }
    });

    it("ignores unrelated extra parameters", () => {
      const params = signed();
      params.set("utm_source", "telegram");
      expect(verifyConnectParams(params, SECRET, NOW).ok).toBe(true);
    });
  });

  describe("missing", () => {
    it.each(["c", "u", "e", "sig"])("without %s", (name) => {
      expect(verifyConnectParams(withParam(signed(), name, null), SECRET, NOW)).toEqual({
        ok: false,
        reason: "missing",
      });
    });

    it.each([
      "",
      "telegram_chat_id=-1001234567890&telegram_user_id=42",
      "chat_id=1&user_id=2&expires=9999999999",
      "c=1&u=2&e=9999999999",
    ])("for the bare query %j", (query) => {
      expect(verifyConnectParams(new URLSearchParams(query), SECRET, NOW)).toEqual({
        ok: false,
        reason: "missing",
      });
    });
  });

  describe("expiry", () => {
    it("accepts a link until its last millisecond and refuses it from the expiry on", () => {
      const params = signed({ expiresAt: NOW_S + 60 });
      expect(verifyConnectParams(params, SECRET, NOW + 59_999).ok).toBe(true);
      expect(verifyConnectParams(params, SECRET, NOW + 60_000)).toEqual({ ok: false, reason: "expired" });
      expect(verifyConnectParams(params, SECRET, NOW + 86_400_000)).toEqual({ ok: false, reason: "expired" });
    });

    it("accepts exactly 15 minutes, and a little clock skew beyond it", () => {
      expect(verifyConnectParams(signed({ expiresAt: NOW_S + 900 }), SECRET, NOW).ok).toBe(true);
      const skewed = signed({ expiresAt: NOW_S + 900 + CONNECT_LINK_CLOCK_SKEW_SECONDS });
      expect(verifyConnectParams(skewed, SECRET, NOW).ok).toBe(true);
    });

    it.each([
      ["15 min + skew + 1 s", 900 + CONNECT_LINK_CLOCK_SKEW_SECONDS + 1],
      ["16 minutes", 16 * 60],
      ["a day", 86_400],
      ["forever", 9_999_999_999 - NOW_S],
    ])("refuses an expiry %s away as too_long", (_label, seconds) => {
      expect(verifyConnectParams(signed({ expiresAt: NOW_S + seconds }), SECRET, NOW)).toEqual({
        ok: false,
        reason: "too_long",
      });
    });

    it("reports a forged link as bad_signature, not expired", () => {
      const forged = withParam(signed({ expiresAt: NOW_S - 10 }), "u", "43");
      expect(verifyConnectParams(forged, SECRET, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    });
  });

  describe("signing refuses values that could not verify", () => {
    it.each<[string, Partial<ConnectLinkClaims>]>([
      ["a zero chat id", { chatId: 0 }],
      ["a fractional chat id", { chatId: 1.5 }],
      ["an unsafe chat id", { chatId: 2 ** 60 }],
      ["a negative user id", { userId: -1 }],
      ["a NaN user id", { userId: Number.NaN }],
      ["an expiry in milliseconds as a float", { expiresAt: NOW_S + 0.5 }],
      ["a negative expiry", { expiresAt: -1 }],
      ["an empty locale", { locale: "" }],
      ["a locale with separators", { locale: "en\n" }],
      ["a locale injection", { locale: 'en","x' }],
    ])("%s", (_label, overrides) => {
      expect(() => signed(overrides)).toThrow(RangeError);
    });

    it("and an empty secret, on both sides", () => {
      expect(() => signConnectParams(claims, "")).toThrow(TypeError);
      expect(() => verifyConnectParams(signed(), "", NOW)).toThrow(TypeError);
    });
  });
});
