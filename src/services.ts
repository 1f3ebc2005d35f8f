/**
 * What the composition root hands every feature: the process's infrastructure, each built once
 * from the Config. Everything that reaches outside the process (database, clock, fetch, Telegram,
 * Zoom, randomness) is here, so a test builds the same app with fakes. This file imports
 * infrastructure only; a feature adds what it provides to those above it in its own type
 * (`ConnectServices`, `DeliveryServices`).
 */
import type { Api, Composer } from "grammy";
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db } from "./db/database.js";
import type { HttpApp } from "./http/http-env.js";
import type { Translator } from "./i18n/translator.js";
import type { JobNotifier } from "./jobs/notifier.js";
import type { Feeder, JobHandlers } from "./jobs/worker.js";
import type { PeriodicTask } from "./leases/periodic.js";
import type { FfmpegBinaries } from "./media/ffmpeg-locator.js";
import type { AdminAlerts } from "./observability/admin-alerts.js";
import type { Metrics } from "./observability/metrics.js";
import type { TokenCipher } from "./security/token-cipher.js";
import type { BotContext } from "./telegram/context.js";
import type { ZoomApi } from "./zoom/zoom-api.js";

export interface Services {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly fetch: typeof fetch;
  readonly random: () => number;
  readonly cipher: TokenCipher;
  readonly notifier: JobNotifier;
  readonly translator: Translator<BotContext>;
  /** The Bot API client every sender uses (bot.api), so one set of transformers applies. */
  readonly telegram: Api;
  /** The Zoom REST client (one per process: its rate-limit state is shared). */
  readonly zoomApi: ZoomApi;
  /** ffmpeg and ffprobe, or null when none is available (deliveries fall back to links). */
  readonly ffmpeg: FfmpegBinaries | null;
  /** Unique per process: lease holder and worker id prefix. */
  readonly instanceId: string;
  /** Operator alerts to ADMIN_CHAT_ID (dead jobs, webhook verification failures); rate-limited. */
  readonly alerts: AdminAlerts;
}

/**
 * What a feature contributes, returned once by its factory (`createConnectFeature(services)`):
 * the composition root mounts the routes, installs the composer, registers the job handlers and
 * periodic tasks, and runs `onWebStart` when the web role starts.
 */
export interface FeatureParts {
  routes?(app: HttpApp): void;
  readonly composer?: Composer<BotContext>;
  readonly jobs?: JobHandlers;
  readonly periodic?: readonly PeriodicTask[];
  /** Run beside the job loop in the worker role (the webhook inbox processor). */
  readonly feeders?: readonly Feeder[];
  /** Refreshes this feature's gauges before /metrics is scraped. */
  beforeScrape?(): Promise<void>;
  /**
   * Bot commands this feature handles, each with its place in the menu (lower first), so the menu
   * reads in one order across features. Descriptions: `cmd-<name>` in the locales.
   */
  readonly commands?: Readonly<Record<string, number>>;
  /** Runs once when the web role starts. Failures are logged, not fatal. */
  onWebStart?(): Promise<void>;
  /** Runs once when the app stops, after the servers and the worker, before the database closes. */
  stop?(): Promise<void>;
}
