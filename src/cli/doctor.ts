/**
 * `zoomgram doctor`: checks a deployment before its users do, and says how to fix what is wrong.
 *
 * Each check is one line of a checklist — the configuration, the database and its migrations,
 * the bot token (`getMe`), the admin chat, the Zoom app's credentials at the token endpoint, that
 * PUBLIC_URL reaches this service and that its webhook route answers Zoom's URL validation with
 * our secret, ffmpeg, and the media directory — with a concrete fix for each failure. Nothing
 * here changes state: no migration runs, no token is kept, no SQLite file is created. No secret
 * is printed (the bot token is part of every Bot API URL, so URLs are never shown).
 *
 * The exit code says whether everything passed: 0 (warnings allowed), 1 (a check failed),
 * 2 (the configuration itself is invalid, as for every command).
 */
import { randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { access } from "node:fs/promises";
import { dirname } from "node:path";
import { type Config, type Env, parseConfig, readEnvironment } from "../config.js";
import { openDatabase, parseDatabaseUrl, pingDatabase } from "../db/database.js";
import { pendingMigrations } from "../db/migrate.js";
import { describeError } from "../errors.js";
import { type FfmpegBinaries, locateFfmpeg } from "../media/ffmpeg-locator.js";
import { prepareMediaDir } from "../media/media-dir.js";
import { computeCrcResponse, computeZoomSignature } from "../zoom/webhook-signature.js";
import type { Command } from "./command.js";
import { checkSpeechEndpoint } from "./doctor-speech.js";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was found, one line, no secrets. */
  detail: string;
  /** What to do about it (failures and warnings). */
  fix?: string;
}

/** A check that failed: what was found, and what to do about it. */
function failed(name: string, detail: string, fix: string): CheckResult {
  return { name, status: "fail", detail, fix };
}

/** A check that passed with a warning: what was found, and what to do about it. */
function warned(name: string, detail: string, fix: string): CheckResult {
  return { name, status: "warn", detail, fix };
}

export interface DoctorDeps {
  fetch?: typeof fetch;
  /** Per network check, ms. Default 10 000. */
  timeoutMs?: number;
  /** Seconds since the epoch, for the signed URL-validation probe. Default: the system clock. */
  nowSeconds?: () => number;
  locateFfmpeg?: (config: Config) => Promise<FfmpegBinaries | null>;
}

export interface DoctorReport {
  results: CheckResult[];
  exitCode: 0 | 1 | 2;
}

export async function runDoctor(env: Env, deps: DoctorDeps = {}): Promise<DoctorReport> {
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    return {
      exitCode: 2,
      results: [
        ...parsed.problems.map(
          (problem): CheckResult =>
            failed(
              "Configuration",
              problem,
              `set ${problem.split(":")[0]} in the environment or .env (see .env.example for each variable)`,
            ),
        ),
        {
          name: "Other checks",
          status: "skip",
          detail: "skipped until the configuration is valid",
        },
      ],
    };
  }
  const config = parsed.config;
  const ctx: CheckContext = {
    config,
    fetch: deps.fetch ?? globalThis.fetch,
    timeoutMs: deps.timeoutMs ?? 10_000,
    nowSeconds: deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000)),
  };
  const results: CheckResult[] = [
    {
      name: "Configuration",
      status: "ok",
      detail: `all required variables are set; public URL ${config.http.publicUrl}`,
    },
  ];
  // Independent checks run at once; the report keeps this order.
  const checks = await Promise.all([
    withTimeout(
      checkDatabase(config),
      ctx.timeoutMs * 2,
      failed(
        "Database",
        "the database did not answer in time",
        "check DATABASE_URL's host and port, and that a firewall does not drop the connection",
      ),
    ),
    checkTelegram(ctx),
    checkAdminChat(ctx),
    checkZoomCredentials(ctx),
    checkPublicUrl(ctx),
    checkFfmpeg(config, deps.locateFfmpeg),
    checkMediaDir(config),
    checkSpeechEndpoint(ctx),
    loginDomainCannotBeChecked(config),
  ]);
  for (const c of checks) results.push(...(Array.isArray(c) ? c : [c]));
  return { results, exitCode: results.some((r) => r.status === "fail") ? 1 : 0 };
}

interface CheckContext {
  config: Config;
  fetch: typeof fetch;
  timeoutMs: number;
  nowSeconds: () => number;
}

// ---------------------------------------------------------------------------------------------

async function checkDatabase(config: Config): Promise<CheckResult> {
  const name = "Database";
  const { dialect, target } = parseDatabaseUrl(config.database.url);
  if (dialect === "sqlite" && target !== ":memory:" && !existsSync(target)) {
    // Opening would create the file; doctor changes nothing, so check the folder instead.
    const dir = await nearestExistingDir(dirname(target));
    const writable = await access(dir, constants.W_OK).then(
      () => true,
      () => false,
    );
    return writable
      ? warned(
          name,
          `SQLite file ${target} does not exist yet`,
          "it is created and migrated when the service starts (or run `zoomgram migrate` now)",
        )
      : failed(
          name,
          `SQLite file ${target} does not exist and ${dir} is not writable`,
          "point DATABASE_URL at a writable location (sqlite:/path/zoomgram.db) or fix the folder's permissions",
        );
  }
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase(config.database.url, { poolMax: 1, connectRetries: 0 });
    if (!(await pingDatabase(db))) throw new Error("the database does not answer");
    const pending = await pendingMigrations(db);
    return pending.length === 0
      ? { name, status: "ok", detail: `${db.description} answers; migrations are up to date` }
      : warned(
          name,
          `${db.description} answers; ${pending.length} migration(s) pending: ${pending.join(", ")}`,
          "run `zoomgram migrate` (the service also migrates when it starts)",
        );
  } catch (error) {
    return failed(
      name,
      `cannot use ${dialect === "sqlite" ? target : redactUrl(target)}: ${describeError(error)}`,
      dialect === "postgres"
        ? "check DATABASE_URL (host, port, user, password, database) and that PostgreSQL accepts connections from here"
        : "check DATABASE_URL and the file's permissions",
    );
  } finally {
    await db?.close().catch(() => undefined);
  }
}

async function checkTelegram(ctx: CheckContext): Promise<CheckResult> {
  const name = "Telegram bot";
  const { config } = ctx;
  const res = await botApi(ctx, "getMe", {});
  if (res.kind === "unreachable") {
    return failed(
      name,
      `the Bot API at ${config.telegram.apiRoot} cannot be reached: ${res.reason}`,
      "check outbound HTTPS from this host, or TELEGRAM_API_ROOT if you run your own Bot API server",
    );
  }
  if (res.kind === "error") {
    const rejected = res.status === 401 || res.status === 404;
    return failed(
      name,
      rejected
        ? `TELEGRAM_BOT_TOKEN is not accepted by Telegram (${res.status} ${res.description})`
        : `getMe failed: ${res.status} ${res.description}`,
      rejected
        ? "copy the token again from @BotFather (/mybots → your bot → API Token); a revoked token stops working at once"
        : "retry in a minute; if it persists, check TELEGRAM_API_ROOT",
    );
  }
  const me = res.result as { username?: string; id?: number };
  const mode = config.telegram.webhookUrl ? "webhook mode" : "long polling";
  const result: CheckResult = {
    name,
    status: "ok",
    detail: `@${me.username ?? "?"} (id ${me.id ?? "?"}), ${mode}`,
  };
  if (config.telegram.webhookUrl) {
    const info = await botApi(ctx, "getWebhookInfo", {});
    if (info.kind === "ok") {
      const w = info.result as { url?: string; last_error_message?: string; pending_update_count?: number };
      if (w.url && w.url !== config.telegram.webhookUrl) {
        return warned(
          name,
          `${result.detail}; Telegram has another webhook URL registered`,
          "start the web role once: it registers TELEGRAM_WEBHOOK_URL with setWebhook",
        );
      }
      if (w.last_error_message) {
        return warned(
          name,
          `${result.detail}; Telegram's last webhook delivery failed: ${w.last_error_message}`,
          "TELEGRAM_WEBHOOK_URL must be public https on port 443, 80, 88 or 8443 and reach POST /telegram/webhook",
        );
      }
    }
  }
  return result;
}

async function checkAdminChat(ctx: CheckContext): Promise<CheckResult> {
  const name = "Admin chat";
  const chatId = ctx.config.telegram.adminChatId;
  if (chatId === undefined) {
    return warned(
      name,
      "ADMIN_CHAT_ID is not set: nobody is told about dead jobs or forged webhooks",
      "add the bot to an operators' chat and set ADMIN_CHAT_ID to its numeric id (optional)",
    );
  }
  const res = await botApi(ctx, "getChat", { chat_id: chatId });
  if (res.kind === "ok") {
    const chat = res.result as { title?: string; type?: string };
    return {
      name,
      status: "ok",
      detail: `the bot can reach chat ${chatId} (${chat.title ?? chat.type ?? "chat"})`,
    };
  }
  if (res.kind === "unreachable") {
    return { name, status: "skip", detail: "skipped: the Bot API cannot be reached" };
  }
  if (res.status === 401 || res.status === 404) {
    return { name, status: "skip", detail: "skipped: the bot token is not accepted" };
  }
  return failed(
    name,
    `the bot cannot reach ADMIN_CHAT_ID ${chatId}: ${res.status} ${res.description}`,
    "add the bot to that chat (or start a private chat with it) and check the id, e.g. with @RawDataBot",
  );
}

/**
 * The token endpoint with the app's credentials and a grant this app cannot use: Zoom checks the
 * client first, so 401 / invalid_client means wrong credentials, while a 400 about the grant (or a
 * 200 app token, which is dropped) means they were accepted. No user token is involved.
 */
async function checkZoomCredentials(ctx: CheckContext): Promise<CheckResult> {
  const name = "Zoom app credentials";
  const { config } = ctx;
  const url = `${config.zoom.oauthBaseUrl}/oauth/token`;
  const basic = Buffer.from(`${config.zoom.clientId}:${config.zoom.clientSecret}`).toString("base64");
  let response: Response;
  try {
    response = await ctx.fetch(url, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials" }),
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (error) {
    return failed(
      name,
      `${config.zoom.oauthBaseUrl} cannot be reached: ${networkReason(error)}`,
      "check outbound HTTPS from this host, or ZOOM_OAUTH_BASE_URL",
    );
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; reason?: string };
  const reason = [body.error, body.reason].filter(Boolean).join(": ") || response.statusText;
  if (response.ok || (response.status === 400 && body.error !== "invalid_client")) {
    return {
      name,
      status: "ok",
      detail: `Zoom accepted ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (probe answered ${response.status}${
        response.ok ? "" : ` ${reason}`
      })`,
    };
  }
  if (response.status === 401 || body.error === "invalid_client") {
    return failed(
      name,
      `Zoom rejected ZOOM_CLIENT_ID / ZOOM_CLIENT_SECRET (${response.status} ${reason})`,
      'copy both from the Zoom app\'s "App Credentials" page; development and production credentials differ',
    );
  }
  return {
    name,
    status: response.status >= 500 ? "fail" : "warn",
    detail: `unexpected answer from the Zoom token endpoint: ${response.status} ${reason}`,
    fix: "retry later; check ZOOM_OAUTH_BASE_URL (https://zoom.us, or https://zoomgov.com for Zoom for Government)",
  };
}

async function checkPublicUrl(ctx: CheckContext): Promise<CheckResult[]> {
  const { config } = ctx;
  const base = config.http.publicUrl;
  const results: CheckResult[] = [];
  const local = isLoopback(base);
  if (!base.startsWith("https://") && !local) {
    results.push(
      warned(
        "Public URL",
        `${base} is not https: Zoom sends webhooks and redirects only to https URLs`,
        "put a TLS-terminating reverse proxy in front and set PUBLIC_URL and ZOOM_REDIRECT to https://…",
      ),
    );
  }
  let health: Response;
  try {
    health = await ctx.fetch(`${base}/healthz`, {
      signal: AbortSignal.timeout(ctx.timeoutMs),
      redirect: "manual",
    });
  } catch (error) {
    results.push(
      failed(
        "Public URL",
        `${base}/healthz does not answer: ${networkReason(error)}`,
        "start the service (zoomgram serve or web), and make PUBLIC_URL reach it from the internet (DNS, proxy, firewall)",
      ),
    );
    return results;
  }
  if (health.status !== 200) {
    results.push(
      failed(
        "Public URL",
        `${base}/healthz answered ${health.status}`,
        "PUBLIC_URL must be the address of this service: route it (all paths) to Zoomgram's PORT",
      ),
    );
    return results;
  }
  results.push({ name: "Public URL", status: "ok", detail: `${base}/healthz answers 200` });
  results.push(await checkWebhookEndpoint(ctx));
  return results;
}

/** Sends what Zoom sends when you press "Validate": a signed endpoint.url_validation. */
async function checkWebhookEndpoint(ctx: CheckContext): Promise<CheckResult> {
  const name = "Zoom webhook endpoint";
  const { config } = ctx;
  const url = `${config.http.publicUrl}/webhooks/zoom`;
  const plainToken = randomBytes(16).toString("base64url");
  const body = JSON.stringify({
    payload: { plainToken },
    event_ts: ctx.nowSeconds() * 1000,
    event: "endpoint.url_validation",
  });
  const ts = String(ctx.nowSeconds());
  let response: Response;
  try {
    response = await ctx.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-zm-request-timestamp": ts,
        "x-zm-signature": computeZoomSignature(config.zoom.webhookSecret, ts, body),
        "user-agent": "zoomgram-doctor",
      },
      body,
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
  } catch (error) {
    return { name, status: "fail", detail: `${url} does not answer: ${networkReason(error)}` };
  }
  if (response.status === 401) {
    return failed(
      name,
      `${url} refused a request signed with this ZOOM_WEBHOOK_SECRET (or this host's clock is off by over 5 minutes)`,
      "the running service uses another ZOOM_WEBHOOK_SECRET: give it the app's Secret Token and restart; check NTP",
    );
  }
  if (response.status === 404 || response.status === 405) {
    return failed(
      name,
      `${url} answered ${response.status}: the webhook route is not reachable there`,
      "forward POST /webhooks/zoom (and /webhooks/zoom/deauth) to Zoomgram unchanged, body included",
    );
  }
  const answer = (await response.json().catch(() => ({}))) as { encryptedToken?: string };
  const expected = computeCrcResponse(config.zoom.webhookSecret, plainToken).encryptedToken;
  if (response.status === 200 && answer.encryptedToken === expected) {
    return {
      name,
      status: "ok",
      detail: `${url} answers Zoom's URL validation correctly; enter it as the Event notification endpoint`,
    };
  }
  return failed(
    name,
    `${url} answered ${response.status} without the expected URL-validation response`,
    "make sure nothing in front of Zoomgram rewrites or re-encodes the request body (Zoom signs the raw bytes)",
  );
}

async function checkFfmpeg(
  config: Config,
  locate: DoctorDeps["locateFfmpeg"] = (c) =>
    locateFfmpeg({ configuredPath: c.media.ffmpegPath, searchPath: c.media.systemPath }),
): Promise<CheckResult> {
  const name = "ffmpeg";
  const found = await locate(config).catch(() => null);
  if (!found) {
    return warned(
      name,
      "no working ffmpeg: recordings over the upload limit are sent as links, video-only meetings as video files",
      "install ffmpeg (apt install ffmpeg), keep the npm package @ffmpeg-installer/ffmpeg (npm ci installs it), or set FFMPEG_PATH",
    );
  }
  if (config.media.ffmpegPath && found.source !== "config") {
    return warned(
      name,
      `FFMPEG_PATH=${config.media.ffmpegPath} does not run; using ${found.ffmpeg} (${found.source}) instead`,
      "fix or unset FFMPEG_PATH",
    );
  }
  return {
    name,
    status: "ok",
    detail: `${found.ffmpeg} (${found.source})${found.ffprobe ? "" : "; no ffprobe next to it, durations come from ffmpeg"}`,
  };
}

async function checkMediaDir(config: Config): Promise<CheckResult> {
  const name = "Media directory";
  try {
    const problem = await prepareMediaDir(config.media.dir);
    if (problem !== undefined) {
      return failed(name, problem, "start-up refuses this folder (exit 2) until it is fixed");
    }
    await access(config.media.dir, constants.W_OK);
    return { name, status: "ok", detail: `${config.media.dir} is writable, private (0700) and ours` };
  } catch (error) {
    return failed(
      name,
      `${config.media.dir} is not writable: ${describeError(error)}`,
      "set MEDIA_DIR to a writable folder with room for the largest recording (MAX_RECORDING_MB) twice",
    );
  }
}

/**
 * /connect's login_url button opens only on the domain linked with BotFather's /setdomain, and the
 * Bot API has no method that tells which one that is: doctor says so instead of guessing.
 */
function loginDomainCannotBeChecked(config: Config): CheckResult {
  const host = new URL(config.http.publicUrl).host;
  return {
    name: "Telegram login domain",
    status: "skip",
    detail: `cannot be checked from here: the Bot API does not tell which domain BotFather's /setdomain linked (it must be ${host})`,
    fix: `in @BotFather send /setdomain, pick the bot, send ${host}; otherwise /connect's button shows "Bot domain invalid"`,
  };
}

// ---------------------------------------------------------------------------------------------

/** `promise`, or `fallback` once `ms` have passed (a silent firewall makes connects hang). */
async function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type BotApiResult =
  | { kind: "ok"; result: unknown }
  | { kind: "error"; status: number; description: string }
  | { kind: "unreachable"; reason: string };

async function botApi(
  ctx: CheckContext,
  method: string,
  params: Record<string, unknown>,
): Promise<BotApiResult> {
  const { apiRoot, botToken } = ctx.config.telegram;
  try {
    const response = await ctx.fetch(`${apiRoot}/bot${botToken}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as
      | { ok?: boolean; result?: unknown; description?: string }
      | undefined;
    if (body?.ok) return { kind: "ok", result: body.result };
    return {
      kind: "error",
      status: response.status,
      description: (body?.description ?? response.statusText).replaceAll(botToken, "[redacted]"),
    };
  } catch (error) {
    return { kind: "unreachable", reason: networkReason(error).replaceAll(botToken, "[redacted]") };
  }
}

/** "ECONNREFUSED", "ENOTFOUND api.example", "timed out": never a URL (it may hold the bot token). */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "timed out";
  const cause =
    error instanceof Error ? (error.cause as { code?: string; hostname?: string } | undefined) : undefined;
  if (cause?.code) return cause.hostname ? `${cause.code} ${cause.hostname}` : cause.code;
  if (error instanceof Error && error.cause instanceof Error) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host === "::1";
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "DATABASE_URL";
  }
}

async function nearestExistingDir(dir: string): Promise<string> {
  let current = dir;
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

// ---------------------------------------------------------------------------------------------

const MARK: Record<CheckStatus, string> = { ok: "✓", warn: "!", fail: "✗", skip: "-" };

/** The checklist as printed: one line per check, a fix under each failure or warning. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.results.map((r) => r.name.length));
  const lines = ["zoomgram doctor", ""];
  for (const r of report.results) {
    lines.push(`  ${MARK[r.status]} ${r.name.padEnd(width)}  ${r.detail}`);
    if (r.fix && (r.status === "fail" || r.status === "warn"))
      lines.push(`    ${" ".repeat(width)}  → ${r.fix}`);
  }
  const failed = report.results.filter((r) => r.status === "fail").length;
  const warned = report.results.filter((r) => r.status === "warn").length;
  lines.push("");
  lines.push(
    failed === 0
      ? `All checks passed${warned ? ` (${warned} warning${warned === 1 ? "" : "s"})` : ""}.`
      : `${failed} check${failed === 1 ? "" : "s"} failed${warned ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}.`,
  );
  return `${lines.join("\n")}\n`;
}

/** Loaded by `zoomgram doctor` only (src/cli/commands.ts holds its summary). */
export const doctorCommand: Omit<Command, "summary"> = {
  help: `Usage: zoomgram doctor

Checks the deployment and prints a checklist with a fix for each problem:
  configuration, database and migrations, the bot token (getMe), ADMIN_CHAT_ID, the Zoom app's
  credentials (token endpoint), PUBLIC_URL/healthz and the webhook route (a signed URL
  validation, as Zoom sends it), ffmpeg, MEDIA_DIR. Changes nothing.

Exit code: 0 all passed (warnings allowed), 1 a check failed, 2 the configuration is invalid.
Reads the same environment (and .env) as the service.`,
  options: {},
  async run() {
    const report = await runDoctor(readEnvironment());
    process.stdout.write(formatDoctorReport(report));
    return report.exitCode;
  },
};
