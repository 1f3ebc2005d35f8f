/**
 * The composition root: Config in, wired service out ({ start(), stop() }). Roles decide what
 * runs in this process: `web` (HTTP + bot), `worker` (jobs + periodic sweeps), or both (`serve`).
 * It builds the infrastructure once (database, notifier, bot, Zoom client, token service), builds
 * each feature once from it (src/features.ts), and installs what the features return.
 *
 * Role-specific pieces are imported lazily (`await import`): a `worker` process never loads the
 * HTTP stack (hono, @hono/node-server) or the long-polling runner (@grammyjs/runner), which keeps
 * its memory and start-up to what it uses (test/cli/role-modules.test.ts checks it).
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import type { ServerType } from "@hono/node-server";
import type { Bot } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { DestinationStream, Logger } from "pino";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { createConnectExtensions } from "./connect/connect-services.js";
import { createTokenService } from "./connect/token-service.js";
import { type Db, openDatabase, pingDatabase } from "./db/database.js";
import { migrateToLatest, pendingMigrations } from "./db/migrate.js";
import { createProgressBus } from "./delivery/progress.js";
import { describeError } from "./errors.js";
import { type AppServices, features as allFeatures, type Feature } from "./features.js";
import type { HttpApp } from "./http/create-http-app.js";
import { createTranslator } from "./i18n/translator.js";
import { createJobNotifier, type JobNotifier } from "./jobs/notifier.js";
import { createPgJobNotifier, type PgJobNotifier } from "./jobs/pg-notifier.js";
import { countJobsByState, oldestWaitingAgeMs } from "./jobs/queue.js";
import { type JobHandler, type JobHandlers, Worker, type WorkerEvent } from "./jobs/worker.js";
import { createPeriodicRunner, type PeriodicRunner } from "./leases/periodic.js";
import { type FfmpegBinaries, locateFfmpeg } from "./media/ffmpeg-locator.js";
import { createAdminAlerts } from "./observability/admin-alerts.js";
import { failureCause } from "./observability/failure-cause.js";
import { withLogContext } from "./observability/log-context.js";
import { createLogger, scrubLine } from "./observability/logger.js";
import { createMetrics, type Metrics } from "./observability/metrics.js";
import { createTokenCipher } from "./security/token-cipher.js";
import type { FeatureParts } from "./services.js";
import { createBot } from "./telegram/bot.js";
import { registerBotCommands } from "./telegram/bot-commands.js";
import type { BotContext } from "./telegram/context.js";
import { negotiateLocale } from "./telegram/locale-negotiator.js";
import type { PollingHolder } from "./telegram/polling.js";
import { createZoomApi } from "./zoom/zoom-api.js";

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
  readonly services: AppServices;
  /** The HTTP app (web role only; reading it in another role throws). */
  readonly http: HttpApp;
  readonly bot: Bot<BotContext>;
  readonly worker: Worker | undefined;
  readonly periodic: PeriodicRunner;
  readonly polling: PollingHolder | undefined;
  /** Registers the features' bot commands (setMyCommands); `start()` does it in the web role. */
  registerCommands(): Promise<void>;
  /** Starts the roles; resolves with the bound HTTP port (web role). */
  /** `metricsPort`: the METRICS_PORT listener's port, when one was configured. */
  start(): Promise<{ port: number | undefined; metricsPort?: number | undefined }>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, roles: AppRoles, deps: AppDeps = {}): Promise<App> {
  const secrets = configSecrets(config);
  const logger =
    deps.logger ?? createLogger({ level: config.logLevel, secrets, destination: deps.logDestination });
  const clock = deps.clock ?? systemClock;
  const instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const db = await openAndMigrate(config, logger);
  const pgNotifier = createCrossProcessNotifier(config, db, logger, deps);
  const { app: services, bot } = await buildServices(
    config,
    { db, logger, clock, instanceId, secrets, pgNotifier },
    deps,
  );
  const parts = (deps.features ?? allFeatures).map((feature) => ({
    name: feature.name,
    ...feature.build(services),
  }));
  installComposers(bot, parts, services);
  const webhookMode = config.telegram.webhookUrl !== undefined;
  const pieces: AppPieces = {
    config,
    deps,
    services,
    bot,
    parts,
    pgNotifier,
    http: roles.web ? await buildHttp(config, services, bot, parts) : undefined,
    worker: roles.worker ? buildWorker(config, services, parts) : undefined,
    periodic: createPeriodicRunner({
      db,
      clock,
      logger: logger.child({ component: "periodic" }),
      holder: instanceId,
      tasks: roles.worker ? parts.flatMap((p) => p.periodic ?? []) : [],
    }),
    polling:
      roles.web && !webhookMode && !deps.disablePolling
        ? await buildPolling(config, services, bot, deps)
        : undefined,
    registerCommands: () => registerBotCommands(bot.api, services.translator, menuOf(parts)),
  };
  return assembleApp(pieces);
}

/** Everything createApp built, before it is started. */
interface AppPieces {
  readonly config: Config;
  readonly deps: AppDeps;
  readonly services: AppServices;
  readonly bot: Bot<BotContext>;
  readonly parts: readonly BuiltFeature[];
  readonly pgNotifier: PgJobNotifier | undefined;
  readonly http: HttpApp | undefined;
  readonly worker: Worker | undefined;
  readonly periodic: PeriodicRunner;
  readonly polling: PollingHolder | undefined;
  registerCommands(): Promise<void>;
}

/** The app's one start and one stop: web role (server, start-up tasks, updates), worker role, then close. */
function assembleApp(pieces: AppPieces): App {
  const { services, http, worker, periodic, polling, pgNotifier, deps } = pieces;
  let server: ServerType | undefined;
  let metricsServer: ServerType | undefined;
  let started = false;
  return {
    services,
    get http(): HttpApp {
      if (!http) throw new Error("this app runs without the web role: it has no HTTP app");
      return http;
    },
    bot: pieces.bot,
    worker,
    periodic,
    polling,
    registerCommands: pieces.registerCommands,
    async start() {
      started = true;
      let port: number | undefined;
      let metricsPort: number | undefined;
      if (http) {
        const at = { host: pieces.config.http.host, port: pieces.config.http.port };
        server = await listen(http, at, services.logger);
        port = (server.address() as AddressInfo).port;
        services.logger.info({ host: pieces.config.http.host, port }, "HTTP server listening");
        metricsServer = await listenForMetrics(pieces);
        if (metricsServer) {
          metricsPort = (metricsServer.address() as AddressInfo).port;
          services.logger.info(
            { host: pieces.config.metrics.host, port: metricsPort },
            "metrics listener listening",
          );
        }
        startWebTasks(pieces);
      }
      if (worker) {
        await pgNotifier?.listen();
        worker.start();
        if (!deps.disablePeriodic) periodic.start();
      }
      return { port, metricsPort };
    },
    async stop() {
      if (started) {
        await polling?.stop();
        if (server) await closeServer(server);
        if (metricsServer) await closeServer(metricsServer);
        await periodic.stop();
        await worker?.stop();
        await services.alerts.settle();
      }
      for (const part of pieces.parts) await part.stop?.();
      await pgNotifier?.close();
      await services.db.close();
    },
  };
}

/**
 * Once the web role listens: the bot menu and each feature's start-up task (logged, never fatal),
 * the Telegram webhook registration in webhook mode, else long polling.
 */
function startWebTasks(pieces: AppPieces): void {
  const { config, bot, parts, polling } = pieces;
  const logger = pieces.services.logger;
  const tasks: Array<{ name: string; run: () => Promise<void> }> = [
    { name: "bot commands", run: pieces.registerCommands },
    ...parts.flatMap((p) =>
      p.onWebStart ? [{ name: p.name, run: () => p.onWebStart?.() ?? Promise.resolve() }] : [],
    ),
  ];
  for (const task of tasks) {
    task
      .run()
      .catch((error) =>
        logger.warn({ feature: task.name, err: describeError(error) }, "start-up task failed"),
      );
  }
  if (config.telegram.webhookUrl) {
    bot.api
      .setWebhook(config.telegram.webhookUrl, {
        secret_token: config.telegram.webhookSecret,
        allowed_updates: ["message", "callback_query", "my_chat_member"],
      })
      .catch((error) => logger.error({ err: describeError(error) }, "setWebhook failed"));
  }
  polling?.start();
}

type BuiltFeature = FeatureParts & { readonly name: string };

/** Every secret in the config: the logger scrubs them from every line. */
function configSecrets(config: Config): string[] {
  return [
    config.zoom.clientSecret,
    config.zoom.webhookSecret,
    config.stateSecret,
    config.telegram.botToken,
    config.telegram.webhookSecret,
    config.summary.apiKey,
    ...config.tokenEncryptionKeys,
  ].filter((s): s is string => typeof s === "string");
}

async function openAndMigrate(config: Config, logger: Logger): Promise<Db> {
  const db = await openDatabase(config.database.url, {
    poolMax: config.database.poolMax,
    statementTimeoutMs: config.database.statementTimeoutMs,
    connectRetries: config.database.connectRetries,
    onConnectRetry: (attempt, error) =>
      logger.warn({ attempt, err: describeError(error) }, "database not reachable yet; retrying"),
  });
  const migrated = await migrateToLatest(db);
  if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, "migrations applied");
  return db;
}

/** On PostgreSQL, enqueues in one process wake workers in every other one (LISTEN/NOTIFY). */
function createCrossProcessNotifier(
  config: Config,
  db: Db,
  logger: Logger,
  deps: AppDeps,
): PgJobNotifier | undefined {
  if (deps.notifier || db.dialect !== "postgres") return undefined;
  return createPgJobNotifier(db, config.database.url, logger.child({ component: "jobs.notify" }));
}

/** The infrastructure, each piece built once: what every feature is built from. */
async function buildServices(
  config: Config,
  base: {
    db: Db;
    logger: Logger;
    clock: Clock;
    instanceId: string;
    secrets: string[];
    pgNotifier: PgJobNotifier | undefined;
  },
  deps: AppDeps,
): Promise<{ app: AppServices; bot: Bot<BotContext> }> {
  const { db, logger, clock, instanceId } = base;
  const metrics = deps.metrics ?? createMetrics();
  const translator = createTranslator<BotContext>({
    onWarning: (message) => logger.warn({ i18n: message }, "translation problem"),
    localeNegotiator: (ctx) => negotiateLocale(db.kysely, ctx),
  });
  const ffmpeg =
    deps.ffmpeg !== undefined
      ? deps.ffmpeg
      : await locateFfmpeg({ configuredPath: config.media.ffmpegPath, searchPath: config.media.systemPath });
  if (!ffmpeg) logger.warn("no ffmpeg found: large recordings will be sent as links");
  // The bot exists before the features so every sender uses the bot's own api (one set of
  // transformers); composers are installed once the features are built.
  const bot = createBot({
    token: config.telegram.botToken,
    apiRoot: config.telegram.apiRoot,
    translator,
    logger: logger.child({ component: "telegram.bot" }),
    composers: [],
    botInfo: deps.botInfo,
  });
  const alerts = createAdminAlerts({
    adminChatId: config.telegram.adminChatId,
    db,
    clock,
    logger: logger.child({ component: "admin-alerts" }),
    translator,
    send: (chatId, text) => bot.api.sendMessage(chatId, text),
    redact: (text) => scrubLine(text, base.secrets),
  });
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const random = deps.random ?? Math.random;
  const infrastructure = {
    config,
    db,
    clock,
    logger,
    metrics,
    fetch: fetchImpl,
    random,
    cipher: createTokenCipher(config.tokenEncryptionKeys),
    notifier: deps.notifier ?? base.pgNotifier ?? createJobNotifier(),
    translator,
    telegram: bot.api,
    zoomApi: createZoomApi({ fetch: fetchImpl, clock, random, timeouts: config.zoom.timeouts }),
    ffmpeg,
    instanceId,
    alerts,
  };
  const app: AppServices = {
    ...infrastructure,
    tokens: createTokenService(infrastructure),
    connectExtensions: createConnectExtensions(),
    progress: createProgressBus((error) =>
      logger.warn({ err: describeError(error) }, "progress listener failed"),
    ),
  };
  return { app, bot };
}

function installComposers(bot: Bot<BotContext>, parts: readonly BuiltFeature[], services: AppServices): void {
  // Lines logged while an update is handled carry its id and chat (and, in webhook mode, the
  // HTTP request id the access log put in the context).
  bot.use((ctx, next) => withLogContext({ updateId: ctx.update.update_id, chatId: ctx.chat?.id }, next));
  // Long polling counts each update here; in webhook mode the /telegram/webhook route counts them.
  if (services.config.telegram.webhookUrl === undefined) {
    bot.use((_ctx, next) => {
      services.metrics.telegramUpdates.inc({ mode: "polling" });
      return next();
    });
  }
  for (const part of parts) if (part.composer) bot.use(part.composer);
}

/** The HTTP app (web role): hono and the Telegram webhook route are loaded only here. */
async function buildHttp(
  config: Config,
  services: AppServices,
  bot: Bot<BotContext>,
  parts: readonly BuiltFeature[],
): Promise<HttpApp> {
  const { createHttpApp } = await import("./http/create-http-app.js");
  const { mountTelegramWebhook } = await import("./telegram/webhook.route.js");
  const { db, clock, metrics } = services;
  return createHttpApp({
    logger: services.logger.child({ component: "http" }),
    metrics,
    ready: async () => (await pingDatabase(db)) && (await pendingMigrations(db)).length === 0,
    beforeScrape: () => refreshDatabaseGauges(services),
    everyScrape: () => refreshFeatureGauges(parts),
    metricsToken: config.metrics.token,
    now: () => clock.now(),
    routes: [
      ...parts.flatMap((p) => (p.routes ? [(app: HttpApp) => p.routes?.(app)] : [])),
      (app) => {
        if (config.telegram.webhookUrl === undefined) return;
        mountTelegramWebhook(app, bot, {
          secretToken: config.telegram.webhookSecret,
          onUpdate: () => metrics.telegramUpdates.inc({ mode: "webhook" }),
        });
      },
    ],
  });
}

/** Long polling (web role without TELEGRAM_WEBHOOK_URL): @grammyjs/runner is loaded only here. */
async function buildPolling(
  config: Config,
  services: AppServices,
  bot: Bot<BotContext>,
  deps: AppDeps,
): Promise<PollingHolder> {
  const { createPollingHolder } = await import("./telegram/polling.js");
  return createPollingHolder({
    bot,
    db: services.db,
    clock: services.clock,
    logger: services.logger.child({ component: "telegram.polling" }),
    holder: services.instanceId,
    leaseMs: config.telegram.pollingLeaseSeconds * 1000,
    renewMs: Math.max(500, (config.telegram.pollingLeaseSeconds * 1000) / 4),
    ...deps.polling,
  });
}

function buildWorker(config: Config, services: AppServices, parts: readonly BuiltFeature[]): Worker {
  const handlers: JobHandlers = Object.assign({}, ...parts.map((p) => p.jobs ?? {}));
  const selfCounting = new Set(
    Object.entries(handlers as Readonly<Record<string, JobHandler<unknown> | undefined>>)
      .filter(([, handler]) => handler?.countsOwnFailures === true)
      .map(([kind]) => kind),
  );
  return new Worker({
    db: services.db,
    clock: services.clock,
    logger: services.logger.child({ component: "jobs" }),
    handlers,
    workerId: services.instanceId,
    concurrency: config.jobs.concurrency,
    leaseMs: config.jobs.leaseSeconds * 1000,
    pollIntervalMs: config.jobs.pollIntervalMs,
    timeoutMs: config.jobs.timeoutSeconds * 1000,
    notifier: services.notifier,
    onEvent: (event) => observeJob(services.metrics, event, selfCounting),
    onDead: (job, error) => services.alerts.jobDead(job, error),
    feeders: parts.flatMap((p) => p.feeders ?? []),
  });
}

/** The bot menu: every feature's commands, ordered by their places. */
function menuOf(parts: readonly BuiltFeature[]): string[] {
  return parts
    .flatMap((p) => Object.entries(p.commands ?? {}))
    .sort(([, a], [, b]) => a - b)
    .map(([command]) => command);
}

/** Gauges read from the shared database: every process reports the same, fleet-wide values. */
async function refreshDatabaseGauges(services: AppServices): Promise<void> {
  const { db, clock, metrics } = services;
  const counts = await countJobsByState(db.kysely);
  for (const [state, n] of Object.entries(counts)) metrics.jobs.set({ state }, n);
  metrics.oldestWaitingJobSeconds.set((await oldestWaitingAgeMs(db.kysely, clock.now())) / 1000);
}

/** Features' own scrape-time gauges (each constant-cost), on every scrape. */
async function refreshFeatureGauges(parts: readonly BuiltFeature[]): Promise<void> {
  for (const part of parts) await part.beforeScrape?.();
}

/** The HTTP listener: the app's direct routes answered ahead of Hono (src/http/direct-routes.ts). */
async function listen(
  http: HttpApp,
  at: { host: string; port: number },
  logger: Logger,
): Promise<ServerType> {
  const { createServer } = await import("node:http");
  const { httpListener } = await import("./http/direct-routes.js");
  const { MAX_BODY_BYTES } = await import("./http/create-http-app.js");
  const server = createServer(
    httpListener(http, {
      logger: logger.child({ component: "http" }),
      maxBodyBytes: MAX_BODY_BYTES,
      hostname: at.host,
    }),
  );
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  return server;
}

/** METRICS_PORT: `GET /metrics` alone, on its own listener (loopback by default). */
async function listenForMetrics(pieces: AppPieces): Promise<ServerType | undefined> {
  const { config, services, parts } = pieces;
  if (config.metrics.port === undefined) return undefined;
  const { createMetricsApp } = await import("./http/create-http-app.js");
  const app = createMetricsApp({
    logger: services.logger.child({ component: "metrics" }),
    metrics: services.metrics,
    beforeScrape: () => refreshDatabaseGauges(services),
    everyScrape: () => refreshFeatureGauges(parts),
    now: () => services.clock.now(),
  });
  return listen(app, { host: config.metrics.host, port: config.metrics.port }, services.logger);
}

async function closeServer(server: ServerType): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if ("closeAllConnections" in server) (server as { closeAllConnections(): void }).closeAllConnections();
}

function observeJob(metrics: Metrics, event: WorkerEvent, selfCounting: ReadonlySet<string>): void {
  const countFailure = (kind: string, error: unknown) => {
    if (!selfCounting.has(kind)) metrics.jobFailures.inc({ kind, cause: failureCause(error) });
  };
  if (event.type === "completed") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "completed" }, event.durationMs / 1000);
  } else if (event.type === "retry") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "retry" }, event.durationMs / 1000);
    countFailure(event.job.kind, event.error);
  } else if (event.type === "dead") {
    metrics.jobDuration.observe({ kind: event.job.kind, outcome: "dead" }, 0);
    countFailure(event.job.kind, event.error);
  }
}
