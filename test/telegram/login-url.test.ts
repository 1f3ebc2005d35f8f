import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  telegramLoginHash,
  verifyTelegramLogin,
  withoutTelegramLogin,
} from "../../src/telegram/login-url.js";

const TOKEN = "123456:TEST-token";
const NOW = 1_800_000_000_000;

function signed(fields: Record<string, string>): URLSearchParams {
  const check = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("\n");
  const hash = createHmac("sha256", createHash("sha256").update(TOKEN).digest()).update(check).digest("hex");
  return new URLSearchParams({ c: "1", sig: "link", ...fields, hash });
}

describe("verifyTelegramLogin (Telegram: Checking authorization)", () => {
  const fields = { id: "42", first_name: "Ada", username: "ada", auth_date: String(NOW / 1000 - 60) };

  it("accepts Telegram's own fields and ignores the link's parameters", () => {
    const result = verifyTelegramLogin(signed(fields), TOKEN, NOW);
    expect(result).toEqual({
      ok: true,
      user: { id: 42, firstName: "Ada", username: "ada", authDate: NOW / 1000 - 60 },
    });
    expect(telegramLoginHash(TOKEN, fields)).toBe(signed(fields).get("hash"));
    expect(withoutTelegramLogin(signed(fields)).toString()).toBe("c=1&sig=link");
  });

  it("refuses a missing, altered, repeated, other-bot or stale identity", () => {
    expect(verifyTelegramLogin(new URLSearchParams({ c: "1" }), TOKEN, NOW)).toEqual({
      ok: false,
      reason: "missing",
    });
    const altered = signed(fields);
    altered.set("id", "43");
    expect(verifyTelegramLogin(altered, TOKEN, NOW)).toEqual({ ok: false, reason: "bad_hash" });
    const repeated = signed(fields);
    repeated.append("id", "43");
    expect(verifyTelegramLogin(repeated, TOKEN, NOW)).toEqual({ ok: false, reason: "missing" });
    expect(verifyTelegramLogin(signed(fields), "999:other", NOW)).toEqual({ ok: false, reason: "bad_hash" });
    const old = signed({ ...fields, auth_date: String(NOW / 1000 - 601) });
    expect(verifyTelegramLogin(old, TOKEN, NOW)).toEqual({ ok: false, reason: "stale" });
    const exactly = signed({ ...fields, auth_date: String(NOW / 1000 - 600) });
    expect(verifyTelegramLogin(exactly, TOKEN, NOW).ok).toBe(true);
    const future = signed({ ...fields, auth_date: String(NOW / 1000 + 120) });
    expect(verifyTelegramLogin(future, TOKEN, NOW)).toEqual({ ok: false, reason: "stale" });
  });
});
