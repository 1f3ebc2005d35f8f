import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { TEST_ENV } from "../support/config.js";

describe("parseConfig", () => {
  it("accepts the required variables and applies every default", () => {
    const result = parseConfig({
      ...TEST_ENV,
      DATABASE_URL: undefined,
      LOG_LEVEL: undefined,
      METRICS_TOKEN: undefined,
      PATH: "/usr/bin",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.database.url).toBe("sqlite:./data/zoomgram.db");
    expect(c.http).toEqual({ host: "0.0.0.0", port: 3000, publicUrl: "http://127.0.0.1:3000" });
    expect(c.zoom.oauthBaseUrl).toBe("https://zoom.us");
    expect(c.zoom.apiBaseUrl).toBe("https://api.zoom.us/v2");
    expect(c.zoom.downloadHosts).toEqual(["zoom.us", "*.zoom.us", "zoomgov.com", "*.zoomgov.com"]);
    expect(c.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(c.telegram.uploadLimitMb).toBe(50);
    expect(c.telegram.webhookUrl).toBeUndefined();
    expect(c.media.maxRecordingMb).toBe(4096);
    expect(c.media.ttlHours).toBe(24);
    expect(c.media.dir).toMatch(/zoomgram$/);
    expect(c.media.systemPath).toBe("/usr/bin");
    expect(c.logLevel).toBe("info");
    expect(c.metrics).toEqual({ port: undefined, host: "127.0.0.1", token: undefined });
    expect(c.retentionDays).toBe(30);
    expect(c.zoom.trashAfterDelivery).toBe(false);
    expect(c.zoom.timeouts).toEqual({ connectMs: 10_000, headersMs: 30_000, idleMs: 60_000 });
    expect(c.stt).toEqual({ apiUrl: undefined, apiKey: undefined, model: "whisper-1", waitMinutes: 10 });
    expect(c.tokenEncryptionKeys).toHaveLength(1);
    expect(Object.isFrozen(c.zoom)).toBe(true);
  });

  it("reads ZOOM_TRASH_AFTER_DELIVERY as a boolean and names a bad value", () => {
    for (const [value, expected] of [
      ["true", true],
      ["1", true],
      ["YES", true],
      ["false", false],
      ["off", false],
    ] as const) {
      const result = parseConfig({ ...TEST_ENV, ZOOM_TRASH_AFTER_DELIVERY: value });
      expect(result.ok && result.config.zoom.trashAfterDelivery).toBe(expected);
    }
    const bad = parseConfig({ ...TEST_ENV, ZOOM_TRASH_AFTER_DELIVERY: "sometimes" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems).toEqual([
      "ZOOM_TRASH_AFTER_DELIVERY: must be true or false (also accepted: 1/0, yes/no, on/off)",
    ]);
  });

  it("reads the Zoom connect, response-header and idle timeouts", () => {
    const result = parseConfig({
      ...TEST_ENV,
      ZOOM_CONNECT_TIMEOUT_MS: "2500",
      ZOOM_HEADERS_TIMEOUT_MS: "15000",
      ZOOM_IDLE_TIMEOUT_MS: "90000",
    });
    expect(result.ok && result.config.zoom.timeouts).toEqual({
      connectMs: 2500,
      headersMs: 15_000,
      idleMs: 90_000,
    });
  });

  it("names every missing required variable on its own line", () => {
    const result = parseConfig({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const name of [
      "ZOOM_CLIENT_ID",
      "ZOOM_CLIENT_SECRET",
      "ZOOM_REDIRECT",
      "ZOOM_WEBHOOK_SECRET",
      "STATE_SECRET",
      "TELEGRAM_BOT_TOKEN",
      "TOKEN_ENCRYPTION_KEY",
    ]) {
      expect(result.problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
  });

  it("reads the speech-to-text settings", () => {
    const result = parseConfig({
      ...TEST_ENV,
      STT_API_URL: "http://speaches:8000/v1",
      STT_API_KEY: "sk-local",
      STT_MODEL: "Systran/faster-whisper-small",
      STT_WAIT_MINUTES: "0",
    });
    expect(result.ok && result.config.stt).toEqual({
      apiUrl: "http://speaches:8000/v1",
      apiKey: "sk-local",
      model: "Systran/faster-whisper-small",
      waitMinutes: 0,
    });
  });

  it("treats an empty value as unset", () => {
    const result = parseConfig({ ...TEST_ENV, ZOOM_CLIENT_ID: "  " });
    expect(result.ok === false && result.problems).toEqual(["ZOOM_CLIENT_ID: is required"]);
  });

  it.each([
    ["ZOOM_REDIRECT", "not a url", "ZOOM_REDIRECT: must be an http(s) URL"],
    ["STATE_SECRET", "short", "STATE_SECRET: must be at least 32 characters"],
    ["TELEGRAM_BOT_TOKEN", "nonsense", "TELEGRAM_BOT_TOKEN: must look like"],
    ["TOKEN_ENCRYPTION_KEY", "c2hvcnQ=", "TOKEN_ENCRYPTION_KEY: key 1 of 1 decodes to 5 bytes; expected 32"],
    ["PORT", "http", "PORT: must be a whole number"],
    ["PORT", "70000", "PORT: must be between 0 and 65535"],
    ["DATABASE_URL", "mysql://x", "DATABASE_URL: must be sqlite:PATH or postgres://"],
    ["TELEGRAM_UPLOAD_LIMIT_MB", "0", "TELEGRAM_UPLOAD_LIMIT_MB: must be between 1 and 2000"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL:"],
    ["ADMIN_CHAT_ID", "@admins", "ADMIN_CHAT_ID: must be a numeric Telegram chat id"],
    ["TELEGRAM_WEBHOOK_SECRET", "has spaces", "TELEGRAM_WEBHOOK_SECRET: must be 32-256 characters"],
    ["TELEGRAM_WEBHOOK_SECRET", "hook_secret_123", "TELEGRAM_WEBHOOK_SECRET: must be at least 32 characters"],
    ["TELEGRAM_WEBHOOK_SECRET", "a".repeat(257), "TELEGRAM_WEBHOOK_SECRET: must be at most 256 characters"],
    ["METRICS_TOKEN", "short", "METRICS_TOKEN: must be at least 32 characters"],
    ["METRICS_PORT", "port", "METRICS_PORT: must be a whole number"],
    ["RETENTION_DAYS", "0", "RETENTION_DAYS: must be between 1 and 3650"],
    ["STT_API_URL", "speaches:8000", "STT_API_URL: must be an http(s) URL"],
    ["STT_WAIT_MINUTES", "soon", "STT_WAIT_MINUTES: must be a whole number"],
    ["STT_WAIT_MINUTES", "99999", "STT_WAIT_MINUTES: must be between 0 and 10080"],
    ["ZOOM_CONNECT_TIMEOUT_MS", "0", "ZOOM_CONNECT_TIMEOUT_MS: must be between 1 and 600000"],
    ["ZOOM_HEADERS_TIMEOUT_MS", "30s", "ZOOM_HEADERS_TIMEOUT_MS: must be a whole number"],
    ["ZOOM_IDLE_TIMEOUT_MS", "3600001", "ZOOM_IDLE_TIMEOUT_MS: must be between 1 and 3600000"],
  ])("rejects %s=%s", (name, value, expected) => {
    const result = parseConfig({ ...TEST_ENV, [name]: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(expected);
  });

  it("requires a webhook secret with a webhook URL", () => {
    const result = parseConfig({
      ...TEST_ENV,
      TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram/webhook",
    });
    expect(result.ok === false && result.problems).toEqual([
      "TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_WEBHOOK_URL is set",
    ]);
  });

  it("accepts a 32-character webhook secret of Telegram's characters", () => {
    const secret = "Ab0_-".repeat(6).concat("xy");
    expect(secret).toHaveLength(32);
    const result = parseConfig({ ...TEST_ENV, TELEGRAM_WEBHOOK_SECRET: secret });
    expect(result.ok && result.config.telegram.webhookSecret).toBe(secret);
  });

  it("derives PUBLIC_URL from ZOOM_REDIRECT unless given, and strips trailing slashes", () => {
    const a = parseConfig({ ...TEST_ENV, ZOOM_REDIRECT: "https://api.example.com/zoom/callback" });
    expect(a.ok && a.config.http.publicUrl).toBe("https://api.example.com");
    const b = parseConfig({
      ...TEST_ENV,
      PUBLIC_URL: "https://bot.example.com/",
      TELEGRAM_API_ROOT: "http://localhost:8081/",
    });
    expect(b.ok && b.config.http.publicUrl).toBe("https://bot.example.com");
    expect(b.ok && b.config.telegram.apiRoot).toBe("http://localhost:8081");
  });

  it("accepts a key rotation list and names a bad key by position, never by value", () => {
    const k1 = Buffer.alloc(32, 1).toString("base64");
    const k2 = Buffer.alloc(32, 2).toString("base64");
    const ok = parseConfig({ ...TEST_ENV, TOKEN_ENCRYPTION_KEY: `${k1}, ${k2}` });
    expect(ok.ok && ok.config.tokenEncryptionKeys).toEqual([k1, k2]);
    const bad = parseConfig({ ...TEST_ENV, TOKEN_ENCRYPTION_KEY: `${k1},bm9wZQ==` });
    expect(bad.ok === false && bad.problems).toEqual([
      "TOKEN_ENCRYPTION_KEY: key 2 of 2 decodes to 4 bytes; expected 32",
    ]);
  });
});
