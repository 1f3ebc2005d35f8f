/**
 * The durable webhook inbox (issue 14): group commit (many appends, few commits, every one durable
 * before its 2xx), admission control (503 + Retry-After, metric, admin alert), exactly-once
 * processing with two processors side by side, and nothing lost or half-written when processing
 * never happened (a crash after the append) or fails in the middle of a batch.
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { openDatabase } from "../../src/db/database.js";
import { createGroupCommit } from "../../src/db/group-commit.js";
import { createInboxProcessor } from "../../src/delivery/inbox-processor.js";
import type { IngestTable } from "../../src/delivery/ingest.js";
import { ingestors } from "../../src/delivery/ingest-table.js";
import { silentLogger } from "../../src/observability/logger.js";
import { METRICS_AUTH } from "../support/config.js";
import { countRows, TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest } from "../support/each-test.js";
import { type DeliveryHarness, startDeliveryHarness } from "./harness.js";

/** Harnesses, extra pools and apps of a test, closed newest first after it. */
const closeAfterTest = closeAfterEachTest();

const count = (b: DeliveryHarness, table: "webhook_inbox" | "webhook_events" | "jobs" | "deliveries") =>
  countRows(b.services.db, table);

/** A connected user with `n` meetings, each with one audio file. */
async function meetings(b: DeliveryHarness, n: number, chatId = 77): Promise<string[]> {
  const { zoomUserId } = await b.connect({ chatId });
  return Array.from(
    { length: n },
    (_, i) =>
      b.zoom.addMeeting({
        uuid: `inbox-meeting-${i}==`,
        hostUserId: zoomUserId,
        topic: `Meeting ${i}`,
        start_time: "2026-03-01T08:00:00Z",
        files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "x".repeat(50) }],
      }).uuid,
  );
}

function metricValue(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? Number.NaN : Number(line.split(" ").at(-1));
}

describe("group commit (src/db/group-commit.ts)", () => {
  it("writes items submitted in one turn as one batch, and resolves none before its batch committed", async () => {
    const batches: number[][] = [];
    let commit!: () => void;
    const group = createGroupCommit<number, string>({
      write: async (items) => {
        batches.push([...items]);
        await new Promise<void>((resolve) => {
          commit = resolve;
        });
        return items.map((i) => `ok ${i}`);
      },
    });
    const settled: string[] = [];
    const first = Array.from({ length: 10 }, (_, i) => group.submit(i).then((r) => settled.push(r)));
    // The batch is being written; nothing is answered yet, and new items wait for the next batch.
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    const second = [group.submit(10), group.submit(11)];
    await Promise.resolve();
    expect(settled).toEqual([]);
    commit();
    await Promise.all(first);
    expect(settled).toHaveLength(10);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches.at(-1)).toEqual([10, 11]);
    commit();
    expect(await Promise.all(second)).toEqual(["ok 10", "ok 11"]);
    expect(group.stats).toEqual({ commits: 2, items: 12 });
  });

  it("fails every item of a failed batch and keeps going with the next", async () => {
    let calls = 0;
    const group = createGroupCommit<number, number>({
      write: async (items) => {
        calls++;
        if (calls === 1) throw new Error("disk full");
        return [...items];
      },
    });
    const failed = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(await group.submit(3)).toBe(3);
    await group.flushed();
    expect(group.pending).toBe(0);
  });
});

describe(`webhook inbox on ${TEST_DIALECT}`, () => {
  // On SQLite, both ways of committing the appends: on the event loop, and in the write thread
  // (the production default, src/db/write-thread.ts).
  const threads = TEST_DIALECT === "sqlite" ? [false, true] : [false];
  it.each(threads)(
    "concurrent webhooks share commits, and each is durable (seen by another connection) when answered (write thread: %s)",
    async (thread) => {
      const bench = closeAfterTest(
        await startDeliveryHarness({ env: { SQLITE_WRITE_THREAD: String(thread) } }),
      );
      const [uuid] = await meetings(bench, 1);
      const n = 40;
      const responses = await Promise.all(
        Array.from({ length: n }, () =>
          bench.post(bench.zoom.buildEvent("recording.completed", uuid!), { process: false }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(n).fill(200));
      expect(await responses[0]!.json()).toEqual({ status: "received" });
      // Another connection sees every row: each 2xx came after its commit.
      const other = await openDatabase(bench.config.database.url, { connectRetries: 0 });
      closeAfterTest(other);
      const rows = await other.kysely.selectFrom("webhook_inbox").select("id").execute();
      expect(rows).toHaveLength(n);
      // The download token is stored only encrypted.
      const stored = await other.kysely.selectFrom("webhook_inbox").selectAll().executeTakeFirstOrThrow();
      expect(stored.payload).not.toContain("download_token");
      expect(stored.download_token_enc).not.toBeNull();

      const metrics = await (await bench.app.http.request("/metrics", { headers: METRICS_AUTH })).text();
      const commits = metricValue(metrics, "zoomgram_webhook_inbox_commit_size_count", '{side="append"}');
      expect(metricValue(metrics, "zoomgram_webhook_inbox_commit_size_sum", '{side="append"}')).toBe(n);
      expect(commits).toBeGreaterThanOrEqual(1);
      expect(commits).toBeLessThan(n);

      // Processing: one delivery, one job; every copy after the first is a duplicate, as before.
      expect(await bench.processInbox()).toBe(n);
      expect(await count(bench, "webhook_inbox")).toBe(0);
      expect(await bench.auditResults()).toEqual(["accepted", ...Array(n - 1).fill("duplicate")]);
      expect(await count(bench, "deliveries")).toBe(1);
      expect(await count(bench, "jobs")).toBe(1);
    },
  );

  it("answers 503 with Retry-After at once while the inbox is behind, with a metric and an admin alert", async () => {
    const admin = -100777;
    const bench = closeAfterTest(
      await startDeliveryHarness({
        env: { ADMIN_CHAT_ID: String(admin), WEBHOOK_MAX_BACKLOG_SECONDS: "5" },
      }),
    );
    bench.tg.addChat({ id: admin, type: "supergroup", title: "Operators" });
    const [uuid] = await meetings(bench, 1);
    const event = () => bench.zoom.buildEvent("recording.completed", uuid!);
    // No worker takes it: the backlog ages.
    expect((await bench.post(event(), { process: false })).status).toBe(200);
    bench.clock.advance(6_000);
    // A scrape reads the backlog (so does any request, at most every 250 ms).
    const scraped = await (await bench.app.http.request("/metrics", { headers: METRICS_AUTH })).text();
    expect(metricValue(scraped, "zoomgram_webhook_inbox_pending")).toBe(1);
    expect(metricValue(scraped, "zoomgram_webhook_inbox_lag_seconds")).toBe(6);

    const refused = await bench.post(event(), { process: false });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("6");
    expect(await refused.json()).toMatchObject({ error: "webhook.overloaded" });
    expect(await count(bench, "webhook_inbox")).toBe(1);
    // The CRC is still answered: Zoom's URL validation must not fail because of a backlog.
    const crc = await bench.post({ event: "endpoint.url_validation", payload: { plainToken: "abc" } });
    expect(crc.status).toBe(200);

    await bench.services.alerts.settle();
    const alerts = bench.tg.sent.filter((m) => m.chatId === admin).map((m) => m.text);
    expect(alerts).toEqual([
      "⚠️ Zoom webhooks are being refused with 503: the oldest unprocessed one has waited 6 s. Zoom retries them in 5, 20 and 60 minutes. Check that worker processes are running and keeping up.",
    ]);
    const after = await (await bench.app.http.request("/metrics", { headers: METRICS_AUTH })).text();
    expect(
      metricValue(after, "zoomgram_webhooks_total", '{event="recording.completed",result="overloaded"}'),
    ).toBe(1);

    // The worker catches up: admitted again.
    await bench.processInbox();
    await bench.app.http.request("/metrics", { headers: METRICS_AUTH });
    expect((await bench.post(event())).status).toBe(200);
    expect(await bench.auditResults()).toEqual(["accepted", "duplicate"]);
  });

  it("two processors side by side process every event exactly once", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const uuids = await meetings(bench, 5);
    const copies = 12;
    for (let copy = 0; copy < copies; copy++) {
      for (const uuid of uuids) {
        const response = await bench.post(bench.zoom.buildEvent("recording.completed", uuid), {
          process: false,
          headers: { "x-zm-request-id": `${uuid}#${copy}` },
        });
        expect(response.status).toBe(200);
      }
    }
    // PostgreSQL: a second pool, as a second worker process would have (FOR UPDATE SKIP LOCKED
    // splits the batches). SQLite has one writer; the second processor shares the connection.
    const secondDb =
      bench.services.db.dialect === "postgres"
        ? await openDatabase(bench.config.database.url, { connectRetries: 0 })
        : bench.services.db;
    if (secondDb !== bench.services.db) closeAfterTest(secondDb);
    const first = createInboxProcessor(bench.services, { batchSize: 7 });
    const second = createInboxProcessor({ ...bench.services, db: secondDb }, { batchSize: 7 });
    const [a, b] = await Promise.all([first.drain(), second.drain()]);
    expect(a + b).toBe(uuids.length * copies);

    const audit = await bench.services.db.kysely
      .selectFrom("webhook_events")
      .select(["request_id", "result", "meeting_uuid"])
      .execute();
    expect(audit).toHaveLength(uuids.length * copies);
    expect(new Set(audit.map((r) => r.request_id)).size).toBe(uuids.length * copies);
    for (const uuid of uuids) {
      const results = audit.filter((r) => r.meeting_uuid === uuid).map((r) => r.result);
      expect(results.filter((r) => r === "accepted")).toHaveLength(1);
      expect(results.filter((r) => r === "duplicate")).toHaveLength(copies - 1);
    }
    expect(await count(bench, "deliveries")).toBe(uuids.length);
    expect(await count(bench, "jobs")).toBe(uuids.length);
    expect(await count(bench, "webhook_inbox")).toBe(0);
  });

  it("a crash after the append loses nothing: the next worker process finds the events and does the work", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const uuids = await meetings(bench, 3);
    for (const uuid of uuids) {
      expect(
        (await bench.post(bench.zoom.buildEvent("recording.completed", uuid), { process: false })).status,
      ).toBe(200);
    }
    // The process that answered dies before any worker ran: all that is left is the database.
    expect(await count(bench, "webhook_events")).toBe(0);
    const next = await createApp(
      bench.config,
      { web: false, worker: true },
      {
        clock: bench.clock,
        logger: silentLogger(),
        botInfo: bench.tg.botInfo as never,
        disablePolling: true,
        disablePeriodic: true,
        ffmpeg: null,
      },
    );
    closeAfterTest({ close: () => next.stop() });
    expect(await next.worker!.drainFeeders()).toBe(3);
    expect(await bench.auditResults()).toEqual(["accepted", "accepted", "accepted"]);
    expect(await count(bench, "jobs")).toBe(3);
    expect(await count(bench, "webhook_inbox")).toBe(0);
  });

  it("a batch that fails half-way is rolled back whole; its events are retried alone, the bad one set aside", async () => {
    const bench = closeAfterTest(await startDeliveryHarness());
    const [good1, bad, good2] = await meetings(bench, 3);
    for (const uuid of [good1!, bad!, good2!]) {
      await bench.post(bench.zoom.buildEvent("recording.completed", uuid), { process: false });
    }
    let failures = 0;
    const flaky: IngestTable = {
      ...ingestors,
      "recording.completed": async (services, event, ctx) => {
        // Writes first, then fails: the batch's transaction must not keep any of it.
        const outcome = await ingestors["recording.completed"]!(services, event, ctx);
        if (event.payload.object.uuid === bad) {
          failures++;
          throw new Error("poison event");
        }
        return outcome;
      },
    };
    const processor = createInboxProcessor(bench.services, { ingestors: flaky, batchSize: 10 });
    expect(await processor.drain()).toBe(2);
    // Once in the batch, once alone.
    expect(failures).toBe(2);
    const audit = await bench.services.db.kysely
      .selectFrom("webhook_events")
      .select("meeting_uuid")
      .execute();
    expect(audit.map((r) => r.meeting_uuid).sort()).toEqual([good1, good2].sort());
    expect(await count(bench, "jobs")).toBe(2);
    const left = await bench.services.db.kysely.selectFrom("webhook_inbox").selectAll().execute();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ state: "pending", attempts: 1, last_error: "Error: poison event" });

    // Not due until its retry time; then the (fixed) processor delivers it.
    expect(await bench.processInbox()).toBe(0);
    bench.clock.advance(1_000);
    expect(await bench.processInbox()).toBe(1);
    expect(await count(bench, "jobs")).toBe(3);
    expect(await count(bench, "webhook_inbox")).toBe(0);
  });
});
