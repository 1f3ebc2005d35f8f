/**
 * What an event ingestor is. POST /webhooks/zoom verifies and parses a request, then hands the
 * event to the ingestor registered for its name (src/delivery/ingest-table.ts). An ingestor runs
 * in the request path, so it only writes the database: in ONE transaction it stores the audit row
 * (`webhook_events`), whatever the event describes, and the jobs that will do the work; after the
 * commit it calls `services.notifier.notify()`. It never calls Zoom or Telegram. When it returns,
 * the route answers 2xx, so everything Zoom must not have to re-send is durable by then.
 */
import { createHash } from "node:crypto";
import {
  findConnectionByZoomUserId,
  lockConnectionForIngest,
  type ZoomConnection,
} from "../connect/connection.repository.js";
import { type Executor, withTransaction } from "../db/database.js";
import { getChatSettings, type PartName, topicPasses } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import type { ZoomEvent, ZoomEventName } from "../zoom/events.js";
import { stripPasscodes } from "../zoom/passcodes.js";
import { insertWebhookEvent, type WebhookResult } from "./delivery.repository.js";
import type { DeliveryServices } from "./delivery-services.js";

export interface IngestContext {
  /** services.clock.now() when the request arrived. */
  receivedAt: number;
  /** The HTTP request id, stored on the audit row. */
  requestId: string | null;
  /** The verified body as parsed JSON, unvalidated (for the audit row; see {@link auditPayload}). */
  raw: Record<string, unknown>;
}

export interface IngestResult {
  /** Stored on the audit row and returned to Zoom. */
  result: WebhookResult;
  /** Jobs enqueued by this event. */
  jobs: number;
}

export type Ingestor<E extends ZoomEvent = ZoomEvent> = (
  services: DeliveryServices,
  event: E,
  ctx: IngestContext,
) => Promise<IngestResult>;

/** One optional ingestor per event name; an event without one is acknowledged and ignored. */
export type IngestTable = { [K in ZoomEventName]?: Ingestor<Extract<ZoomEvent, { event: K }>> };

/**
 * The body to store: everything but the top-level `download_token`, which is a 24 h bearer
 * credential (zoom.md §2.2) and is stored only encrypted ({@link encryptDownloadToken}), and
 * without recording passcodes (`password`, `recording_play_passcode`, `pwd=` in URLs).
 */
export function auditPayload(raw: Record<string, unknown>): string {
  const { download_token: _token, ...rest } = raw;
  return JSON.stringify(stripPasscodes(rest));
}

/** AAD binding a stored download token to its meeting: a copied ciphertext does not decrypt. */
export function downloadTokenAad(meetingUuid: string): string {
  return `webhook-download-token:${meetingUuid}`;
}

export function encryptDownloadToken(
  services: DeliveryServices,
  token: string | undefined,
  meetingUuid: string,
): string | null {
  return token ? services.cipher.encrypt(token, downloadTokenAad(meetingUuid)) : null;
}

/** A short, stable digest for dedupe keys built from lists of ids. */
export function digest(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 22);
}

/** The ingestor for an event, typed for the event it came with (the table guarantees the pairing). */
export function ingestorFor(table: IngestTable, event: ZoomEvent): Ingestor | undefined {
  return table[event.event] as Ingestor | undefined;
}

/** Writes this event's audit row (inside the ingest transaction) with the result it came to. */
export function webhookAuditor(
  tx: Executor,
  ctx: IngestContext,
  row: { event: string; meetingUuid: string; zoomUserId: string; downloadTokenEnc: string | null },
): (result: WebhookResult) => Promise<number> {
  return (result) =>
    insertWebhookEvent(tx, {
      receivedAt: ctx.receivedAt,
      event: row.event,
      meetingUuid: row.meetingUuid,
      zoomUserId: row.zoomUserId,
      requestId: ctx.requestId,
      result,
      downloadTokenEnc: row.downloadTokenEnc,
      payload: auditPayload(ctx.raw),
    });
}

/** The host's connection as an ingestor reads it before its transaction (then locks it inside). */
export function findHostConnection(
  services: DeliveryServices,
  zoomUserId: string,
): Promise<ZoomConnection | undefined> {
  return findConnectionByZoomUserId(services.db.kysely, zoomUserId, services.config.zoom.apiBaseUrl);
}

/** The connection re-read under a row lock: a purge cannot commit between this and our commit (#13, item 7). */
export function lockIngestConnection(
  tx: Executor,
  services: DeliveryServices,
  zoomUserId: string,
): Promise<ZoomConnection | undefined> {
  return lockConnectionForIngest(tx, zoomUserId, services.db.dialect, services.config.zoom.apiBaseUrl);
}

/** What an event about one part of a meeting (its transcript, its summary) brings to its ingest. */
export interface MeetingPartEvent<T> {
  /** The audit row's fields (see {@link webhookAuditor}). */
  audit: { event: string; meetingUuid: string; zoomUserId: string; downloadTokenEnc: string | null };
  /** The host's connection as read before the transaction; it is locked again inside. */
  connection: ZoomConnection | undefined;
  part: PartName;
  topic: string | undefined;
  /** What the event brings to deliver; undefined when nothing (no fetchable file, an empty summary). */
  content: T | undefined;
}

/**
 * The ingest of an event about one part of a meeting, in one transaction: `no_connection` unless
 * the host is connected, `ignored` when the event brings nothing or the chat did not choose this
 * part (or this meeting's topic) in /settings; otherwise `deliver` stores the part and enqueues its
 * jobs. The audit row records the result; workers are woken after the commit when a job was added.
 */
export async function ingestMeetingPart<T>(
  services: DeliveryServices,
  ctx: IngestContext,
  event: MeetingPartEvent<T>,
  deliver: (tx: Executor, chatId: number, content: T) => Promise<IngestResult>,
): Promise<IngestResult> {
  const { connection, content } = event;
  const outcome = await withTransaction(services.db, async (tx): Promise<IngestResult> => {
    const audit = webhookAuditor(tx, ctx, event.audit);
    const locked = await lockIngestConnection(tx, services, event.audit.zoomUserId);
    if (connection?.status !== "active" || locked === undefined) {
      await audit("no_connection");
      return { result: "no_connection", jobs: 0 };
    }
    const settings = await getChatSettings(tx, connection.chatId, defaultChatSettings(services.config));
    if (
      content === undefined ||
      !settings.parts[event.part] ||
      !topicPasses(settings.topicFilter, event.topic)
    ) {
      await audit("ignored");
      return { result: "ignored", jobs: 0 };
    }
    const delivered = await deliver(tx, connection.chatId, content);
    await audit(delivered.result);
    return delivered;
  });
  if (outcome.jobs > 0) services.notifier.notify();
  return outcome;
}
