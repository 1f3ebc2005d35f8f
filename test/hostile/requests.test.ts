/**
 * Issue #9 §3: over ten thousand generated hostile requests across the five public endpoints —
 * `POST /webhooks/zoom`, `POST /webhooks/zoom/deauth`, `GET /zoom/connect`, `GET /zoom/callback`
 * and `POST /telegram/webhook` — sent in-process to the real app (createApp, app.http.request).
 *
 * For every request without a valid signature or link: no 5xx, the documented 4xx, no row of any
 * table changes (row counts after each request; a full snapshot after each endpoint), no job is
 * enqueued, and the fake Zoom and fake Telegram see nothing. Every body worth forging is one the
 * app would act on if it were signed (a connected host's recording, its deauthorization, a CRC
 * challenge, a pending OAuth state's nonce), and a positive control at the end shows the same
 * event, correctly signed, does change the database — so "nothing changed" means something.
 * Heap is measured after a warm-up and after the run (with a real GC) and must stay flat.
 *
 * Deterministic: a fixed fast-check seed (HOSTILE_SEED overrides it to explore).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeActivity, type Harness, rowCounts, snapshotDatabase, startHarness } from "../fault/harness.js";
import { pressedConnectQuery } from "../support/connect-link.js";
import {
  CLIENT_POOL_SIZE,
  clientIp,
  forgedZoomWebhook,
  type HostileRequest,
  hostileCallbackQuery,
  hostileConnectQuery,
  hostileTelegramUpdate,
  type Secrets,
  signedMalformedZoomWebhook,
} from "./arbitraries.js";

const SEED = Number(process.env.HOSTILE_SEED ?? 20260115);
const TG_SECRET = "hostile_tg_webhook_secret_0123456789";
const CHAT = 424242;
const TG_USER = 4242;

/**
 * A full collection, whether or not node was started with --expose-gc. Between passes it yields to
 * the event loop once: undici frees each Request's AbortSignal wiring from a FinalizationRegistry
 * callback, which only runs after a GC, in a later task.
 */
function collector(): () => Promise<void> {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  const run = gc;
  return async () => {
    for (let pass = 0; pass < 3; pass++) {
      run();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    run();
  };
}

let h: Harness;
let secrets: Secrets;
let forgeable: Record<string, unknown>[];
let pendingNonces: string[];
let baseline: Awaited<ReturnType<typeof snapshotDatabase>>;
let baselineCounts: Awaited<ReturnType<typeof rowCounts>>;
let baselineActivity: ReturnType<typeof fakeActivity>;
let heapBefore = 0;
let sentTotal = 0;
const gc = collector();

async function send(req: HostileRequest): Promise<{ status: number; text: string }> {
  const init: RequestInit = { method: req.method, headers: req.headers };
  if (req.body !== undefined && req.method !== "GET")
    init.body = req.body as NonNullable<RequestInit["body"]>;
  const res = await h.app.http.request(req.path, init, { incoming: { socket: { remoteAddress: req.ip } } });
  sentTotal++;
  return { status: res.status, text: await res.text() };
}

/** Sends one request and checks it changed nothing; returns its status. */
async function sendExpectingNoEffect(req: HostileRequest, allowed: readonly number[]): Promise<number> {
  const { status, text } = await send(req);
  if (status >= 500 || !allowed.includes(status)) {
    throw new Error(`${req.label}: HTTP ${status} (allowed ${allowed.join("/")}): ${text.slice(0, 200)}`);
  }
  const activity = fakeActivity(h);
  if (JSON.stringify(activity) !== JSON.stringify(baselineActivity)) {
    throw new Error(
      `${req.label}: the fakes saw traffic ${JSON.stringify(activity)} vs ${JSON.stringify(baselineActivity)}`,
    );
  }
  const counts = await rowCounts(h.db);
  if (JSON.stringify(counts) !== JSON.stringify(baselineCounts)) {
    throw new Error(
      `${req.label}: row counts changed ${JSON.stringify(counts)} vs ${JSON.stringify(baselineCounts)}`,
    );
  }
  return status;
}

async function expectDatabaseUnchanged(): Promise<void> {
  expect(await snapshotDatabase(h.db)).toEqual(baseline);
  expect(fakeActivity(h)).toEqual(baselineActivity);
}

// No shrinking: the state is shared, so after one request changed it every later one would fail too;
// the first failing request is the culprit.
const params = (numRuns: number) => ({ numRuns, seed: SEED, endOnFailure: true });

/** Sends `numRuns` requests drawn from `requests`: each answered with an `allowed` status, none changing anything. */
async function expectNoEffect(
  requests: fc.Arbitrary<HostileRequest>,
  allowed: readonly number[],
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(requests, async (req) => {
      await sendExpectingNoEffect(req, allowed);
    }),
    params(numRuns),
  );
  await expectDatabaseUnchanged();
}

beforeAll(async () => {
  h = await startHarness({
    keepLogs: false,
    env: {
      LOG_LEVEL: "warn",
      TELEGRAM_WEBHOOK_URL: "https://zoomgram.example.com/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    },
  });
  secrets = {
    webhookSecret: h.config.zoom.webhookSecret,
    stateSecret: h.config.stateSecret,
    telegramWebhookSecret: TG_SECRET,
  };
  // A connected host with a finished recording: everything a forger would like us to act on.
  const { user } = await h.connect({ chatId: CHAT, telegramUserId: TG_USER });
  h.zoom.addMeeting({
    uuid: "hostile/Meeting//uuid==",
    hostUserId: user.id,
    topic: "<b>Board</b> *meeting*",
    start_time: "2026-01-15T10:00:00Z",
    files: [
      { file_type: "M4A", recording_type: "audio_only", bytes: "m4a bytes" },
      { file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: "WEBVTT\n\n" },
    ],
  });
  forgeable = [
    h.zoom.buildEvent("recording.completed", "hostile/Meeting//uuid=="),
    h.zoom.buildEvent("recording.transcript_completed", "hostile/Meeting//uuid=="),
    h.zoom.buildSummaryCompletedEvent("hostile/Meeting//uuid==", "rivet"),
    h.zoom.buildDeauthorizationEvent(user.id, { revokeTokens: false }),
    {
      event: "endpoint.url_validation",
      payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" },
      event_ts: h.clock.now(),
    },
  ];
  // A pending OAuth state (someone opened a genuine link): forged callbacks aim at its nonce.
  const link = pressedConnectQuery(h.config, { chatId: CHAT, userId: TG_USER + 1, nowMs: h.clock.now() });
  const started = await h.app.http.request(
    `/zoom/connect?${link}`,
    {},
    { incoming: { socket: { remoteAddress: "10.0.0.1" } } },
  );
  expect(started.status).toBe(200);
  const pending = await h.db.kysely.selectFrom("oauth_states").select("nonce").execute();
  pendingNonces = pending.map((r) => r.nonce);
  expect(pendingNonces).toHaveLength(1);

  // Warm-up (the JIT compiles every path once, caches fill, and result pages make their one getMe
  // per process for the "Back to Telegram" button), then the baselines.
  const warmups: fc.Arbitrary<HostileRequest>[] = [
    forgedZoomWebhook(secrets, forgeable, () => h.clock.now()),
    signedMalformedZoomWebhook(secrets, forgeable, () => h.clock.now()),
    hostileConnectQuery(secrets, () => h.clock.now()),
    hostileCallbackQuery(secrets, () => h.clock.now(), pendingNonces),
    hostileTelegramUpdate(secrets, CHAT, TG_USER),
  ];
  for (const [i, arbitrary] of warmups.entries()) {
    for (const req of fc.sample(arbitrary, { numRuns: 300, seed: SEED + 1 + i })) {
      expect((await send(req)).status).toBeLessThan(500);
    }
  }
  expect(h.tg.calls.map((c) => c.method)).toEqual(["getMe"]);
  // Every client address once, so the per-client rate limiter already holds all its keys.
  for (let n = 0; n < CLIENT_POOL_SIZE; n++) {
    const res = await h.app.http.request(
      "/zoom/connect",
      {},
      { incoming: { socket: { remoteAddress: clientIp(n) } } },
    );
    expect(res.status).toBe(400);
  }

  baseline = await snapshotDatabase(h.db);
  baselineCounts = await rowCounts(h.db);
  baselineActivity = fakeActivity(h);
  await gc();
  heapBefore = process.memoryUsage().heapUsed;
  sentTotal = 0;
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe("hostile requests change nothing", () => {
  it("Zoom webhooks without a valid signature: 401, no rows, no jobs, no calls (3,000 requests)", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        forgedZoomWebhook(secrets, forgeable, () => h.clock.now()),
        async (req) => {
          seen.add(req.label.replace(/^.*\(/, "("));
          await sendExpectingNoEffect(req, [401]);
        },
      ),
      params(3000),
    );
    // Every forgery mode was tried.
    expect(seen.size).toBeGreaterThanOrEqual(10);
    await expectDatabaseUnchanged();
  }, 120_000);

  it("a forged CRC challenge is never answered (no HMAC oracle)", async () => {
    const crc = forgeable.find((e) => e.event === "endpoint.url_validation") as Record<string, unknown>;
    await fc.assert(
      fc.asyncProperty(
        forgedZoomWebhook(secrets, [crc], () => h.clock.now()),
        async (req) => {
          const { status, text } = await send(req);
          expect(status).toBe(401);
          expect(text).not.toContain("encryptedToken");
        },
      ),
      params(200),
    );
    await expectDatabaseUnchanged();
  }, 60_000);

  it("correctly signed bodies that are not valid events: 200 ignored or 400, and no rows (1,000 requests)", async () => {
    await expectNoEffect(
      signedMalformedZoomWebhook(secrets, forgeable, () => h.clock.now()),
      [200, 400],
      1000,
    );
  }, 120_000);

  it("/zoom/connect with tampered, expired, unsigned, unvouched or random links: 400, 403 or 429, no OAuth state (2,500 requests)", async () => {
    await expectNoEffect(
      hostileConnectQuery(secrets, () => h.clock.now()),
      [400, 403, 429],
      2500,
    );
  }, 120_000);

  it("/zoom/callback with forged, expired, replayed or random states: 400 or 429, no code exchange (2,500 requests)", async () => {
    await expectNoEffect(
      hostileCallbackQuery(secrets, () => h.clock.now(), pendingNonces),
      [400, 429],
      2500,
    );
    // The pending state survived every forgery aimed at its nonce.
    const pending = await h.db.kysely.selectFrom("oauth_states").select("nonce").execute();
    expect(pending.map((r) => r.nonce)).toEqual(pendingNonces);
  }, 120_000);

  it("/telegram/webhook without the secret header: 401, no rows, nothing sent (1,500 requests)", async () => {
    await expectNoEffect(hostileTelegramUpdate(secrets, CHAT, TG_USER), [401], 1500);
  }, 120_000);

  it("memory stays flat over the run", async () => {
    expect(sentTotal).toBeGreaterThanOrEqual(10_000);
    await gc();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    // Measured: 1.4 MB on SQLite, 1.8 MB on PostgreSQL, nearly all of it code the JIT compiled for
    // paths first taken during the run. A leak of 400 bytes per request would pass 4 MB.
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });

  it("positive control: the same event, correctly signed, is acted on", async () => {
    const res = await h.postZoomWebhook(forgeable[0] as Record<string, unknown>);
    expect(res.status).toBe(200);
    const after = await rowCounts(h.db);
    expect(after.webhook_events).toBe(baselineCounts.webhook_events + 1);
    expect(after.jobs).toBeGreaterThan(baselineCounts.jobs);
  });
});

describe("the Telegram webhook with the right secret but garbage bodies", () => {
  it("never answers 5xx (500 requests)", async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const { status, text } = await send({
          label: "telegram garbage",
          method: "POST",
          path: "/telegram/webhook",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG_SECRET },
          body: b,
          ip: "149.154.167.220",
        });
        if (status >= 500) throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
      }),
      params(500),
    );
  }, 60_000);
});
