/**
 * `POST /webhooks/zoom` and `POST /webhooks/zoom/deauth` (CONTRACT "HTTP endpoints",
 * reference/zoom.md §1, §2). In order, and nothing is written before the request proved itself:
 *
 * 1. the raw body bytes (over 1 MiB: 413 from the app-wide body limit);
 * 2. `x-zm-signature` over exactly those bytes, in constant time, and `x-zm-request-timestamp`
 *    within 300 s → else 401 (Zoom never retries a 4xx);
 * 3. JSON and the event's schema → else 400; an unknown but signed event → 200, ignored;
 * 4. the CRC (`endpoint.url_validation`) is answered only now, after verification (§1.6);
 * 5. admission control (src/delivery/inbox-admission.ts): while the inbox is more than
 *    WEBHOOK_MAX_BACKLOG_SECONDS behind, 503 with Retry-After at once (Zoom retries a 5xx);
 * 6. an event with an ingestor is appended to the durable inbox (`webhook_inbox`) with group
 *    commit (src/delivery/inbox-writer.ts); only after its batch committed does the 200 go out.
 *    Everything else — audit row, meeting, files, deliveries, jobs, the card — is done from the
 *    inbox by the worker role (src/delivery/inbox-processor.ts), off the request path.
 *
 * Nothing here calls Zoom or Telegram, so an answer takes milliseconds, far inside Zoom's 3 s.
 * A database failure in step 6 is a 500 on purpose: that is the one case Zoom should retry.
 */
import { performance } from "node:perf_hooks";
import type { HttpApp } from "../http/create-http-app.js";
import type { DirectAnswer, DirectRequest } from "../http/direct-routes.js";
import { parseZoomEvent } from "../zoom/events.js";
import { computeCrcResponse, verifyZoomSignature } from "../zoom/webhook-signature.js";
import type { DeliveryServices } from "./delivery-services.js";
import type { InboxAdmission } from "./inbox-admission.js";
import { type InboxWriter, inboxTokenAad, rawMeetingUuid } from "./inbox-writer.js";
import { auditPayload, type IngestTable, ingestorFor } from "./ingest.js";
import { ingestors as defaultIngestors } from "./ingest-table.js";

export const ZOOM_WEBHOOK_PATH = "/webhooks/zoom";
export const ZOOM_DEAUTH_PATH = "/webhooks/zoom/deauth";

export interface WebhookInbox {
  writer: InboxWriter;
  admission: InboxAdmission;
}

export function zoomWebhookRoutes(
  app: HttpApp,
  services: DeliveryServices,
  inbox: WebhookInbox,
  ingestors: IngestTable = defaultIngestors,
): void {
  // Served ahead of Hono by the listener (src/http/direct-routes.ts): the web role's hot path.
  const handler = (request: DirectRequest) => handleZoomWebhook(request, services, inbox, ingestors);
  app.direct(ZOOM_WEBHOOK_PATH, handler);
  // Zoom's deauthorization endpoint is configured separately but verified the same way; every
  // event is accepted on both paths.
  app.direct(ZOOM_DEAUTH_PATH, handler);
}

const decoder = new TextDecoder("utf-8", { fatal: true });

async function handleZoomWebhook(
  request: DirectRequest,
  services: DeliveryServices,
  inbox: WebhookInbox,
  ingestors: IngestTable,
): Promise<DirectAnswer> {
  const started = performance.now();
  const { metrics } = services;
  // A child logger costs a pass over its bindings: made only when a line is written.
  const log = () => services.logger.child({ component: "zoom.webhook", requestId: request.requestId });
  const done = (event: string, result: string) => {
    metrics.webhooks.inc({ event, result });
    metrics.webhookLatency.observe({ event }, (performance.now() - started) / 1000);
  };

  const receivedAt = services.clock.now();
  const rawBody = request.body;
  const verified = verifyZoomSignature({
    secret: services.config.zoom.webhookSecret,
    timestampHeader: request.header("x-zm-request-timestamp"),
    signatureHeader: request.header("x-zm-signature"),
    rawBody,
    nowMs: receivedAt,
  });
  if (!verified.ok) {
    done("unverified", verified.reason);
    services.alerts.webhookVerificationFailed(verified.reason);
    // Stale timestamps on correctly signed requests tell us how Zoom's retries behave (zoom.md §1.3).
    log().warn({ reason: verified.reason }, "Zoom webhook refused: verification failed");
    return refuseUnverified(verified.reason);
  }

  const body = decodeBody(rawBody);
  if (!body) {
    done("malformed", "invalid");
    return { status: 400, json: { error: "webhook.malformed", message: "body is not UTF-8 JSON" } };
  }
  const { json } = body;
  const parsed = parseZoomEvent(json);
  if (parsed.kind === "unknown") {
    done("other", "ignored");
    log().info({ event: parsed.event.slice(0, 100) }, "Zoom event not handled; acknowledged");
    return { status: 200, json: { status: "ignored" } };
  }
  if (parsed.kind === "invalid") {
    // `json` may be any JSON value here, `null` included: read `event` only off an object.
    const event = typeof json === "object" && json !== null ? (json as { event?: unknown }).event : undefined;
    const name = typeof event === "string" ? event : "malformed";
    done(metricEventName(name), "invalid");
    log().warn({ issues: parsed.issues.slice(0, 10) }, "Zoom event did not match its schema");
    return {
      status: 400,
      json: { error: "webhook.malformed", message: "event does not have the documented shape" },
    };
  }

  const event = parsed.event;
  if (event.event === "endpoint.url_validation") {
    done(event.event, "crc");
    return {
      status: 200,
      json: computeCrcResponse(services.config.zoom.webhookSecret, event.payload.plainToken),
    };
  }

  if (!ingestorFor(ingestors, event)) {
    done(event.event, "ignored");
    return { status: 200, json: { status: "ignored" } };
  }
  const admission = inbox.admission.check();
  if (!admission.admit) {
    done(event.event, "overloaded");
    return refuseOverloaded(admission);
  }
  const id = await storeInInbox(request, services, inbox, {
    receivedAt,
    event: event.event,
    raw: json as Record<string, unknown>,
  });
  // zoomgram_webhooks_total counts the event's outcome once the processor decided it.
  metrics.webhookLatency.observe({ event: event.event }, (performance.now() - started) / 1000);
  if (services.logger.isLevelEnabled("debug"))
    log().debug({ event: event.event, inboxId: id }, "Zoom event stored in the inbox");
  return { status: 200, json: { status: "received" } };
}

function refuseUnverified(reason: string): DirectAnswer {
  const stale = reason === "stale_timestamp";
  return {
    status: 401,
    json: {
      error: stale ? "webhook.stale" : "webhook.unauthorized",
      message: stale ? "request timestamp is more than 300 s off" : "signature verification failed",
    },
  };
}

/** 503 with Retry-After: the inbox is too far behind to take more now. */
function refuseOverloaded(admission: { retryAfterSeconds: number; lagSeconds: number }): DirectAnswer {
  return {
    status: 503,
    headers: { "Retry-After": String(admission.retryAfterSeconds) },
    json: {
      error: "webhook.overloaded",
      message: `the inbox is ${Math.round(admission.lagSeconds)} s behind; retry later`,
    },
  };
}

/** The body as JSON, or undefined when it is not UTF-8 JSON. */
function decodeBody(rawBody: Uint8Array): { json: unknown } | undefined {
  let json: unknown;
  let text: string;
  try {
    text = decoder.decode(rawBody);
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  // Zoom never sends U+0000, and PostgreSQL text cannot hold it: drop it before anything is stored.
  // JSON can only carry it escaped, so a body without the escape needs no walk.
  if (text.includes("\\u0000")) json = withoutNul(json);
  return { json };
}

/** The verified event into the inbox, its download token encrypted; resolves with the inbox id. */
function storeInInbox(
  request: DirectRequest,
  services: DeliveryServices,
  inbox: WebhookInbox,
  input: { receivedAt: number; event: string; raw: Record<string, unknown> },
) {
  const { raw } = input;
  const token = typeof raw.download_token === "string" ? raw.download_token : undefined;
  return inbox.writer.submit({
    receivedAt: input.receivedAt,
    event: input.event,
    requestId: request.header("x-zm-request-id") ?? request.header("x-zm-trackingid") ?? request.requestId,
    payload: auditPayload(raw),
    downloadTokenEnc: token ? services.cipher.encrypt(token, inboxTokenAad(rawMeetingUuid(raw))) : null,
  });
}

/** Metric labels stay a small set: known event names, else "other". */
function metricEventName(name: string): string {
  return [
    "recording.completed",
    "recording.transcript_completed",
    "meeting.summary_completed",
    "app_deauthorized",
    "recording.trashed",
    "recording.deleted",
    "recording.recovered",
    "endpoint.url_validation",
  ].includes(name)
    ? name
    : "other";
}

/** Removes U+0000 from every string (keys too) of a parsed JSON value. */
function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", "") : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[withoutNul(key) as string] = withoutNul(inner);
    return out;
  }
  return value;
}
