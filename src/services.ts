/**
 * What features receive from the composition root. Everything that reaches outside the process
 * (database, clock, fetch, Telegram, randomness) is here, so a test builds the same app with fakes.
 */
import type { Api, Composer } from "grammy";
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import type { Config } from "./config.js";
import type { Db } from "./db/database.js";
import type { ProgressBus } from "./delivery/progress.js";
import type { HttpApp } from "./http/create-http-app.js";
import type { Translator } from "./i18n/translator.js";
import type { JobNotifier } from "./jobs/notifier.js";
import type { JobHandler } from "./jobs/worker.js";
import type { PeriodicTask } from "./leases/periodic.js";
import type { FfmpegBinaries } from "./media/ffmpeg-locator.js";
import type { AdminAlerts } from "./observability/admin-alerts.js";
import type { Metrics } from "./observability/metrics.js";
import type { TokenCipher } from "./security/token-cipher.js";
import type { BotContext } from "./telegram/context.js";

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
  /** ffmpeg and ffprobe, or null when none is available (deliveries fall back to links). */
  readonly ffmpeg: FfmpegBinaries | null;
  /** Meeting part progress (jobs publish, the meeting card listens). */
  readonly progress: ProgressBus;
  /** Unique per process: lease holder and worker id prefix. */
  readonly instanceId: string;
  /** Operator alerts to ADMIN_CHAT_ID (dead jobs, webhook verification failures); rate-limited. */
  readonly alerts: AdminAlerts;
}

/** A feature plugs into the app through these optional hooks. */
export interface Feature {
  readonly name: string;
  routes?(app: HttpApp, services: Services): void;
  composer?(services: Services): Composer<BotContext>;
  // biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own payload type
  jobs?(services: Services): Record<string, JobHandler<any>>;
  periodic?(services: Services): PeriodicTask[];
  /** Runs once when the web role starts (e.g. setMyCommands). Failures are logged, not fatal. */
  onWebStart?(services: Services): Promise<void>;
}
