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
  const r = [registry];
  return {
    registry,
    webhooks: new Counter({
      name: "zoomgram_webhooks_total",
      help: "Zoom webhook requests by event and result",
      labelNames: ["event", "result"],
      registers: r,
    }),
    webhookLatency: new Histogram({
      name: "zoomgram_webhook_handling_seconds",
      help: "Time to verify, record and acknowledge a Zoom webhook",
      labelNames: ["event"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    }),
    inboxPending: new Gauge({
      name: "zoomgram_webhook_inbox_pending",
      help: "Verified webhooks stored but not yet processed",
      registers: r,
    }),
    inboxLagSeconds: new Gauge({
      name: "zoomgram_webhook_inbox_lag_seconds",
      help: "How long the oldest unprocessed webhook has waited (admission control answers 503 above WEBHOOK_MAX_BACKLOG_SECONDS)",
      registers: r,
    }),
    inboxFailed: new Gauge({
      name: "zoomgram_webhook_inbox_failed",
      help: "Webhooks whose processing failed for good (kept in webhook_inbox with their error)",
      registers: r,
    }),
    inboxCommitSize: new Histogram({
      name: "zoomgram_webhook_inbox_commit_size",
      help: "Webhooks per commit: appended (group commit) or processed (batch)",
      labelNames: ["side"],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: r,
    }),
    jobs: new Gauge({ name: "zoomgram_jobs", help: "Jobs by state", labelNames: ["state"], registers: r }),
    oldestWaitingJobSeconds: new Gauge({
      name: "zoomgram_oldest_waiting_job_seconds",
      help: "Age of the oldest job that is due but not running",
      registers: r,
    }),
    jobDuration: new Histogram({
      name: "zoomgram_job_duration_seconds",
      help: "Job run time by kind and outcome",
      labelNames: ["kind", "outcome"],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      registers: r,
    }),
    jobFailures: new Counter({
      name: "zoomgram_job_failures_total",
      help: "Job failures by kind and cause (zoom_429, telegram_413, download_html, …)",
      labelNames: ["kind", "cause"],
      registers: r,
    }),
    bytesDownloaded: new Counter({
      name: "zoomgram_bytes_downloaded_total",
      help: "Recording bytes downloaded from Zoom",
      registers: r,
    }),
    bytesUploaded: new Counter({
      name: "zoomgram_bytes_uploaded_total",
      help: "Bytes uploaded to Telegram",
      registers: r,
    }),
    deliveryLatency: new Histogram({
      name: "zoomgram_delivery_latency_seconds",
      help: "Webhook received → delivered in the chat",
      labelNames: ["kind"],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400],
      registers: r,
    }),
    deliveries: new Counter({
      name: "zoomgram_deliveries_total",
      help: "Deliveries by kind and result",
      labelNames: ["kind", "result"],
      registers: r,
    }),
    tokenRefreshes: new Counter({
      name: "zoomgram_token_refreshes_total",
      help: "Zoom OAuth token refreshes by result",
      labelNames: ["result"],
      registers: r,
    }),
    telegramUpdates: new Counter({
      name: "zoomgram_telegram_updates_total",
      help: "Telegram updates handled, by mode",
      labelNames: ["mode"],
      registers: r,
    }),
    speechMinutes: new Counter({
      name: "zoomgram_speech_minutes_total",
      help: "Minutes of audio transcribed by speech to text",
      registers: r,
    }),
    speechFailures: new Counter({
      name: "zoomgram_speech_failures_total",
      help: "Speech-to-text failures by cause (a piece that failed for good, or a failed meeting)",
      labelNames: ["cause"],
      registers: r,
    }),
  };
}
