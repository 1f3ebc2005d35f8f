/** The CLI's commands. Each is thin: configuration, then the same functions the service runs. */
import type { createApp } from "../app.js";
import { type Config, parseConfig, readEnvironment } from "../config.js";
import { type Db, openDatabase } from "../db/database.js";
import { migrateToLatest, pendingMigrations } from "../db/migrate.js";
import { describeError } from "../errors.js";
import { prepareMediaDir } from "../media/media-dir.js";
import { createTokenCipher } from "../security/token-cipher.js";
import type { Command, CommandEntry, Values } from "./command.js";

export type { Command };

/** Exit code for configuration problems (CONTRACT). */
export const EXIT_CONFIG = 2;

/** Loads config (flags over environment over .env); on problems prints one line per variable. */
export function configOrReport(overrides: Record<string, string | undefined> = {}): Config | undefined {
  const env: Record<string, string | undefined> = { ...readEnvironment() };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) env[k] = v;
  const result = parseConfig(env);
  if (result.ok) return result.config;
  process.stderr.write("zoomgram: the configuration has problems:\n");
  for (const line of result.problems) process.stderr.write(`  ${line}\n`);
  process.stderr.write("See .env.example for every variable.\n");
  return undefined;
}

const serverOptions = {
  port: { type: "string" },
  host: { type: "string" },
} as const;

function serverOverrides(values: Values): Record<string, string | undefined> {
  return { PORT: values.port as string | undefined, HOST: values.host as string | undefined };
}

async function runServer(roles: { web: boolean; worker: boolean }, values: Values): Promise<number> {
  const config = configOrReport(serverOverrides(values));
  if (!config) return EXIT_CONFIG;
  if (roles.worker) {
    const problem = await prepareMediaDir(config.media.dir).catch((error: unknown) => describeError(error));
    if (problem !== undefined) {
      process.stderr.write(`zoomgram: the configuration has problems:\n  MEDIA_DIR: ${problem}\n`);
      return EXIT_CONFIG;
    }
  }
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    // Loaded here: `--help`, `migrate` and `doctor` need none of the service's modules.
    const { createApp } = await import("../app.js");
    app = await createApp(config, roles);
    await app.start();
  } catch (error) {
    process.stderr.write(`zoomgram: failed to start: ${describeError(error)}\n`);
    return 1;
  }
  const { logger } = app.services;
  logger.info({ roles: Object.keys(roles).filter((r) => roles[r as keyof typeof roles]) }, "started");
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "stopping: finishing in-flight jobs");
      app
        .stop()
        .catch((error) => logger.error({ err: describeError(error) }, "error while stopping"))
        .finally(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  logger.info("stopped");
  logger.flush();
  return 0;
}

const ENV_HELP = `Environment: every variable in .env.example (required: ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET,
ZOOM_REDIRECT, ZOOM_WEBHOOK_SECRET, STATE_SECRET, TELEGRAM_BOT_TOKEN, TOKEN_ENCRYPTION_KEY).`;

/** The options and environment shared by every command that runs the HTTP server. */
const SERVER_HELP = `  --port N   listen port (PORT, default 3000)
  --host H   listen address (HOST, default 0.0.0.0)

${ENV_HELP}`;

/**
 * Runs one admin command against DATABASE_URL: a configuration error exits 2, any other error is
 * printed as `zoomgram <name>: …` (exit 1), and the database is closed whatever happens.
 */
async function withDatabase(
  name: string,
  work: (db: Db, config: Config) => Promise<number>,
): Promise<number> {
  const config = configOrReport();
  if (!config) return EXIT_CONFIG;
  const db = await openDatabase(config.database.url, { connectRetries: config.database.connectRetries });
  try {
    return await work(db, config);
  } catch (error) {
    process.stderr.write(`zoomgram ${name}: ${describeError(error)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

// The admin commands' modules (rotate-keys, restore-connections, doctor, simulate) are imported when
// the command runs: a server process never needs them.
export const commands: Record<string, CommandEntry> = {
  serve: {
    summary: "HTTP server, Telegram bot and job worker in one process (npm start)",
    help: `Usage: zoomgram serve [--port N] [--host H]

Runs everything in one process: the HTTP endpoints (webhooks, OAuth, health, metrics), the
Telegram bot (long polling, or webhook mode when TELEGRAM_WEBHOOK_URL is set) and the job worker.
Migrates the database first.

${SERVER_HELP}`,
    options: serverOptions,
    run: (values) => runServer({ web: true, worker: true }, values),
  },
  web: {
    summary: "HTTP server and Telegram bot only (scale out behind a load balancer)",
    help: `Usage: zoomgram web [--port N] [--host H]

Runs the HTTP endpoints and the Telegram bot, no job worker. Stateless: run as many as you like
against one PostgreSQL DATABASE_URL. Long polling is held by one web process at a time.

${SERVER_HELP}`,
    options: serverOptions,
    run: (values) => runServer({ web: true, worker: false }, values),
  },
  worker: {
    summary: "Job worker only (downloads, uploads, sweeps)",
    help: `Usage: zoomgram worker

Runs the job worker and the periodic sweeps, no HTTP server. Run as many as you like against one
PostgreSQL DATABASE_URL; WORKER_CONCURRENCY sets the jobs per process.

${ENV_HELP}`,
    options: {},
    run: (values) => runServer({ web: false, worker: true }, values),
  },
  migrate: {
    summary: "Apply database migrations and exit",
    help: `Usage: zoomgram migrate [--status]

Applies every pending migration to DATABASE_URL (SQLite or PostgreSQL) and exits.

  --status   only list pending migrations; change nothing`,
    options: { status: { type: "boolean" } },
    run: (values) =>
      withDatabase("migrate", async (db) => {
        if (values.status) {
          const pending = await pendingMigrations(db);
          process.stdout.write(
            pending.length ? `pending:\n${pending.map((p) => `  ${p}`).join("\n")}\n` : "up to date\n",
          );
          return 0;
        }
        const { applied } = await migrateToLatest(db);
        process.stdout.write(
          applied.length ? `applied:\n${applied.map((a) => `  ${a}`).join("\n")}\n` : "up to date\n",
        );
        return 0;
      }),
  },
  "rotate-keys": {
    summary: "Re-encrypt stored tokens with the first TOKEN_ENCRYPTION_KEY",
    help: `Usage: zoomgram rotate-keys [--dry-run]

Re-encrypts every stored OAuth token, pending PKCE verifier and webhook download token with the
FIRST key of TOKEN_ENCRYPTION_KEY (a comma-separated list: the first encrypts, all decrypt), then
reports counts. To retire a key: put the new key first, keep the old one after it, run this, then
remove the old key. Safe to run while the service is up: a connection whose token refresh is
in progress is waited for (up to 20 s), else skipped and listed (exit code 1; run it again).

  --dry-run   only count what would be re-encrypted; change nothing`,
    options: { "dry-run": { type: "boolean" } },
    run: (values) =>
      withDatabase("rotate-keys", async (db, config) => {
        const pending = await pendingMigrations(db);
        if (pending.length > 0) {
          process.stderr.write(
            "zoomgram rotate-keys: the database is not migrated; run `zoomgram migrate` first\n",
          );
          return 1;
        }
        const dryRun = values["dry-run"] === true;
        const { formatRotationReport, rotateEncryptionKeys } = await import("./rotate-keys.js");
        const report = await rotateEncryptionKeys(db, createTokenCipher(config.tokenEncryptionKeys), {
          dryRun,
        });
        process.stdout.write(formatRotationReport(report, dryRun));
        const failed = report.connections.failed + report.oauthStates.failed + report.webhookEvents.failed;
        // A connection skipped during a token refresh still holds the old key: not done yet.
        return failed > 0 || report.skipped.length > 0 ? 1 : 0;
      }),
  },
  "restore-connections": {
    summary: "Bring back connections wrongly marked broken",
    help: `Usage: zoomgram restore-connections [--zoom-user ID]

Only Zoom's invalid_grant means a user's authorization is gone. Without --zoom-user, this marks
active again every connection that was marked broken for another refusal of Zoom's token endpoint
(e.g. invalid_client after the client secret was rotated). With --zoom-user, it restores that one
connection whatever its reason. The next token refresh checks each restored connection; one Zoom
really revoked is marked broken again. Safe to run while the service is up.

  --zoom-user ID   the Zoom user id (as in the logs and /status)`,
    options: { "zoom-user": { type: "string" } },
    run: (values) =>
      withDatabase("restore-connections", async (db) => {
        const zoomUser = values["zoom-user"];
        const { formatRestoreReport, restoreConnections } = await import("./restore-connections.js");
        const report = await restoreConnections(db, {
          ...(typeof zoomUser === "string" ? { zoomUserId: zoomUser } : {}),
          now: Date.now(),
        });
        process.stdout.write(formatRestoreReport(report));
        return 0;
      }),
  },
  doctor: {
    summary: "Check the configuration, database, Telegram, Zoom, public URL, ffmpeg and speech to text",
    load: async () => (await import("./doctor.js")).doctorCommand,
  },
  simulate: {
    summary: "Send a signed example Zoom webhook to a running instance",
    load: async () => (await import("./simulate.js")).simulateCommand,
  },
};
