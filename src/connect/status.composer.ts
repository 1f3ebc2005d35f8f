/**
 * /status, for real: each Zoom account connected to this chat with its email and since when,
 * whether Zoom answers right now (a live `users/me` and its latency), the chat's last deliveries
 * and how many jobs are still waiting. A chat without a connection is told how to make one.
 */
import { Composer } from "grammy";
import { describeError, isAppError } from "../errors.js";
import { formatDateTime } from "../i18n/format.js";
import type { Locale } from "../i18n/locales.js";
import { listUnfinishedJobPayloads } from "../jobs/queue.js";
import type { Logger } from "../observability/logger.js";
import type { Services } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import { findConnectionsByChatId, type ZoomConnection } from "./connection.repository.js";
import { recentDeliveries } from "./status.repository.js";
import type { TokenService } from "./token-service.js";

const RECENT_DELIVERIES = 5;

/** Delivery state → the words /history uses for it. */
const STATE_KEYS: Readonly<Record<string, string>> = {
  pending: "meeting-state-received",
  downloading: "meeting-state-downloading",
  uploading: "meeting-state-uploading",
  delivered: "meeting-state-delivered",
  failed: "meeting-state-failed",
  skipped: "meeting-state-skipped",
};

export interface StatusDeps {
  tokens: TokenService;
  /** Sections features above connect add (the chat's settings), after the connections. */
  extraLines?: ReadonlyArray<(ctx: BotContext, chatId: number) => Promise<string[]>>;
}

export function createStatusComposer(services: Services, deps: StatusDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const logger = services.logger.child({ component: "telegram.status" });
  composer.command("status", async (ctx) => {
    const chat = ctx.chat;
    if (!chat) return;
    const connections = await findConnectionsByChatId(
      services.db.kysely,
      chat.id,
      services.config.zoom.apiBaseUrl,
      {
        includeBroken: true,
      },
    );
    if (connections.length === 0) {
      await ctx.reply(ctx.t("status-not-connected"));
      return;
    }
    await ctx.reply((await statusLines(services, deps, logger, ctx, chat.id, connections)).join("\n"));
  });
  return composer;
}

/** The /status message of a chat with at least one connection, line by line. */
async function statusLines(
  services: Services,
  deps: StatusDeps,
  logger: Logger,
  ctx: BotContext,
  chatId: number,
  connections: readonly ZoomConnection[],
): Promise<string[]> {
  const locale = ctx.locale ?? "en";
  const lines = [ctx.t("status-header"), ""];
  for (const connection of connections) {
    lines.push(ctx.t("status-connected", { email: connection.email }));
    lines.push(
      ctx.t("status-connected-since", {
        date: formatDateTime(locale, new Date(connection.connectedAt), connection.timezone ?? undefined),
      }),
    );
    lines.push(await zoomLine(deps.tokens, logger, ctx, connection));
    lines.push("");
  }
  for (const section of deps.extraLines ?? []) {
    const extra = await section(ctx, chatId);
    if (extra.length > 0) lines.push(...extra, "");
  }
  lines.push(...(await recentLines(services, ctx, chatId, locale, connections[0]?.timezone ?? undefined)));
  lines.push("");
  lines.push(
    ctx.t("status-jobs-pending", {
      count: await pendingJobs(services, chatId, new Set(connections.map((c) => c.zoomUserId))),
    }),
  );
  return lines;
}

/** Whether Zoom answers for this connection right now, and how fast (a live `users/me`). */
async function zoomLine(
  tokens: TokenService,
  logger: Logger,
  ctx: BotContext,
  connection: ZoomConnection,
): Promise<string> {
  if (connection.status === "broken") {
    return ctx.t("status-zoom-unreachable", { reason: ctx.t("reason-zoom-access-rejected") });
  }
  const started = performance.now();
  try {
    let token = await tokens.getAccessToken(connection.zoomUserId);
    try {
      await tokens.oauth.getMe(token.accessToken, token.apiBaseUrl);
    } catch (error) {
      // A token Zoom no longer accepts (revoked, rotated out): refresh once, then ask again.
      if (!isAppError(error) || error.code !== "zoom.unauthorized") throw error;
      token = await tokens.getAccessToken(connection.zoomUserId, { forceRefresh: true });
      await tokens.oauth.getMe(token.accessToken, token.apiBaseUrl);
    }
    return ctx.t("status-zoom-reachable", { ms: Math.max(1, Math.round(performance.now() - started)) });
  } catch (error) {
    logger.info({ zoomUserId: connection.zoomUserId, err: describeError(error) }, "live Zoom check failed");
    const reason =
      isAppError(error) && (error.code === "zoom.refresh_rejected" || error.code === "zoom.unauthorized")
        ? "reason-zoom-access-rejected"
        : isAppError(error) && error.code === "zoom.rate_limited"
          ? "reason-zoom-rate-limited"
          : "reason-zoom-unreachable";
    return ctx.t("status-zoom-unreachable", { reason: ctx.t(reason) });
  }
}

async function recentLines(
  services: Services,
  ctx: BotContext,
  chatId: number,
  locale: Locale,
  fallbackZone: string | undefined,
) {
  const rows = await recentDeliveries(services.db.kysely, chatId, RECENT_DELIVERIES);
  if (rows.length === 0) return [ctx.t("status-recent-empty")];
  return [
    ctx.t("status-recent-header"),
    ...rows.map((row) => {
      const start = row.start_time ? Date.parse(row.start_time) : Number.NaN;
      const when = Number.isNaN(start) ? Number(row.created_at) : start;
      return ctx.t("status-recent-item", {
        topic: row.topic?.trim() || ctx.t("meeting-untitled"),
        date: formatDateTime(locale, new Date(when), row.timezone ?? fallbackZone),
        state: ctx.t(STATE_KEYS[row.state] ?? "meeting-state-received"),
      });
    }),
  ];
}

async function pendingJobs(
  services: Services,
  chatId: number,
  zoomUserIds: ReadonlySet<string>,
): Promise<number> {
  const jobs = await listUnfinishedJobPayloads(services.db.kysely);
  return jobs.filter(
    ({ payload }) =>
      payload.chatId === chatId ||
      (typeof payload.zoomUserId === "string" && zoomUserIds.has(payload.zoomUserId)),
  ).length;
}
