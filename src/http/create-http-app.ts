/**
 * The HTTP app is a value: tests call app.request() on it, only app.ts binds a port. Every route
 * shares one body limit, one request id and one error mapping.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { Metrics } from "../observability/metrics.js";
import { accessLog } from "./access-log.js";
import { bodyLimit } from "./body-limit.js";
import { errorAnswer, payloadTooLarge, requestIdFrom } from "./direct-routes.js";
import { HttpApp, type HttpEnv } from "./http-env.js";

export type { HttpApp, HttpEnv };

/** Zoom and Telegram send small JSON; CONTRACT: bodies over 1 MiB get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Resolves true when the database answers and migrations are applied. */
  ready: () => Promise<boolean>;
  /**
   * Refreshes gauges that are read from the database (jobs by state) before a scrape; cached for
   * {@link SCRAPE_REFRESH_MS}.
   */
  beforeScrape?: () => Promise<void>;
  /** Constant-cost refreshes run before every scrape (features' own gauges, e.g. the inbox backlog). */
  everyScrape?: () => Promise<void>;
  /**
   * Who may read `GET /metrics` on this (public) listener (issue #13, item 9): with a token, only
   * `Authorization: Bearer <token>`; without one, nobody (404) — scrape the METRICS_PORT listener.
   */
  metricsToken?: string | undefined;
  /** Clock for the scrape cache. */
  now?: () => number;
  /** Feature routes, mounted in order. */
  routes: ReadonlyArray<(app: HttpApp) => void>;
}

/** How long gauges read from the database are reused: a scrape costs at most this often a query. */
export const SCRAPE_REFRESH_MS = 5_000;

type ScrapeOptions = Pick<HttpAppOptions, "logger" | "metrics" | "beforeScrape" | "everyScrape" | "now">;

/**
 * `GET /metrics`: the registry as text. Gauges read from the database are refreshed at most once
 * per {@link SCRAPE_REFRESH_MS}, whatever the scrape rate, so a scrape costs constant work.
 */
function metricsHandler(options: ScrapeOptions) {
  const now = options.now ?? Date.now;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  let refreshing: Promise<void> | undefined;
  return async (c: Context<HttpEnv>) => {
    if (options.beforeScrape && now() - refreshedAt >= SCRAPE_REFRESH_MS) {
      refreshing ??= options
        .beforeScrape()
        .then(() => {
          refreshedAt = now();
        })
        .catch((error) => options.logger.warn({ err: describeError(error) }, "metrics refresh failed"))
        .finally(() => {
          refreshing = undefined;
        });
      await refreshing;
    }
    await options
      .everyScrape?.()
      .catch((error) => options.logger.warn({ err: describeError(error) }, "metrics refresh failed"));
    const body = await options.metrics.registry.metrics();
    return c.body(body, 200, { "content-type": options.metrics.registry.contentType });
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? "");
  if (!m) return false;
  const got = createHash("sha256")
    .update(m[1] as string)
    .digest();
  const want = createHash("sha256").update(token).digest();
  return timingSafeEqual(got, want);
}

/**
 * The METRICS_PORT listener's app: `GET /metrics` and nothing else, no token (it binds to
 * METRICS_HOST, loopback by default).
 */
export function createMetricsApp(options: ScrapeOptions): HttpApp {
  const app = new HttpApp();
  app.get("/metrics", metricsHandler(options));
  app.notFound((c) => c.json({ error: "http.not_found", message: "not found" }, 404));
  return app;
}

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const app = new HttpApp();
  app.use(async (c, next) => {
    const id = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", id);
    c.header("X-Request-Id", id);
    await next();
  });
  app.use(accessLog(options.logger));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw payloadTooLarge();
      },
    }),
  );

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const ready = await options.ready().catch(() => false);
    return c.json({ status: ready ? "ready" : "not ready" }, ready ? 200 : 503);
  });
  const scrape = metricsHandler(options);
  app.get("/metrics", async (c) => {
    const token = options.metricsToken;
    if (token === undefined) return c.json({ error: "http.not_found", message: "not found" }, 404);
    if (!bearerMatches(c.req.header("authorization"), token)) {
      return c.json({ error: "http.unauthorized", message: "metrics need a bearer token" }, 401, {
        "www-authenticate": 'Bearer realm="metrics"',
      });
    }
    return scrape(c);
  });

  for (const mount of options.routes) mount(app);

  app.notFound((c) => c.json({ error: "http.not_found", message: "not found" }, 404));
  app.onError((error, c) => {
    const id = c.get("requestId");
    if (error instanceof HTTPException) {
      return c.json({ error: "http.error", message: error.message, requestId: id }, error.status);
    }
    const answer = errorAnswer(error, id, options.logger);
    return c.json(answer.json, answer.status as 400);
  });
  return app;
}
