/**
 * Every log line of a unit of work carries its ids: HTTP lines the request id (the same one the
 * response names), job lines the job id, kind and meeting UUID — also lines written by code that
 * uses another logger instance than the one the worker or middleware holds — and never a
 * duplicate key.
 */
import { Composer } from "grammy";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { AppError } from "../../src/errors.js";
import type { Feature } from "../../src/features.js";
import { features } from "../../src/features.js";
import { createHttpApp } from "../../src/http/create-http-app.js";
import { enqueueJob } from "../../src/jobs/queue.js";
import { Worker } from "../../src/jobs/worker.js";
import { currentLogContext, withLogContext } from "../../src/observability/log-context.js";
import { createLogger } from "../../src/observability/logger.js";
import { createMetrics } from "../../src/observability/metrics.js";
import type { BotContext } from "../../src/telegram/context.js";
import { startOpsHarness } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { databaseForEachTest } from "../support/each-test.js";

function memoryLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (s: string) => void lines.push(s) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Occurrences of `"key":` in a raw JSON line (JSON.parse would hide a duplicate). */
const keyCount = (line: string, key: string) => line.split(`"${key}":`).length - 1;

describe("log context", () => {
  it("nests: inner fields win, outer fields stay, nothing leaks out", async () => {
    expect(currentLogContext()).toEqual({});
    await withLogContext({ requestId: "r1", meetingUuid: "m1" }, async () => {
      await Promise.resolve();
      withLogContext({ meetingUuid: "m2", jobId: 7 }, () => {
        expect(currentLogContext()).toEqual({ requestId: "r1", meetingUuid: "m2", jobId: 7 });
      });
      expect(currentLogContext()).toEqual({ requestId: "r1", meetingUuid: "m1" });
    });
    expect(currentLogContext()).toEqual({});
  });

  it("HTTP: the access line and every line logged by a route carry the response's request id; the query is not logged", async () => {
    const http = memoryLogger();
    const feature = memoryLogger(); // a second logger instance, as a feature module would hold
    const app = createHttpApp({
      logger: http.logger,
      metrics: createMetrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [
        (a) => {
          a.get("/zoom/callback", async (c) => {
            await new Promise((r) => setImmediate(r));
            feature.logger.info({ step: "exchange" }, "exchanging the code");
            return c.text("ok");
          });
          a.get("/fail", () => {
            throw new AppError("zoom.unavailable", "zoom down", { status: 502 });
          });
        },
      ],
    });
    const res = await app.request("/zoom/callback?code=SECRETCODE123&state=SECRETSTATE456");
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    expect(id).toBeTruthy();

    const [routeLine] = feature.records();
    expect(routeLine).toMatchObject({ msg: "exchanging the code", requestId: id });
    const access = http.records().find((r) => r.msg === "request");
    expect(access).toMatchObject({ requestId: id, method: "GET", path: "/zoom/callback", status: 200 });
    expect(typeof access?.ms).toBe("number");
    const all = [...http.lines, ...feature.lines].join("");
    expect(all).not.toContain("SECRETCODE123");
    expect(all).not.toContain("SECRETSTATE456");
    for (const line of http.lines) expect(keyCount(line, "requestId")).toBe(1);

    const failed = await app.request("/fail", { headers: { "x-request-id": "abc-123" } });
    expect(failed.status).toBe(502);
    const errorLines = http.records().filter((r) => r.requestId === "abc-123");
    expect(errorLines.map((r) => r.msg)).toEqual(["request failed", "request failed"]);
    expect(errorLines.at(-1)).toMatchObject({ status: 502, level: "error" });
  });

  it("probes log at debug, so an info-level log is not flooded by scrapes", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", destination: { write: (s: string) => void lines.push(s) } });
    const app = createHttpApp({
      logger,
      metrics: createMetrics({ defaultMetrics: false }),
      ready: async () => true,
      routes: [],
      metricsToken: "log-context-metrics-token-0123456789",
    });
    expect((await app.request("/healthz")).status).toBe(200);
    const auth = { authorization: "Bearer log-context-metrics-token-0123456789" };
    expect((await app.request("/metrics", { headers: auth })).status).toBe(200);
    expect(lines).toEqual([]);
    expect((await app.request("/nope")).status).toBe(404);
    expect(lines).toHaveLength(1);
  });
});

describe(`job log context on ${TEST_DIALECT}`, () => {
  const t = databaseForEachTest();
  const clock = new ManualClock();

  it("lines written while a job runs carry jobId, jobKind and meetingUuid, through any logger, once each", async () => {
    const worker = memoryLogger();
    const other = memoryLogger();
    const uuid = "/ajXp112QmuoKj4854875==";
    const ok = await enqueueJob(
      t.db.kysely,
      { kind: "deliver", payload: { meetingUuid: uuid, chatId: 5 } },
      clock.now(),
    );
    const bad = await enqueueJob(
      t.db.kysely,
      { kind: "deliver", payload: { meetingUuid: "other==", fail: true }, maxAttempts: 1 },
      clock.now(),
    );
    const noMeeting = await enqueueJob(t.db.kysely, { kind: "sweep", payload: {} }, clock.now());
    const w = new Worker({
      db: t.db,
      clock,
      logger: worker.logger,
      handlers: {
        deliver: {
          run: async (p: { fail?: boolean }, ctx) => {
            await new Promise((r) => setImmediate(r));
            other.logger.info("downloading");
            ctx.logger.info("via ctx");
            if (p.fail) throw new AppError("download.html", "Zoom sent a web page");
            return undefined;
          },
        },
        sweep: {
          run: async () => {
            other.logger.info("sweeping");
            return undefined;
          },
        },
      },
    });
    expect(await w.drain()).toBe(3);

    const byJob = (id: number | null) => other.records().filter((r) => r.jobId === id);
    expect(byJob(ok)).toEqual([
      expect.objectContaining({ msg: "downloading", jobKind: "deliver", meetingUuid: uuid }),
    ]);
    expect(byJob(bad)).toEqual([expect.objectContaining({ msg: "downloading", meetingUuid: "other==" })]);
    const sweep = byJob(noMeeting);
    expect(sweep).toHaveLength(1);
    expect(sweep[0]).not.toHaveProperty("meetingUuid");

    const viaCtx = worker.records().filter((r) => r.msg === "via ctx");
    expect(viaCtx.map((r) => r.meetingUuid).sort()).toEqual([uuid, "other=="].sort());
    const dead = worker.records().find((r) => r.msg === "job is dead");
    expect(dead).toMatchObject({ jobId: bad, meetingUuid: "other==" });
    for (const line of [...worker.lines, ...other.lines]) {
      expect(keyCount(line, "jobId")).toBeLessThanOrEqual(1);
      expect(keyCount(line, "meetingUuid")).toBeLessThanOrEqual(1);
    }
    // Outside a job nothing is added.
    other.logger.info("idle");
    expect(other.records().at(-1)).not.toHaveProperty("jobId");
  });
});

describe(`bot update log context on ${TEST_DIALECT}`, () => {
  it("lines logged while the bot handles an update carry its update id and chat", async () => {
    const probe: Feature = {
      name: "probe",
      build: (services) => {
        const composer = new Composer<BotContext>();
        composer.command("probe", async (ctx) => {
          await new Promise((r) => setImmediate(r));
          services.logger.info("probe handled");
          await ctx.reply("ok");
        });
        return { composer };
      },
    };
    const bench = await startOpsHarness({ deps: { features: [...features, probe] } });
    try {
      bench.tg.addUser({ id: 77, first_name: "Ann" });
      const update = bench.tg.userSends({ chatId: 77, from: 77, text: "/probe" });
      await bench.app.bot.handleUpdate(update as never);
      const line = bench.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((r) => r.msg === "probe handled");
      expect(line).toMatchObject({ updateId: update.update_id, chatId: 77 });
    } finally {
      await bench.close();
    }
  });
});
