/**
 * The HTTP app is a value: tests call app.request() on it, only app.ts binds a port. Every route
 * shares one body limit, one request id and one error mapping.
 */

import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import type { Logger } from "pino";
import { AppError, describeError } from "../errors.js";
import type { Metrics } from "../observability/metrics.js";
import { accessLog } from "./access-log.js";
import type { HttpApp, HttpEnv } from "./http-env.js";

export type { HttpApp, HttpEnv };

/** Zoom and Telegram send small JSON; CONTRACT: bodies over 1 MiB get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  /** Resolves true when the database answers and migrations are applied. */
  ready: () => Promise<boolean>;
  /** Refreshes gauges that are read from the database (jobs by state) before a scrape. */
  beforeScrape?: () => Promise<void>;
  /** Feature routes, mounted in order. */
  routes: ReadonlyArray<(app: HttpApp) => void>;
}

export function createHttpApp(options: HttpAppOptions): HttpApp {
  const app = new Hono<HttpEnv>();
  app.use(requestId({ limitLength: 64 }));
  app.use(accessLog(options.logger));
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError("http.payload_too_large", "request body too large", { status: 413 });
      },
    }),
  );

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const ready = await options.ready().catch(() => false);
    return c.json({ status: ready ? "ready" : "not ready" }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    await options
      .beforeScrape?.()
      .catch((error) => options.logger.warn({ err: describeError(error) }, "metrics refresh failed"));
    const body = await options.metrics.registry.metrics();
    return c.body(body, 200, { "content-type": options.metrics.registry.contentType });
  });

  for (const mount of options.routes) mount(app);

  app.notFound((c) => c.json({ error: "http.not_found", message: "not found" }, 404));
  app.onError((error, c) => {
    const id = c.get("requestId");
    if (error instanceof AppError) {
      if (error.status >= 500)
        options.logger.error({ requestId: id, err: describeError(error) }, "request failed");
      return c.json({ ...error.toJSON(), requestId: id }, error.status as 400);
    }
    if (error instanceof HTTPException) {
      return c.json({ error: "http.error", message: error.message, requestId: id }, error.status);
    }
    options.logger.error({ requestId: id, err: error }, "unhandled error");
    return c.json({ error: "internal", message: "internal error", requestId: id }, 500);
  });
  return app;
}
