/**
 * Prometheus metrics (prom-client), one registry per app instance so tests and several apps in
 * one process never share counters. Names carry the `zoomgram_` prefix.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  webhooks: Counter<"event" | "result">;
  webhookLatency: Histogram<"event">;
  jobs: Gauge<"state">;
  oldestWaitingJobSeconds: Gauge;
  jobDuration: Histogram<"kind" | "outcome">;
  jobFailures: Counter<"kind" | "cause">;
  bytesDownloaded: Counter;
  bytesUploaded: Counter;
  deliveryLatency: Histogram<"kind">;
  deliveries: Counter<"kind" | "result">;
  tokenRefreshes: Counter<"result">;
  telegramUpdates: Counter<"mode">;
  inboxPending: Gauge;
  inboxLagSeconds: Gauge;
  inboxFailed: Gauge;
  inboxCommitSize: Histogram<"side">;
  /** Minutes of audio transcribed by speech to text (issue 16). */
  speechMinutes: Counter;
  /** Speech-to-text requests that failed, by cause (rate_limited, server, unreachable, …). */
  speechFailures: Counter<"cause">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: "zoomgram_" });
  const { counter, gauge, histogram } = metricsOn(registry);
  return {
    registry,
    webhooks: counter("zoomgram_webhooks_total", "Zoom webhook requests by event and result", [
      "event",
      "result",
    ]),
    webhookLatency: histogram(
      "zoomgram_webhook_handling_seconds",
      "Time to verify, record and acknowledge a Zoom webhook",
      ["event"],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    ),
    inboxPending: gauge("zoomgram_webhook_inbox_pending", "Verified webhooks stored but not yet processed"),
    inboxLagSeconds: gauge(
      "zoomgram_webhook_inbox_lag_seconds",
      "How long the oldest unprocessed webhook has waited (admission control answers 503 above WEBHOOK_MAX_BACKLOG_SECONDS)",
    ),
    inboxFailed: gauge(
      "zoomgram_webhook_inbox_failed",
      "Webhooks whose processing failed for good (kept in webhook_inbox with their error)",
    ),
    inboxCommitSize: histogram(
      "zoomgram_webhook_inbox_commit_size",
      "Webhooks per commit: appended (group commit) or processed (batch)",
      ["side"],
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
    ),
    jobs: gauge("zoomgram_jobs", "Jobs by state", ["state"]),
    oldestWaitingJobSeconds: gauge(
      "zoomgram_oldest_waiting_job_seconds",
      "Age of the oldest job that is due but not running",
    ),
    jobDuration: histogram(
      "zoomgram_job_duration_seconds",
      "Job run time by kind and outcome",
      ["kind", "outcome"],
      [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    ),
    jobFailures: counter(
      "zoomgram_job_failures_total",
      "Job failures by kind and cause (zoom_429, telegram_413, download_html, …)",
      ["kind", "cause"],
    ),
    bytesDownloaded: counter("zoomgram_bytes_downloaded_total", "Recording bytes downloaded from Zoom"),
    bytesUploaded: counter("zoomgram_bytes_uploaded_total", "Bytes uploaded to Telegram"),
    deliveryLatency: histogram(
      "zoomgram_delivery_latency_seconds",
      "Webhook received → delivered in the chat",
      ["kind"],
      [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400],
    ),
    deliveries: counter("zoomgram_deliveries_total", "Deliveries by kind and result", ["kind", "result"]),
    tokenRefreshes: counter("zoomgram_token_refreshes_total", "Zoom OAuth token refreshes by result", [
      "result",
    ]),
    telegramUpdates: counter("zoomgram_telegram_updates_total", "Telegram updates handled, by mode", [
      "mode",
    ]),
    speechMinutes: counter("zoomgram_speech_minutes_total", "Minutes of audio transcribed by speech to text"),
    speechFailures: counter(
      "zoomgram_speech_failures_total",
      "Speech-to-text failures by cause (a piece that failed for good, or a failed meeting)",
      ["cause"],
    ),
  };
}

/** Metric constructors that register in `registry` (never in prom-client's global one). */
function metricsOn(registry: Registry) {
  const registers = [registry];
  return {
    counter: <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers }),
    gauge: <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers }),
    histogram: <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers }),
  };
}
