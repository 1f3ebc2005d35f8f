/**
 * GET /metrics moves with a delivery: one recording.completed through the fakes — its token
 * expired, Zoom's recordings API rate-limited once — and every series the operator dashboards and
 * alerts read changes as it should: webhooks by event and result and their latency, jobs by state
 * and the oldest waiting job, job durations and failures by cause, bytes down and up, end-to-end
 * latency from webhook to chat, token refreshes, Telegram updates; the default Node.js metrics
 * are there too.
 */
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { METRICS_AUTH } from "../support/config.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { addRecording } from "../support/recordings.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

const audio = testAudioForFile({ seconds: 8, bitrateKbps: 64 });

const closeAfterTest = closeAfterEachTest<OpsHarness>();

type Sample = { name: string; labels: Record<string, string>; value: number };

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[k as string] = v as string;
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(b: OpsHarness) {
  const res = await b.app.http.request("/metrics", { headers: METRICS_AUTH });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const samples = parse(await res.text());
  /** Sum of the samples of `name` whose labels include `labels` (0 when none). */
  return (name: string, labels: Record<string, string> = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
}

describe(`metrics on ${TEST_DIALECT}`, () => {
  it("every operator series moves during one delivery", async () => {
    const b = closeAfterTest(await startOpsHarness());
    const user = b.zoom.addUser({ email: "host@example.com" });
    b.tg.addUser({ id: 4242, first_name: "Ann" });
    await b.connect({ user, chatId: 4242 });
    const meeting = addRecording(b.zoom, user, {
      uuid: "metrics/Meeting==",
      topic: "Metrics",
      duration: 1,
      audio: audio(),
    });
    const size = statSync(audio()).size;
    const initial = await scrape(b);
    expect(initial("zoomgram_webhooks_total")).toBe(0);

    // The stored access token is past due by the time the job runs: the job refreshes it.
    b.clock.advance(2 * 3_600_000);
    b.zoom.inject("recordings", { kind: "status", status: 429, retryAfter: "7" });
    const webhookAt = b.clock.now();
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    const bad = await b.app.http.request("/webhooks/zoom", { method: "POST", body: "{}" });
    expect(bad.status).toBe(401);

    // A job waits, and the gauge says for how long.
    b.clock.advance(90_000);
    const waiting = await scrape(b);
    expect(waiting("zoomgram_jobs", { state: "queued" })).toBe(1);
    expect(waiting("zoomgram_oldest_waiting_job_seconds")).toBe(90);

    await b.settle();
    const delivered = await scrape(b);

    expect(delivered("zoomgram_webhooks_total", { event: "recording.completed", result: "accepted" })).toBe(
      1,
    );
    expect(delivered("zoomgram_webhooks_total", { event: "recording.completed", result: "duplicate" })).toBe(
      1,
    );
    expect(delivered("zoomgram_webhooks_total", { event: "unverified", result: "missing_headers" })).toBe(1);
    expect(delivered("zoomgram_webhook_handling_seconds_count", { event: "recording.completed" })).toBe(2);
    expect(
      delivered("zoomgram_webhook_handling_seconds_sum", { event: "recording.completed" }),
    ).toBeGreaterThan(0);

    expect(delivered("zoomgram_jobs", { state: "completed" })).toBeGreaterThanOrEqual(1);
    expect(delivered("zoomgram_oldest_waiting_job_seconds")).toBe(0);
    expect(
      delivered("zoomgram_job_duration_seconds_count", { kind: "deliver-recording", outcome: "completed" }),
    ).toBe(1);
    expect(
      delivered("zoomgram_job_duration_seconds_count", { kind: "deliver-recording", outcome: "retry" }),
    ).toBe(1);
    expect(delivered("zoomgram_job_failures_total", { kind: "deliver-recording", cause: "zoom_429" })).toBe(
      1,
    );

    expect(delivered("zoomgram_bytes_downloaded_total")).toBe(size);
    expect(delivered("zoomgram_bytes_uploaded_total")).toBeGreaterThanOrEqual(size);
    expect(delivered("zoomgram_deliveries_total", { kind: "audio", result: "delivered" })).toBe(1);
    expect(delivered("zoomgram_delivery_latency_seconds_count", { kind: "audio" })).toBe(1);
    // Webhook → chat on the bench clock: 90 s queued plus the 7 s Zoom asked to wait, at least.
    const latency = delivered("zoomgram_delivery_latency_seconds_sum", { kind: "audio" });
    expect(latency).toBeGreaterThanOrEqual(97);
    expect(latency).toBeLessThanOrEqual((b.clock.now() - webhookAt) / 1000);
    expect(delivered("zoomgram_token_refreshes_total", { result: "ok" })).toBeGreaterThanOrEqual(1);

    await b.app.bot.handleUpdate(b.tg.userSends({ chatId: 4242, from: 4242, text: "/help" }) as never);
    const last = await scrape(b);
    expect(last("zoomgram_telegram_updates_total", { mode: "polling" })).toBe(1);

    // Default Node.js metrics, with the same prefix.
    for (const name of [
      "zoomgram_process_cpu_seconds_total",
      "zoomgram_process_resident_memory_bytes",
      "zoomgram_nodejs_eventloop_lag_seconds",
      "zoomgram_process_start_time_seconds",
    ]) {
      expect(last(name), name).toBeGreaterThan(0);
    }
  });

  it("counts failures of every job kind by cause", async () => {
    const b = closeAfterTest(await startOpsHarness());
    const user = b.zoom.addUser({ email: "host@example.com" });
    await b.connect({ user, chatId: 4242 });
    // Only a transcript: its job fails on a Zoom 503 first.
    const meeting = addRecording(b.zoom, user, {
      uuid: "metrics/Transcript==",
      topic: "Transcript only",
      duration: 1,
      vtt: "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAnn: Hello there.\n",
    });
    b.zoom.inject("recordings", { kind: "status", status: 503 });
    expect((await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid))).status).toBe(
      200,
    );
    await b.settle(["deliver-transcript"]);
    const delivered = await scrape(b);
    expect(delivered("zoomgram_job_failures_total", { kind: "deliver-transcript", cause: "zoom_5xx" })).toBe(
      1,
    );
    expect(delivered("zoomgram_deliveries_total", { kind: "transcript", result: "delivered" })).toBe(1);
  });
});

describe(`the metrics listener on ${TEST_DIALECT}`, () => {
  it("METRICS_PORT serves /metrics on loopback without a token; the public port refuses without one", async () => {
    const b = closeAfterTest(
      await startOpsHarness({ env: { METRICS_PORT: "0", METRICS_TOKEN: "", PORT: "0", HOST: "127.0.0.1" } }),
    );
    const { port, metricsPort } = await b.app.start();
    expect(metricsPort).toBeGreaterThan(0);
    const viaListener = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(viaListener.status).toBe(200);
    expect(await viaListener.text()).toContain("zoomgram_jobs");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    const publicPort = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(publicPort.status).toBe(404);
    expect(await publicPort.text()).not.toContain("zoomgram_");
  });
});
