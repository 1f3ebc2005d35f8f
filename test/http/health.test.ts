import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { createHttpApp, MAX_BODY_BYTES } from "../../src/http/create-http-app.js";
import { silentLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";

function app(ready: () => Promise<boolean>) {
  return createHttpApp({
    logger: silentLogger(),
    metrics: createMetrics({ defaultMetrics: false }),
    ready,
    metricsToken: "health-metrics-token-0123456789abcdef",
    routes: [
      (a) => {
        a.post("/echo", async (c) => c.json({ size: (await c.req.arrayBuffer()).byteLength }));
        a.get("/typed", () => {
          throw new AppError("connect.invalid_link", "bad link", { status: 400 });
        });
        a.get("/boom", () => {
          throw new Error("secret internals");
        });
      },
    ],
  });
}

describe("HTTP app", () => {
  let ready = true;
  afterEach(() => {
    ready = true;
  });

  it("answers /healthz always and /readyz by the readiness check", async () => {
    const a = app(async () => ready);
    expect((await a.request("/healthz")).status).toBe(200);
    expect((await a.request("/readyz")).status).toBe(200);
    ready = false;
    expect((await a.request("/readyz")).status).toBe(503);
    const throwing = app(async () => {
      throw new Error("db down");
    });
    expect((await throwing.request("/readyz")).status).toBe(503);
  });

  it("refuses bodies over 1 MiB with 413", async () => {
    const a = app(async () => true);
    const ok = await a.request("/echo", { method: "POST", body: "x".repeat(1000) });
    expect(ok.status).toBe(200);
    const big = await a.request("/echo", {
      method: "POST",
      body: "x".repeat(MAX_BODY_BYTES + 1),
      headers: { "content-length": String(MAX_BODY_BYTES + 1) },
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: "http.payload_too_large" });
  });

  it("maps typed errors to their status and hides unexpected ones behind a request id", async () => {
    const a = app(async () => true);
    const typed = await a.request("/typed");
    expect(typed.status).toBe(400);
    expect(await typed.json()).toMatchObject({ error: "connect.invalid_link", message: "bad link" });
    const boom = await a.request("/boom");
    expect(boom.status).toBe(500);
    const body = (await boom.json()) as { message: string; requestId: string };
    expect(body.message).toBe("internal error");
    expect(body.requestId).toBeTruthy();
    expect(JSON.stringify(body)).not.toContain("secret internals");
    expect((await a.request("/nope")).status).toBe(404);
  });

  it("serves Prometheus metrics only with the bearer token", async () => {
    const a = app(async () => true);
    const res = await a.request("/metrics", {
      headers: { authorization: "Bearer health-metrics-token-0123456789abcdef" },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("zoomgram_webhooks_total");
    for (const authorization of [
      undefined,
      "Bearer wrong-token",
      "Basic x",
      "Bearer health-metrics-token-0123456789abcde",
    ]) {
      const refused = await a.request("/metrics", authorization ? { headers: { authorization } } : {});
      expect(refused.status, authorization).toBe(401);
      expect(await refused.text()).not.toContain("zoomgram_");
    }
  });

  it("a scrape costs constant work: database gauges are refreshed at most once per 5 s, whatever the scrape rate", async () => {
    let now = 1_000_000;
    let refreshes = 0;
    const a = createHttpApp({
      logger: silentLogger(),
      metrics: createMetrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [],
      metricsToken: "health-metrics-token-0123456789abcdef",
      beforeScrape: async () => {
        refreshes++;
      },
      now: () => now,
    });
    const headers = { authorization: "Bearer health-metrics-token-0123456789abcdef" };
    const scrapes = await Promise.all(Array.from({ length: 50 }, () => a.request("/metrics", { headers })));
    expect(scrapes.every((r) => r.status === 200)).toBe(true);
    expect(refreshes).toBe(1);
    now += 4_999;
    await a.request("/metrics", { headers });
    expect(refreshes).toBe(1);
    now += 1;
    await a.request("/metrics", { headers });
    expect(refreshes).toBe(2);
  });

  it("does not serve /metrics on the public port without a token", async () => {
    const open = createHttpApp({
      logger: silentLogger(),
      metrics: createMetrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [],
    });
    const res = await open.request("/metrics");
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("zoomgram_");
  });
});
