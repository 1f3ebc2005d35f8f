/**
 * Bot API failures sorted into the few outcomes the delivery job acts on (issue #4 §6), and the
 * multipart file name grammY writes unquoted.
 */
import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { classifyTelegramError, uploadFileName } from "../../src/delivery/telegram-upload.js";
import { AppError } from "../../src/errors.js";

function grammy(error_code: number, description: string, parameters: Record<string, unknown> = {}) {
  return new GrammyError(
    "Call to 'sendAudio' failed!",
    { ok: false, error_code, description, parameters },
    "sendAudio",
    {},
  );
}

describe("classifyTelegramError", () => {
  it.each([
    [
      grammy(429, "Too Many Requests: retry after 37", { retry_after: 37 }),
      "telegram.rate_limited",
      true,
      37_000,
    ],
    [grammy(413, "Request Entity Too Large"), "telegram.too_large", false, undefined],
    [grammy(403, "Forbidden: bot was blocked by the user"), "telegram.chat_blocked", false, undefined],
    [grammy(403, "Forbidden: bot was kicked from the group chat"), "telegram.chat_blocked", false, undefined],
    [grammy(500, "Internal Server Error"), "telegram.unavailable", true, undefined],
    [grammy(502, "Bad Gateway"), "telegram.unavailable", true, undefined],
    [grammy(400, "Bad Request: message caption is too long"), "telegram.rejected", false, undefined],
  ])("%s → %s", (error, code, retryable, retryAfterMs) => {
    const classified = classifyTelegramError(error, "sendAudio");
    expect(classified).toBeInstanceOf(AppError);
    expect(classified).toMatchObject({ code, retryable, retryAfterMs });
  });

  it("reads migrate_to_chat_id from a 400", () => {
    const error = grammy(400, "Bad Request: group chat was upgraded to a supergroup chat", {
      migrate_to_chat_id: -1001234567890,
    });
    expect(classifyTelegramError(error, "sendAudio")).toMatchObject({
      code: "telegram.chat_migrated",
      details: expect.objectContaining({ migrateToChatId: -1001234567890 }),
    });
  });

  it("reads nginx's HTML 413 (grammY cannot parse it: an HttpError) on an upload as too large", () => {
    const invalidJson = Object.assign(
      new Error("invalid json response body at … reason: Unexpected token '<'"),
      {
        type: "invalid-json",
        name: "FetchError",
      },
    );
    const error = new HttpError("Network request for 'sendAudio' failed!", invalidJson);
    expect(classifyTelegramError(error, "sendAudio").code).toBe("telegram.too_large");
    expect(
      classifyTelegramError(new HttpError("x", new SyntaxError("Unexpected token <")), "sendDocument").code,
    ).toBe("telegram.too_large");
    // The same non-JSON answer to a text message is an outage, not a size problem.
    expect(classifyTelegramError(error, "sendMessage")).toMatchObject({
      code: "telegram.unavailable",
      retryable: true,
    });
  });

  it("treats network failures and timeouts as retryable outages", () => {
    const reset = new HttpError(
      "Network request for 'sendAudio' failed!",
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    );
    expect(classifyTelegramError(reset, "sendAudio")).toMatchObject({
      code: "telegram.unavailable",
      retryable: true,
    });
    expect(classifyTelegramError(new Error("boom"), "sendAudio")).toMatchObject({
      code: "telegram.unavailable",
      retryable: true,
    });
  });

  it("passes AppErrors through unchanged", () => {
    const error = new AppError("media.failed", "x");
    expect(classifyTelegramError(error, "sendAudio")).toBe(error);
  });
});

describe("uploadFileName", () => {
  it("keeps Unicode and the extension, and removes what would break an unquoted multipart name", () => {
    expect(uploadFileName("2026-03-01 Weekly sync — тест.m4a")).toBe("2026-03-01 Weekly sync — тест.m4a");
    expect(uploadFileName('a;b"c\\d\r\ne.m4a')).toBe("a_b_c_d__e.m4a");
    expect(uploadFileName("  ")).toBe("file");
  });
});
