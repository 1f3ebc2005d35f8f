/** Builds a real Config from literals (never from process.env), for tests. */
import { type Config, type Env, parseConfig } from "../../src/config.js";

export const TEST_ENV = {
  ZOOM_CLIENT_ID: "test-client-id",
  ZOOM_CLIENT_SECRET: "test-client-secret-value",
  ZOOM_REDIRECT: "http://127.0.0.1:3000/zoom/callback",
  ZOOM_WEBHOOK_SECRET: "test_webhook_secret_token",
  STATE_SECRET: "state-secret-state-secret-state-secret-0123",
  TELEGRAM_BOT_TOKEN: "123456:TEST-bot-token-abcdefghijklmnopqrstuv",
  TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  DATABASE_URL: "sqlite::memory:",
  LOG_LEVEL: "silent",
  METRICS_TOKEN: "test-metrics-token-0123456789abcdef",
} as const satisfies Env;

/** The header `GET /metrics` on the main port needs with {@link TEST_ENV} (issue #13, item 9). */
export const METRICS_AUTH = { authorization: `Bearer ${TEST_ENV.METRICS_TOKEN}` } as const;
/** Only the variables an operator must set (the CLI refuses to start without them). */
export const REQUIRED_TEST_ENV = {
  ZOOM_CLIENT_ID: TEST_ENV.ZOOM_CLIENT_ID,
  ZOOM_CLIENT_SECRET: TEST_ENV.ZOOM_CLIENT_SECRET,
  ZOOM_REDIRECT: TEST_ENV.ZOOM_REDIRECT,
  ZOOM_WEBHOOK_SECRET: TEST_ENV.ZOOM_WEBHOOK_SECRET,
  STATE_SECRET: TEST_ENV.STATE_SECRET,
  TELEGRAM_BOT_TOKEN: TEST_ENV.TELEGRAM_BOT_TOKEN,
  TOKEN_ENCRYPTION_KEY: TEST_ENV.TOKEN_ENCRYPTION_KEY,
} as const;

/**
 * In-process tests write the inbox on the main thread (SQLITE_WRITE_THREAD=false): a thread would
 * load the TypeScript sources through tsx again, seconds per test. Child processes run dist/ with
 * the production default (thread on), and test/db/write-thread.test.ts and the inbox tests turn
 * it on where they test it.
 */
export function testConfig(overrides: Env = {}): Config {
  const result = parseConfig({ ...TEST_ENV, SQLITE_WRITE_THREAD: "false", ...overrides });
  if (!result.ok) throw new Error(`test config invalid:\n${result.problems.join("\n")}`);
  return result.config;
}
