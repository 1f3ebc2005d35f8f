/**
 * The only reader of process.env. Parses every variable of the operator contract (README.md,
 * Configuration) with zod, applies defaults, and returns a frozen Config — or one problem
 * line per faulty variable, which the CLI prints before exiting with code 2.
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { parseEncryptionKeys } from "./security/token-cipher.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface Config {
  readonly zoom: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUrl: string;
    readonly webhookSecret: string;
    readonly oauthBaseUrl: string;
    readonly apiBaseUrl: string;
    readonly downloadHosts: readonly string[];
    /** ZOOM_TRASH_AFTER_DELIVERY: the per-chat "move to Zoom's trash once delivered" default. */
    readonly trashAfterDelivery: boolean;
    /** ZOOM_CONNECT/HEADERS/IDLE_TIMEOUT_MS: every REST call and download (src/zoom/zoom-timeouts.ts). */
    readonly timeouts: {
      readonly connectMs: number;
      readonly headersMs: number;
      readonly idleMs: number;
    };
  };
  readonly stateSecret: string;
  readonly tokenEncryptionKeys: readonly string[];
  readonly telegram: {
    readonly botToken: string;
    readonly apiRoot: string;
    readonly uploadLimitMb: number;
    readonly webhookUrl: string | undefined;
    readonly webhookSecret: string | undefined;
    readonly adminChatId: number | undefined;
    /** Long-polling lease: a dead holder is replaced after at most this long (renewed every quarter). */
    readonly pollingLeaseSeconds: number;
  };
  readonly database: {
    readonly url: string;
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    readonly connectRetries: number;
    /** SQLite file: webhook inbox appends commit in a worker thread, off the event loop. */
    readonly writeThread: boolean;
  };
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly publicUrl: string;
  };
  readonly metrics: {
    /** A separate listener for `GET /metrics` (undefined: no separate listener). */
    readonly port: number | undefined;
    /** Where that listener binds; loopback unless the operator says otherwise. */
    readonly host: string;
    /** When set, `GET /metrics` on the main port answers only `Authorization: Bearer <token>`. */
    readonly token: string | undefined;
  };
  /** How long audit rows, finished jobs and other leftovers are kept (RETENTION_DAYS). */
  readonly retentionDays: number;
  readonly media: {
    readonly dir: string;
    readonly ttlHours: number;
    readonly maxRecordingMb: number;
    readonly ffmpegPath: string | undefined;
    /** The process PATH, where ffmpeg is looked for when FFMPEG_PATH is unset. */
    readonly systemPath: string;
  };
  readonly summary: {
    readonly apiUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly model: string | undefined;
  };
  /** OpenAI-compatible speech to text, used when Zoom gives a recording no transcript. */
  readonly stt: {
    /** Base URL (…/v1) or full URL ending in /audio/transcriptions; undefined: no speech to text. */
    readonly apiUrl: string | undefined;
    readonly apiKey: string | undefined;
    readonly model: string;
    /** How long to wait for Zoom's own transcript before transcribing the audio ourselves. */
    readonly waitMinutes: number;
  };
  readonly jobs: {
    readonly concurrency: number;
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    readonly timeoutSeconds: number;
    readonly pollIntervalMs: number;
  };
  readonly inbox: {
    /** Answer 503 when the oldest unprocessed webhook has waited longer than this. */
    readonly maxBacklogSeconds: number;
    /** Inbox events processed per transaction. */
    readonly batchSize: number;
  };
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

const url = (what: string) =>
  z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, `must be an http(s) URL (${what})`);

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

/**
 * TELEGRAM_WEBHOOK_SECRET: Telegram allows 1-256 characters of A-Z a-z 0-9 _ -; fewer than 32 is
 * guessable, so we ask for at least 32 (issue #13, item 10). One problem line at most.
 */
function webhookSecretProblem(v: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(v)) return "must be 32-256 characters of A-Z a-z 0-9 _ - (Telegram's set)";
  if (v.length < 32)
    return "must be at least 32 characters of A-Z a-z 0-9 _ - (make one with: openssl rand -hex 32)";
  if (v.length > 256) return "must be at most 256 characters (Telegram's limit)";
  return undefined;
}
const bool = () =>
  z
    .string()
    .transform((v) => v.toLowerCase())
    .refine((v) => BOOLEAN_WORDS.has(v), "must be true or false (also accepted: 1/0, yes/no, on/off)")
    .transform((v) => TRUE_WORDS.has(v));
const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const BOOLEAN_WORDS = new Set([...TRUE_WORDS, "false", "0", "no", "off"]);

const required = (name: string) => z.string({ error: `is required` }).min(1, `is required (${name})`);

/**
 * Built when the environment is parsed, once per process, and dropped after: a module-level zod
 * schema of this size stays in the heap for the life of the process (issue #14).
 */
const configSchema = () =>
  z.object({
    ZOOM_CLIENT_ID: required("the Zoom app's client id"),
    ZOOM_CLIENT_SECRET: required("the Zoom app's client secret"),
    ZOOM_REDIRECT: z
      .string({ error: "is required" })
      .pipe(url("the OAuth redirect URL registered in the Zoom app")),
    ZOOM_WEBHOOK_SECRET: required("the Zoom app's webhook secret token"),
    STATE_SECRET: z.string({ error: "is required" }).min(32, "must be at least 32 characters"),
    TELEGRAM_BOT_TOKEN: z
      .string({ error: "is required" })
      .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-DEF… (the token from @BotFather)"),
    TOKEN_ENCRYPTION_KEY: z.string({ error: "is required (make one with: openssl rand -base64 32)" }),
    DATABASE_URL: z
      .string()
      .default("sqlite:./data/zoomgram.db")
      .refine(
        (v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v),
        "must be sqlite:PATH or postgres://…",
      ),
    HOST: z.string().min(1).default("0.0.0.0"),
    PORT: int(0, 65535).default(3000),
    PUBLIC_URL: url("the public base URL").optional(),
    ZOOM_OAUTH_BASE_URL: url("base for /oauth/*").default("https://zoom.us"),
    ZOOM_API_BASE_URL: url("base for REST calls").default("https://api.zoom.us/v2"),
    ZOOM_DOWNLOAD_HOSTS: z
      .string()
      .default("zoom.us,*.zoom.us,zoomgov.com,*.zoomgov.com")
      .transform((v) =>
        v
          .split(",")
          .map((h) => h.trim().toLowerCase())
          .filter(Boolean),
      )
      .refine((hosts) => hosts.length > 0, "must list at least one host"),
    ZOOM_TRASH_AFTER_DELIVERY: bool().default(false),
    ZOOM_CONNECT_TIMEOUT_MS: int(1, 600_000).default(10_000),
    ZOOM_HEADERS_TIMEOUT_MS: int(1, 600_000).default(30_000),
    ZOOM_IDLE_TIMEOUT_MS: int(1, 3_600_000).default(60_000),
    TELEGRAM_API_ROOT: url("Bot API root").default("https://api.telegram.org"),
    TELEGRAM_UPLOAD_LIMIT_MB: int(1, 2000).default(50),
    TELEGRAM_WEBHOOK_URL: z.string().pipe(url("public URL of POST /telegram/webhook")).optional(),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .superRefine((v, ctx) => {
        const problem = webhookSecretProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    METRICS_PORT: int(0, 65535).optional(),
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
      .min(32, "must be at least 32 characters")
      .optional(),
    RETENTION_DAYS: int(1, 3650).default(30),
    MAX_RECORDING_MB: int(1, 1_000_000).default(4096),
    MEDIA_DIR: z.string().min(1).optional(),
    MEDIA_TTL_HOURS: int(1, 24 * 365).default(24),
    FFMPEG_PATH: z.string().min(1).optional(),
    ADMIN_CHAT_ID: z
      .string()
      .regex(/^-?\d+$/, "must be a numeric Telegram chat id")
      .transform(Number)
      .optional(),
    SUMMARY_API_URL: url("OpenAI-compatible chat-completions endpoint").optional(),
    SUMMARY_API_KEY: z.string().min(1).optional(),
    SUMMARY_MODEL: z.string().min(1).optional(),
    STT_API_URL: url("OpenAI-compatible speech-to-text endpoint").optional(),
    STT_API_KEY: z.string().min(1).optional(),
    STT_MODEL: z.string().min(1).max(200).default("whisper-1"),
    STT_WAIT_MINUTES: int(0, 7 * 24 * 60).default(10),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DB_POOL_MAX: int(1, 1000).default(10),
    DB_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(30_000),
    DB_CONNECT_RETRIES: int(0, 1000).default(10),
    SQLITE_WRITE_THREAD: bool().default(true),
    WORKER_CONCURRENCY: int(1, 256).default(4),
    JOB_LEASE_SECONDS: int(5, 86_400).default(60),
    JOB_MAX_ATTEMPTS: int(1, 100).default(8),
    JOB_TIMEOUT_SECONDS: int(1, 86_400).default(3600),
    JOB_POLL_INTERVAL_MS: int(10, 600_000).default(2000),
    TELEGRAM_POLLING_LEASE_SECONDS: int(2, 3600).default(20),
    WEBHOOK_MAX_BACKLOG_SECONDS: int(1, 3600).default(5),
    WEBHOOK_INBOX_BATCH: int(1, 1000).default(64),
  });

/** Parses an environment object. Pure: tests call it with literals. */
export function parseConfig(env: Env): ConfigResult {
  // Treat empty strings as unset, as shells and .env files commonly produce them.
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const checked = validateEnvironment(cleaned);
  if (!checked.ok) return checked;
  return { ok: true, config: deepFreeze(buildConfig(checked.env, checked.keys, cleaned.PATH ?? "")) };
}

type ParsedEnv = z.infer<ReturnType<typeof configSchema>>;

/** The schema, the key list and the cross-field rules, with every problem named at once. */
function validateEnvironment(
  cleaned: Record<string, string>,
): { ok: true; env: ParsedEnv; keys: string[] } | { ok: false; problems: string[] } {
  const parsed = configSchema().safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? "environment");
      problems.push(`${name}: ${issue.message}`);
    }
  }
  let keys: string[] = [];
  if (cleaned.TOKEN_ENCRYPTION_KEY !== undefined) {
    const keyList = parseEncryptionKeys(cleaned.TOKEN_ENCRYPTION_KEY);
    if (keyList.ok) keys = keyList.keys;
    else problems.push(`TOKEN_ENCRYPTION_KEY: ${keyList.problem}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  if (e?.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    problems.push("TELEGRAM_WEBHOOK_SECRET: is required when TELEGRAM_WEBHOOK_URL is set");
  }
  if (problems.length > 0 || !e) return { ok: false, problems: dedupe(problems) };
  return { ok: true, env: e, keys };
}

/** The valid environment as the Config tree, with defaults derived and URLs trimmed. */
function buildConfig(e: ParsedEnv, keys: string[], systemPath: string): Config {
  const publicUrl = (e.PUBLIC_URL ?? new URL(e.ZOOM_REDIRECT).origin).replace(/\/+$/, "");
  return {
    zoom: {
      clientId: e.ZOOM_CLIENT_ID,
      clientSecret: e.ZOOM_CLIENT_SECRET,
      redirectUrl: e.ZOOM_REDIRECT,
      webhookSecret: e.ZOOM_WEBHOOK_SECRET,
      oauthBaseUrl: e.ZOOM_OAUTH_BASE_URL.replace(/\/+$/, ""),
      apiBaseUrl: e.ZOOM_API_BASE_URL.replace(/\/+$/, ""),
      downloadHosts: e.ZOOM_DOWNLOAD_HOSTS,
      trashAfterDelivery: e.ZOOM_TRASH_AFTER_DELIVERY,
      timeouts: {
        connectMs: e.ZOOM_CONNECT_TIMEOUT_MS,
        headersMs: e.ZOOM_HEADERS_TIMEOUT_MS,
        idleMs: e.ZOOM_IDLE_TIMEOUT_MS,
      },
    },
    stateSecret: e.STATE_SECRET,
    tokenEncryptionKeys: keys,
    telegram: {
      botToken: e.TELEGRAM_BOT_TOKEN,
      apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      uploadLimitMb: e.TELEGRAM_UPLOAD_LIMIT_MB,
      webhookUrl: e.TELEGRAM_WEBHOOK_URL,
      webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
      adminChatId: e.ADMIN_CHAT_ID,
      pollingLeaseSeconds: e.TELEGRAM_POLLING_LEASE_SECONDS,
    },
    database: {
      url: e.DATABASE_URL,
      poolMax: e.DB_POOL_MAX,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectRetries: e.DB_CONNECT_RETRIES,
      writeThread: e.SQLITE_WRITE_THREAD,
    },
    http: { host: e.HOST, port: e.PORT, publicUrl },
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    retentionDays: e.RETENTION_DAYS,
    media: {
      dir: resolve(e.MEDIA_DIR ?? join(tmpdir(), "zoomgram")),
      ttlHours: e.MEDIA_TTL_HOURS,
      maxRecordingMb: e.MAX_RECORDING_MB,
      ffmpegPath: e.FFMPEG_PATH,
      systemPath,
    },
    summary: { apiUrl: e.SUMMARY_API_URL, apiKey: e.SUMMARY_API_KEY, model: e.SUMMARY_MODEL },
    stt: {
      apiUrl: e.STT_API_URL,
      apiKey: e.STT_API_KEY,
      model: e.STT_MODEL,
      waitMinutes: e.STT_WAIT_MINUTES,
    },
    jobs: {
      concurrency: e.WORKER_CONCURRENCY,
      leaseSeconds: e.JOB_LEASE_SECONDS,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      timeoutSeconds: e.JOB_TIMEOUT_SECONDS,
      pollIntervalMs: e.JOB_POLL_INTERVAL_MS,
    },
    inbox: { maxBacklogSeconds: e.WEBHOOK_MAX_BACKLOG_SECONDS, batchSize: e.WEBHOOK_INBOX_BATCH },
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * process.env merged over `.env` (when present in the working directory): real environment
 * variables win, as with dotenv.
 */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Env {
  const file = join(cwd, ".env");
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {};
  return { ...fromFile, ...env };
}

export function loadConfig(cwd?: string): ConfigResult {
  return parseConfig(readEnvironment(cwd));
}

function dedupe(lines: string[]): string[] {
  return [...new Set(lines)];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
