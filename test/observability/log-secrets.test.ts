/**
 * Tokens, codes and secrets never reach the log. Every kind of credential the service handles is
 * logged the ways careless code would log it — as a named field, nested in a response body, in a
 * URL, in an Error message, in a header, as free text, through `%j`, as a child binding — first
 * through the app's own logger (built by createApp from the config, only its destination swapped),
 * then through a real flow (HTTP requests carrying OAuth codes and a webhook download token, a
 * token refresh, a job that fails with a token in its error and alerts the admin chat).
 *
 * The same scenarios run against a plain, unredacted pino instance and must leak every kind: that
 * proves the scenarios really log each secret, so the assertion fails the day redaction breaks.
 */
import { randomBytes } from "node:crypto";
import type { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { describe, expect, it } from "vitest";
import { createTokenService } from "../../src/connect/token-service.js";
import { AppError } from "../../src/errors.js";
import type { Feature } from "../../src/features.js";
import { features } from "../../src/features.js";
import { enqueueJob } from "../../src/jobs/queue.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { type OpsHarness, startOpsHarness } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest } from "../support/each-test.js";

const rnd = (n = 18) => randomBytes(n).toString("base64url");

const ENV = {
  SUMMARY_API_URL: "http://127.0.0.1:9/v1/chat/completions",
  SUMMARY_API_KEY: `sk-${rnd()}`,
  TELEGRAM_WEBHOOK_URL: "https://zoomgram.example.com/telegram/webhook",
  TELEGRAM_WEBHOOK_SECRET: `tgsecret_${rnd(24)}`,
  ADMIN_CHAT_ID: "-100777",
};

type Secrets = Record<string, string>;

/** The credentials of one bench: configured secrets, fresh Zoom tokens, and OAuth values. */
async function collectSecrets(bench: OpsHarness): Promise<Secrets> {
  const { config } = bench.app.services;
  const user = bench.zoom.addUser({ email: "host@example.com" });
  const granted = bench.zoom.grantTokens(user.id);
  bench.zoom.addMeeting({
    uuid: "leak/Meeting==",
    hostUserId: user.id,
    topic: "Secrets",
    start_time: "2026-01-15T10:00:00Z",
    files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "not really audio" }],
  });
  const event = bench.zoom.buildEvent("recording.completed", "leak/Meeting==");
  const basic = Buffer.from(`${config.zoom.clientId}:${config.zoom.clientSecret}`).toString("base64");
  return {
    zoomAccessToken: granted.access_token,
    zoomRefreshToken: granted.refresh_token,
    downloadToken: event.download_token,
    oauthCode: rnd(),
    oauthState: rnd(24),
    codeVerifier: rnd(32),
    clientSecret: config.zoom.clientSecret,
    basicAuth: basic,
    webhookSecret: config.zoom.webhookSecret,
    stateSecret: config.stateSecret,
    encryptionKey: config.tokenEncryptionKeys[0] as string,
    botToken: config.telegram.botToken,
    telegramWebhookSecret: config.telegram.webhookSecret as string,
    summaryApiKey: config.summary.apiKey as string,
    storageSignature: rnd(40),
    cookie: rnd(),
  };
}

/** Logs every secret the ways careless code would. */
function logCarelessly(logger: Logger, s: Secrets): void {
  const tokenResponse = {
    access_token: s.zoomAccessToken,
    token_type: "bearer",
    refresh_token: s.zoomRefreshToken,
    expires_in: 3599,
  };
  logger.info({ response: { status: 200, body: tokenResponse } }, "token response");
  logger.debug(`refreshed: access ${s.zoomAccessToken} refresh ${s.zoomRefreshToken}`);
  logger.info("token response %j", tokenResponse);
  logger.child({ accessToken: s.zoomAccessToken }).info("child with a token binding");
  logger.error(new Error(`download with ${s.downloadToken} failed`));
  logger.warn({ event: { event: "recording.completed", download_token: s.downloadToken } }, "webhook");
  logger.info({ url: `https://zoom.us/rec/download/abc?access_token=${s.downloadToken}` }, "download url");
  logger.info({ headers: { authorization: `Bearer ${s.zoomAccessToken}` } }, "api request");
  logger.info(`GET /zoom/callback?code=${s.oauthCode}&state=${s.oauthState}`);
  logger.info({ query: { code: s.oauthCode, state: s.oauthState } }, "callback query");
  logger.info({ pkce: { code_verifier: s.codeVerifier } }, "pkce");
  logger.info({ headers: { Authorization: `Basic ${s.basicAuth}` } }, "token request");
  logger.info(`config: client secret ${s.clientSecret}, webhook secret ${s.webhookSecret}`);
  logger.info({ detail: `state secret is ${s.stateSecret}` }, "oops");
  logger.info({ keys: [s.encryptionKey] }, "keys");
  logger.error(
    { err: new Error(`POST https://api.telegram.org/bot${s.botToken}/sendAudio failed`) },
    "upload",
  );
  logger.info({ note: `the bot token ${s.botToken}` }, "free text");
  logger.info({ headers: { "x-telegram-bot-api-secret-token": s.telegramWebhookSecret } }, "update");
  logger.info({ secretToken: s.telegramWebhookSecret }, "setWebhook options");
  logger.info({ request: { headers: { authorization: `Bearer ${s.summaryApiKey}` } } }, "summary api");
  logger.info(`summary api key ${s.summaryApiKey}`);
  logger.info(
    { location: `https://ssrweb.zoom.us/file?Policy=${s.storageSignature}&Signature=${s.storageSignature}` },
    "redirect",
  );
  logger.info({ headers: { cookie: `session=${s.cookie}` } }, "browser");
}

/** The secrets (by kind) whose value appears anywhere in `text`. */
function leaks(text: string, secrets: Secrets): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => value.length > 0 && text.includes(value))
    .map(([kind]) => kind);
}

const plainPino = (destination: Writable): Logger => pino({ level: "trace" }, destination);

/** A real flow through the app: HTTP with codes and a signed webhook, a refresh, a dead job. */
async function runFlow(bench: OpsHarness, s: Secrets): Promise<void> {
  const { app, zoom, clock } = bench;
  const { config } = app.services;
  bench.tg.addChat({ id: -100777, type: "supergroup", title: "Operators" });
  const user = zoom.addUser({ email: "flow@example.com" });
  await bench.connect({ user, chatId: 4242 });

  await app.http.request(`/zoom/callback?code=${s.oauthCode}&state=${s.oauthState}`);
  await app.http.request(`/zoom/connect?state=${s.oauthState}`);
  const body = JSON.stringify({
    ...zoom.buildEvent("recording.completed", "leak/Meeting=="),
    download_token: s.downloadToken,
  });
  const ts = String(Math.floor(clock.now() / 1000));
  await app.http.request("/webhooks/zoom", {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "x-zm-request-timestamp": ts,
      "x-zm-signature": computeZoomSignature(config.zoom.webhookSecret, ts, body),
    },
  });
  await app.http.request("/telegram/webhook", {
    method: "POST",
    body: JSON.stringify({ update_id: 1 }),
    headers: {
      "content-type": "application/json",
      "x-telegram-bot-api-secret-token": s.telegramWebhookSecret ?? "",
    },
  });

  // A refresh (the fake Zoom mints new tokens; the bench records them), then a rejected one.
  const tokens = createTokenService(app.services, { sleep: async () => {} });
  await tokens.getAccessToken(user.id, { forceRefresh: true });
  zoom.inject("token", { kind: "invalid_grant" });
  await tokens.getAccessToken(user.id, { forceRefresh: true }).catch(() => undefined);

  // A job that dies with credentials in its error: the worker logs it and alerts the admin chat.
  await enqueueJob(
    app.services.db.kysely,
    { kind: "probe-leak", payload: { meetingUuid: "leak/Meeting==" }, maxAttempts: 1 },
    clock.now(),
  );
  await app.worker?.drain();
  await app.services.alerts.settle();
}

/** A job kind whose error carries a download token, an OAuth token and the bot's API URL. */
function probeFeature(s: Secrets): Feature {
  return {
    name: "probe-leak",
    build: () => ({
      jobs: {
        "probe-leak": {
          run: async () => {
            throw new AppError(
              "download.failed",
              `GET https://zoom.us/rec/download/x?access_token=${s.downloadToken} answered 401 to Bearer ${s.zoomAccessToken}; ` +
                `then https://api.telegram.org/bot${s.botToken}/sendMessage failed`,
            );
          },
        },
      },
    }),
  };
}

/**
 * Starts a bench (with `logger`, else the app's own) that has the probe-leak job, collects its
 * secrets and runs the real flow with them.
 */
async function benchAfterFlow(
  started: (bench: OpsHarness) => OpsHarness,
  logger?: typeof plainPino,
): Promise<{ bench: OpsHarness; secrets: Secrets }> {
  let secrets: Secrets = {};
  const bench = started(
    await startOpsHarness({
      env: ENV,
      ...(logger ? { logger } : {}),
      deps: {
        features: [
          ...features,
          probeFeature(new Proxy({}, { get: (_, k) => secrets[k as string] }) as Secrets),
        ],
      },
    }),
  );
  secrets = await collectSecrets(bench);
  await runFlow(bench, secrets);
  return { bench, secrets };
}

describe(`log secrets on ${TEST_DIALECT}`, () => {
  const closeAfterTest = closeAfterEachTest<OpsHarness>();

  it("the app's logger lets no token, code or secret through, however it is logged", async () => {
    const bench = closeAfterTest(await startOpsHarness({ env: ENV }));
    const secrets = await collectSecrets(bench);
    logCarelessly(bench.app.services.logger, secrets);
    logCarelessly(bench.app.services.logger.child({ component: "zoom.oauth" }), secrets);
    const text = bench.lines.join("");
    expect(bench.lines.length).toBeGreaterThanOrEqual(40);
    expect(leaks(text, secrets)).toEqual([]);
    // What was logged stays useful: messages and non-secret fields survive.
    expect(text).toContain('"msg":"token response"');
    expect(text).toContain('"expires_in":3599');
    expect(text).toContain("https://zoom.us/rec/download/abc?access_token=[redacted]");
  });

  it("control: an unredacted pino logs every one of those secrets (so the test above can fail)", async () => {
    const bench = closeAfterTest(await startOpsHarness({ env: ENV, logger: plainPino }));
    const secrets = await collectSecrets(bench);
    logCarelessly(bench.app.services.logger, secrets);
    expect(leaks(bench.lines.join(""), secrets).sort()).toEqual(Object.keys(secrets).sort());
  });

  it("a real flow — OAuth callback, signed webhook, Telegram webhook, refreshes, a dead job and its admin alert — logs no credential", async () => {
    const { bench, secrets } = await benchAfterFlow(closeAfterTest);
    const all = { ...secrets, ...Object.fromEntries(bench.issued().map((t, i) => [`issued#${i}`, t])) };
    expect(bench.issued().length).toBeGreaterThanOrEqual(4); // granted pairs plus the refreshed pair
    const text = bench.lines.join("");
    expect(leaks(text, all)).toEqual([]);
    // The flow really happened and was logged.
    expect(text).toContain('"msg":"request"');
    expect(text).toContain('"msg":"job is dead"');
    expect(text).toContain('"jobKind":"probe-leak"');
    // The admin alert reached Telegram, scrubbed too.
    const alert = bench.tg.sent.find((m) => m.chatId === -100777);
    expect(alert?.text).toContain("probe-leak");
    expect(leaks(alert?.text ?? "", all)).toEqual([]);
  });

  it("control: the same flow through an unredacted pino leaks", async () => {
    const { bench, secrets } = await benchAfterFlow(closeAfterTest, plainPino);
    expect(leaks(bench.lines.join(""), secrets)).toEqual(
      expect.arrayContaining(["downloadToken", "zoomAccessToken", "botToken"]),
    );
  });
});
