/**
 * The composition root: Config in, wired service out ({ start(), stop() }). Roles decide what
 * runs in this process: `web` (HTTP + bot), `worker` (jobs + periodic sweeps), or both (`serve`).
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { type ServerType, serve } from "@hono/node-server";
import { type Bot, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { DestinationStream, Logger } from "pino";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { type Db, openDatabase, pingDatabase } from "./db/database.js";
import { migrateToLatest, pendingMigrations } from "./db/migrate.js";
import { failureCause } from "./delivery/failure.js";
import { createProgressBus } from "./delivery/progress.js";
import { describeError } from "./errors.js";
import { features as allFeatures } from "./features.js";
import { createHttpApp, type HttpApp } from "./http/create-http-app.js";
import { createTranslator } from "./i18n/translator.js";
import { createJobNotifier, type JobNotifier } from "./jobs/notifier.js";
import { createPgJobNotifier, type PgJobNotifier } from "./jobs/pg-notifier.js";
import { countJobsByState, oldestWaitingAgeMs } from "./jobs/queue.js";
import { Worker, type WorkerEvent } from "./jobs/worker.js";
import { createPeriodicRunner, type PeriodicRunner } from "./leases/periodic.js";
import { type FfmpegBinaries, locateFfmpeg } from "./media/ffmpeg-locator.js";
import { createAdminAlerts } from "./observability/admin-alerts.js";
import { withLogContext } from "./observability/log-context.js";
import { createLogger, scrubLine } from "./observability/logger.js";
import { createMetrics, type Metrics } from "./observability/metrics.js";
import { createTokenCipher } from "./security/token-cipher.js";
import type { Feature, Services } from "./services.js";
import { createBot } from "./telegram/bot.js";
import type { BotContext } from "./telegram/context.js";
import { negotiateLocale } from "./telegram/locale-negotiator.js";
import { createPollingHolder, type PollingHolder } from "./telegram/polling.js";

export interface AppRoles {
  web: boolean;
  worker: boolean;
}

export interface AppDeps {
  clock?: Clock;
  logger?: Logger;
  /** Where the app's own logger writes (tests read the lines); default stdout. */
  logDestination?: DestinationStream;
  fetch?: typeof fetch;
  random?: () => number;
  /** Skip getMe at start (tests). */
  botInfo?: UserFromGetMe;
  /** Override ffmpeg discovery (null = pretend none is installed). */
  ffmpeg?: FfmpegBinaries | null;
  features?: readonly Feature[];
  notifier?: JobNotifier;
  metrics?: Metrics;
  /** Polling lease timings (tests shorten them). */
  polling?: { leaseMs?: number; renewMs?: number };
  /** Disable the long-polling loop even in polling mode (tests drive updates directly). */
  disablePolling?: boolean;
  /** Disable periodic sweeps (tests run them by hand). */
  disablePeriodic?: boolean;
}

export interface App {
  readonly services: Services;
  readonly http: HttpApp;
  readonly bot: Bot<BotContext>;
  readonly worker: Worker | undefined;
  readonly periodic: PeriodicRunner;
  readonly polling: PollingHolder | undefined;
  /** Starts the roles; resolves with the bound HTTP port (web role). */
  start(): Promise<{ port: number | undefined }>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, roles: AppRoles, deps: AppDeps = {}): Promise<App> {
  const secrets = [
    config.zoom.clientSecret,
    config.zoom.webhookSecret,
    config.stateSecret,
    config.telegram.botToken,
    config.telegram.webhookSecret,
    config.summary.apiKey,
    ...config.tokenEncryptionKeys,
  ].filter((s): s is string => typeof s === "string");
  const logger =
    deps.logger ?? createLogger({ level: config.logLevel, secrets, destination: deps.logDestination });
  const clock = deps.clock ?? systemClock;
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  const db: Db = await openDatabase(config.database.url, {
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
    connectRetries: config.database.connectRetries,
    onConnectRetry: (attempt, error) =>
      logger.warn({ attempt, err: describeError(error) }, "database not reachable yet; retrying"),
  });
  const migrated = await migrateToLatest(db);
  if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, "migrations applied");

  const metrics = deps.metrics ?? createMetrics();
  // On PostgreSQL, enqueues in one process wake workers in every other one (LISTEN/NOTIFY).
  const pgNotifier: PgJobNotifier | undefined =
    !deps.notifier && db.dialect === "postgres"
      ? createPgJobNotifier(db, config.database.url, logger.child({ component: "jobs.notify" }))
      : undefined;
  const notifier: JobNotifier = deps.notifier ?? pgNotifier ?? createJobNotifier();
  const translator = createTranslator<BotContext>({
    onWarning: (message) => logger.warn({ i18n: message }, "translation problem"),
    localeNegotiator: (ctx) => negotiateLocale(db.kysely, ctx),
  });
  const ffmpeg =
    deps.ffmpeg !== undefined
      ? deps.ffmpeg
      : await locateFfmpeg({ configuredPath: config.media.ffmpegPath, searchPath: config.media.systemPath });
  if (!ffmpeg) logger.warn("no ffmpeg found: large recordings will be sent as links");

  const features = deps.features ?? allFeatures;
  // The bot is created before services so services.telegram is the bot's own api.
  const composers: NonNullable<ReturnType<NonNullable<Feature["composer"]>>>[] = [];
  const bot = createBot({
    token: config.telegram.botToken,
    apiRoot: config.telegram.apiRoot,
    translator,
    logger: logger.child({ component: "telegram.bot" }),
    composers,
    botInfo: deps.botInfo,
  });

  const alerts = createAdminAlerts({
    adminChatId: config.telegram.adminChatId,
    db,
    clock,
    logger: logger.child({ component: "admin-alerts" }),
    translator,
    send: (chatId, text) => bot.api.sendMessage(chatId, text),
    redact: (text) => scrubLine(text, secrets),
  });
  const services: Services = {
    config,
    db,
    clock,
    logger,
    metrics,
    fetch: deps.fetch ?? globalThis.fetch,
    random: deps.random ?? Math.random,
    cipher: createTokenCipher(config.tokenEncryptionKeys),
    notifier,
    translator,
    telegram: bot.api,
    ffmpeg,
    progress: createProgressBus((error) =>
      logger.warn({ err: describeError(error) }, "progress listener failed"),
    ),
    instanceId,
    alerts,
  };
  // Lines logged while an update is handled carry its id and chat (and, in webhook mode, the
  // HTTP request id the access log put in the context).
  bot.use((ctx, next) => withLogContext({ updateId: ctx.update.update_id, chatId: ctx.chat?.id }, next));
  // Long polling counts each update here; in webhook mode the /telegram/webhook route counts them.
  if (config.telegram.webhookUrl === undefined) {
    bot.use((_ctx, next) => {
      metrics.telegramUpdates.inc({ mode: "polling" });
      return next();
    });
  }
  for (const feature of features) {
    const composer = feature.composer?.(services);
    if (composer) bot.use(composer);
  }

  const webhookMode = config.telegram.webhookUrl !== undefined;
  const http = createHttpApp({
    logger: logger.child({ component: "http" }),
    metrics,
    ready: async () => (await pingDatabase(db)) && (await pendingMigrations(db)).length === 0,
    beforeScrape: async () => {
      const counts = await countJobsByState(db.kysely);
      for (const [state, n] of Object.entries(counts)) metrics.jobs.set({ state }, n);
      metrics.oldestWaitingJobSeconds.set((await oldestWaitingAgeMs(db.kysely, clock.now())) / 1000);
    },
    routes: [
      ...features.filter((f) => f.routes).map((f) => (app: HttpApp) => f.routes?.(app, services)),
      (app) => {
        if (!webhookMode) return;
        const handle = webhookCallback(bot, "hono", {
          secretToken: config.telegram.webhookSecret,
          onTimeout: "return",
        });
        app.post("/telegram/webhook", async (c) => {
          metrics.telegramUpdates.inc({ mode: "webhook" });
          try {
            return await handle(c);
          } catch (error) {
            // grammY checked the secret, then choked on a body that is no update (not JSON,
            // `null`): that is a 400. Handler errors end in bot.catch and never get here, so
            // anything else (getMe failing at init) stays a 5xx and Telegram will retry.
            const body: unknown = await c.req.json().catch(() => undefined);
            if (
              typeof body === "object" &&
              body !== null &&
              typeof (body as { update_id?: unknown }).update_id === "number"
            )
              throw error;
            return c.json({ error: "http.bad_request", message: "body is not a Telegram update" }, 400);
          }
        });
      },
    ],
  });

  const worker = roles.worker
    ? new Worker({
        db,
        clock,
        logger: logger.child({ component: "jobs" }),
        handlers: Object.assign({}, ...features.map((f) => f.jobs?.(services) ?? {})),
        workerId: instanceId,
        concurrency: config.jobs.concurrency,
        leaseMs: config.jobs.leaseSeconds * 1000,
        pollIntervalMs: config.jobs.pollIntervalMs,
        timeoutMs: config.jobs.timeoutSeconds * 1000,
        notifier,
        onEvent: (event) => observeJob(metrics, event),
        onDead: (job, error) => alerts.jobDead(job, error),
      })
    : undefined;

  const periodic = createPeriodicRunner({
    db,
    clock,
    logger: logger.child({ component: "periodic" }),
    holder: instanceId,
    tasks: roles.worker ? features.flatMap((f) => f.periodic?.(services) ?? []) : [],
  });

  const polling =
    roles.web && !webhookMode && !deps.disablePolling
      ? createPollingHolder({
          bot,
          db,
          clock,
          logger: logger.child({ component: "telegram.polling" }),
          holder: instanceId,
          leaseMs: config.telegram.pollingLeaseSeconds * 1000,
          renewMs: Math.max(500, (config.telegram.pollingLeaseSeconds * 1000) / 4),
          ...deps.polling,
        })
      : undefined;

  let server: ServerType | undefined;
  let started = false;

  return {
    services,
    http,
    bot,
    worker,
    periodic,
    polling,
    async start() {
      started = true;
      let port: number | undefined;
      if (roles.web) {
        server = await new Promise<ServerType>((resolve) => {
          const s = serve({ fetch: http.fetch, hostname: config.http.host, port: config.http.port }, () =>
            resolve(s),
          );
        });
        port = (server.address() as AddressInfo).port;
        logger.info({ host: config.http.host, port }, "HTTP server listening");
        for (const feature of features) {
          feature
            .onWebStart?.(services)
            .catch((error) =>
              logger.warn({ feature: feature.name, err: describeError(error) }, "start-up task failed"),
            );
        }
        if (webhookMode && config.telegram.webhookUrl) {
          bot.api
            .setWebhook(config.telegram.webhookUrl, {
              secret_token: config.telegram.webhookSecret,
              allowed_updates: ["message", "callback_query", "my_chat_member"],
            })
            .catch((error) => logger.error({ err: describeError(error) }, "setWebhook failed"));
        }
        polling?.start();
      }
      if (worker) {
        await pgNotifier?.listen();
        worker.start();
        if (!deps.disablePeriodic) periodic.start();
      }
      return { port };
    },
    async stop() {
      if (started) {
        await polling?.stop();
        if (server) {
          const s = server;
          await new Promise<void>((resolve) => s.close(() => resolve()));
          if ("closeAllConnections" in s) (s as { closeAllConnections(): void }).closeAllConnections();
        }
        await periodic.stop();
        await worker?.stop();
        await alerts.settle();
      }
      await pgNotifier?.close();
      await db.close();
    },
  };
}

function observeJob(metrics: Metrics, event: WorkerEvent): void {
  if (event.type === "completed") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "completed" }, event.durationMs / 1000);
  } else if (event.type === "retry") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "retry" }, event.durationMs / 1000);
    countFailure(metrics, event.job.kind, event.error);
  } else if (event.type === "dead") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "dead" }, 0);
    countFailure(metrics, event.job.kind, event.error);
  }
}

/** Job kinds whose handler counts its own failures (with causes the worker cannot see, like 413 rungs). */
const COUNTS_OWN_FAILURES = new Set(["deliver-recording"]);

function countFailure(metrics: Metrics, kind: string, error: unknown): void {
  if (COUNTS_OWN_FAILURES.has(kind)) return;
  metrics.jobFailures.inc({ kind, cause: failureCause(error) });
}
