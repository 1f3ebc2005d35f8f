/**
 * `zoomgram simulate <event>`: sends a correctly signed Zoom webhook to a running instance, so an
 * operator can test a deployment — TLS, proxy, secret, database, worker, bot — without holding a
 * Zoom meeting. The body is one of Zoom's examples (src/zoom/examples/), with the meeting UUID,
 * the Zoom user and `event_ts` filled in; with `--from-zoom` the meeting is the real one, fetched
 * with the connected user's token, so its files exist and the delivery really happens.
 *
 * The request goes over the network exactly as Zoom's would: raw JSON bytes, `x-zm-request-timestamp`,
 * `x-zm-signature` = v0=HMAC-SHA256(ZOOM_WEBHOOK_SECRET, "v0:{ts}:{body}").
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import pino from "pino";
import type { App } from "../app.js";
import { type Config, parseConfig, readEnvironment } from "../config.js";
import { openDatabase } from "../db/database.js";
import { findWebhookResult } from "../delivery/delivery.repository.js";
import { describeError } from "../errors.js";
import { createLogger } from "../observability/logger.js";
import type { ZoomRecordingMeeting } from "../zoom/events.js";
import { computeCrcResponse, computeZoomSignature } from "../zoom/webhook-signature.js";
import type { Command } from "./command.js";

export const SIMULATED_EVENTS = [
  "recording.completed",
  "recording.transcript_completed",
  "meeting.summary_completed",
  "app_deauthorized",
  "endpoint.url_validation",
] as const;
export type SimulatedEvent = (typeof SIMULATED_EVENTS)[number];

export function isSimulatedEvent(value: string): value is SimulatedEvent {
  return (SIMULATED_EVENTS as readonly string[]).includes(value);
}

type Json = Record<string, unknown>;

/** A fresh copy of the bundled example body for `event`. */
export function loadExample(event: SimulatedEvent): Json {
  const url = new URL(`../zoom/examples/${event}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Json;
}

export interface BuildEventInput {
  event: SimulatedEvent;
  /** Milliseconds since the epoch: `event_ts`, and the deauthorization time. */
  now: number;
  meetingUuid?: string | undefined;
  zoomUserId?: string | undefined;
  accountId?: string | undefined;
  topic?: string | undefined;
  clientId?: string | undefined;
  /** The real meeting (from the Zoom API): replaces the example's object for recording events. */
  meeting?: ZoomRecordingMeeting | undefined;
  downloadToken?: string | undefined;
}

/** The webhook body Zoom would send for this input. Pure: tests build and inspect it directly. */
export function buildSimulatedEvent(input: BuildEventInput): Json {
  const body = loadExample(input.event);
  body.event_ts = input.now;
  const payload = body.payload as Json;
  if (input.accountId) payload.account_id = input.accountId;

  switch (input.event) {
    case "recording.completed":
    case "recording.transcript_completed": {
      let object = payload.object as Json;
      if (input.meeting) {
        const transcriptsOnly = input.event === "recording.transcript_completed";
        const files = input.meeting.recording_files.filter(
          (f) => (f.file_type === "TRANSCRIPT") === transcriptsOnly,
        );
        object = { ...object, ...input.meeting, recording_files: files, recording_count: files.length };
        delete (object as { download_access_token?: unknown }).download_access_token;
        delete (object as { participant_audio_files?: unknown }).participant_audio_files;
      }
      if (input.meetingUuid) object.uuid = input.meetingUuid;
      if (input.zoomUserId) object.host_id = input.zoomUserId;
      if (input.accountId) object.account_id = input.accountId;
      if (input.topic) object.topic = input.topic;
      for (const file of (object.recording_files as Json[] | undefined) ?? []) file.meeting_id = object.uuid;
      payload.object = object;
      if (input.downloadToken) body.download_token = input.downloadToken;
      break;
    }
    case "meeting.summary_completed": {
      const object = payload.object as Json;
      if (input.meetingUuid) object.meeting_uuid = input.meetingUuid;
      if (input.zoomUserId) object.meeting_host_id = input.zoomUserId;
      if (input.topic) object.meeting_topic = input.topic;
      break;
    }
    case "app_deauthorized": {
      if (input.zoomUserId) payload.user_id = input.zoomUserId;
      if (input.clientId) payload.client_id = input.clientId;
      payload.deauthorization_time = new Date(input.now).toISOString();
      break;
    }
    case "endpoint.url_validation": {
      payload.plainToken = randomBytes(16).toString("base64url");
      break;
    }
  }
  return body;
}

export interface SendResult {
  status: number;
  body: unknown;
  /** What the instance's inbox processor recorded for the event (read from its database). */
  outcome?: string | undefined;
  /** For endpoint.url_validation: whether encryptedToken matched our secret. */
  crcValid?: boolean;
}

/** Signs `body` as Zoom does and POSTs it to `url`. */
export async function sendSignedEvent(input: {
  url: string;
  secret: string;
  body: Json;
  nowMs: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Sent as x-zm-request-id, so the event's audit row can be found. */
  requestId?: string;
}): Promise<SendResult> {
  const raw = JSON.stringify(input.body);
  const ts = String(Math.floor(input.nowMs / 1000));
  const response = await (input.fetch ?? globalThis.fetch)(input.url, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "zoomgram-simulate",
      ...(input.requestId ? { "x-zm-request-id": input.requestId } : {}),
      "x-zm-request-timestamp": ts,
      "x-zm-signature": computeZoomSignature(input.secret, ts, raw),
    },
    body: raw,
    signal: AbortSignal.timeout(input.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page): shown as text.
  }
  const result: SendResult = { status: response.status, body };
  if (input.body.event === "endpoint.url_validation") {
    const plainToken = ((input.body.payload as Json).plainToken as string) ?? "";
    result.crcValid =
      (body as { encryptedToken?: unknown })?.encryptedToken ===
      computeCrcResponse(input.secret, plainToken).encryptedToken;
  }
  return result;
}

/** The user's connection and, when asked, a real meeting with its download token, from Zoom. */
export async function meetingFromZoom(
  app: Pick<App, "services">,
  input: { zoomUserId: string; meetingUuid?: string | undefined; days?: number },
): Promise<{ meeting: ZoomRecordingMeeting; downloadToken: string | undefined }> {
  const { services } = app;
  const { tokens, zoomApi } = services;
  const access = await tokens.getAccessToken(input.zoomUserId);
  const auth = { apiBaseUrl: access.apiBaseUrl, accessToken: access.accessToken };
  let uuid = input.meetingUuid;
  if (!uuid) {
    // The user's most recent cloud recording of the last month.
    const to = new Date(services.clock.now());
    const from = new Date(to.getTime() - (input.days ?? 30) * 86_400_000);
    let latest: ZoomRecordingMeeting | undefined;
    for await (const m of zoomApi.listUserRecordings(auth, { from: day(from), to: day(to) })) {
      if (!latest || Date.parse(m.start_time ?? "") > Date.parse(latest.start_time ?? "")) latest = m;
    }
    if (!latest)
      throw new Error("this Zoom user has no cloud recording in the last 30 days: pass --meeting-uuid");
    uuid = latest.uuid;
  }
  const meeting = await zoomApi.getMeetingRecordings(auth, uuid);
  const { download_access_token: downloadToken, ...rest } = meeting;
  return { meeting: rest, downloadToken };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The most recently connected active Zoom user, for a default `--zoom-user`. */
async function latestConnectedUser(app: Pick<App, "services">): Promise<string | undefined> {
  const row = await app.services.db.kysely
    .selectFrom("zoom_connections")
    .select("zoom_user_id")
    .where("status", "=", "active")
    .orderBy("connected_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.zoom_user_id;
}

function explain(event: SimulatedEvent, result: SendResult, zoomUserId: string | undefined): string {
  if (result.status === 401) {
    return "Refused: the instance's ZOOM_WEBHOOK_SECRET differs from this one, or the clocks are more than 5 minutes apart.";
  }
  if (result.status === 404) return "Not found: the URL does not lead to Zoomgram's POST /webhooks/zoom.";
  if (result.status >= 400) return `The instance answered ${result.status}.`;
  if (event === "endpoint.url_validation") {
    return result.crcValid
      ? 'URL validation answered correctly: Zoom\'s "Validate" button will pass.'
      : "URL validation answered, but encryptedToken does not match this ZOOM_WEBHOOK_SECRET.";
  }
  const status = result.outcome ?? (result.body as { status?: string } | undefined)?.status;
  switch (status) {
    case "received":
      return "Received: the event is in the instance's inbox, but no worker recorded it within 15 s (is a worker running, on the same database?).";
    case "accepted":
      return "Accepted: the work is queued; watch the connected chat.";
    case "duplicate":
      return "Duplicate: these files were delivered (or queued) before — each file reaches a chat once. Use /history to resend.";
    case "no_connection":
      return zoomUserId
        ? `No connection: Zoom user ${zoomUserId} is not connected to any chat; /connect first.`
        : "No connection (the example's Zoom user): the route, signature and database work. Add --from-zoom to replay your latest recording for real.";
    case "ignored":
      return "Ignored: nothing deliverable in this event.";
    default:
      return `Answered ${result.status}${status ? ` (${status})` : ""}.`;
  }
}

/** Loaded by `zoomgram simulate` only (src/cli/commands.ts holds its summary). */
export const simulateCommand: Omit<Command, "summary"> = {
  help: `Usage: zoomgram simulate <event> [options]

Signs a Zoom webhook with ZOOM_WEBHOOK_SECRET and POSTs it to a running instance, as Zoom would.
Events: ${SIMULATED_EVENTS.join(", ")}

  --url URL            the instance's base URL (default PUBLIC_URL); the path /webhooks/zoom is added
  --meeting-uuid UUID  the meeting instance UUID (default: the example's; with --from-zoom, the
                       user's latest cloud recording)
  --zoom-user ID       the Zoom user id the event is about (default: the example's, which matches
                       no connection; with --from-zoom, the most recently connected user)
  --topic TEXT         the meeting topic
  --from-zoom          take the real meeting and its files from the Zoom API with the user's token
                       (needs DATABASE_URL); the delivery then really happens
  --dry-run            print the body instead of sending it

Exit code 0 when the instance answered 2xx (and, for endpoint.url_validation, correctly).`,
  options: {
    url: { type: "string" },
    "meeting-uuid": { type: "string" },
    "zoom-user": { type: "string" },
    topic: { type: "string" },
    "from-zoom": { type: "boolean" },
    "dry-run": { type: "boolean" },
  },
  async run(values, positionals) {
    const event = positionals[0] ?? "";
    if (!isSimulatedEvent(event)) {
      process.stderr.write(`zoomgram simulate: name one event: ${SIMULATED_EVENTS.join(", ")}\n`);
      return 1;
    }
    const parsed = parseConfig(readEnvironment());
    if (!parsed.ok) {
      process.stderr.write(
        `zoomgram simulate: the configuration has problems:\n${parsed.problems.map((p) => `  ${p}\n`).join("")}`,
      );
      return 2;
    }
    const config = parsed.config;
    const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
    const base = (str("url") ?? config.http.publicUrl).replace(/\/+$/, "");
    const target = `${base}${event === "app_deauthorized" ? "/webhooks/zoom/deauth" : "/webhooks/zoom"}`;

    let zoomUserId = str("zoom-user");
    let meeting: ZoomRecordingMeeting | undefined;
    let downloadToken: string | undefined;
    const fromZoom = values["from-zoom"] === true;
    if (fromZoom && event !== "recording.completed" && event !== "recording.transcript_completed") {
      process.stderr.write("zoomgram simulate: --from-zoom works with the recording events only\n");
      return 1;
    }
    if (fromZoom) {
      const real = await realMeeting(config, zoomUserId, str("meeting-uuid"));
      if ("error" in real) {
        process.stderr.write(`zoomgram simulate: ${real.error}\n`);
        return 1;
      }
      ({ zoomUserId, meeting, downloadToken } = real);
    }

    const now = Date.now();
    const body = buildSimulatedEvent({
      event,
      now,
      meetingUuid: str("meeting-uuid"),
      zoomUserId,
      topic: str("topic"),
      clientId: config.zoom.clientId,
      meeting,
      downloadToken,
    });
    if (values["dry-run"]) {
      process.stdout.write(
        `POST ${target}\n${JSON.stringify({ ...body, download_token: body.download_token ? "[redacted]" : undefined }, null, 2)}\n`,
      );
      return 0;
    }
    return sendAndReport(config, { target, event, body, now, zoomUserId });
  },
};

/**
 * With --from-zoom: the user (given, or the most recently connected) and their real meeting from
 * the Zoom API. Only here is a real user picked by default: an example event for a real user would
 * make a job chase files that do not exist (and app_deauthorized would really disconnect them).
 */
async function realMeeting(
  config: Config,
  zoomUserId: string | undefined,
  meetingUuid: string | undefined,
): Promise<
  { zoomUserId: string; meeting: ZoomRecordingMeeting; downloadToken: string | undefined } | { error: string }
> {
  let app: App | undefined;
  try {
    app = await openQuietApp(config);
    const user = zoomUserId ?? (await latestConnectedUser(app));
    if (!user) throw new Error("no connected Zoom user: /connect first, or pass --zoom-user");
    const { meeting, downloadToken } = await meetingFromZoom(app, { zoomUserId: user, meetingUuid });
    return { zoomUserId: user, meeting, downloadToken };
  } catch (error) {
    return { error: describeError(error) };
  } finally {
    await app?.stop().catch(() => undefined);
  }
}

/** Sends the signed event, waits for the worker's outcome if the inbox took it, and says what happened. */
async function sendAndReport(
  config: Config,
  input: {
    target: string;
    event: SimulatedEvent;
    body: Json;
    now: number;
    zoomUserId: string | undefined;
  },
): Promise<number> {
  const { target, event, body, zoomUserId } = input;
  let result: SendResult;
  const requestId = `zoomgram-simulate-${randomUUID()}`;
  try {
    result = await sendSignedEvent({
      url: target,
      secret: config.zoom.webhookSecret,
      body,
      nowMs: input.now,
      requestId,
    });
  } catch (error) {
    process.stderr.write(`zoomgram simulate: ${target} cannot be reached: ${describeError(error)}\n`);
    return 1;
  }
  if ((result.body as { status?: string } | undefined)?.status === "received") {
    result.outcome = await awaitOutcome(config, requestId).catch(() => undefined);
  }
  const object = (body.payload as Json).object as Json | undefined;
  process.stdout.write(
    `POST ${target} ${event}${object?.uuid ? ` meeting ${String(object.uuid)}` : ""}${
      zoomUserId ? ` user ${zoomUserId}` : ""
    }\n→ ${result.status} ${JSON.stringify(result.body)}${
      result.outcome ? ` → recorded as ${result.outcome}` : ""
    }\n${explain(event, result, zoomUserId)}\n`,
  );
  const ok = result.status >= 200 && result.status < 300 && result.crcValid !== false;
  return ok ? 0 : 1;
}

/**
 * The instance answers once the event is in its inbox; a worker records the outcome moments later.
 * Reads it from the instance's database (DATABASE_URL), waiting up to `timeoutMs`.
 */
async function awaitOutcome(
  config: Config,
  requestId: string,
  timeoutMs = 15_000,
): Promise<string | undefined> {
  const db = await openDatabase(config.database.url, { connectRetries: 0 });
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const result = await findWebhookResult(db.kysely, requestId);
      if (result !== undefined || Date.now() >= until) return result;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.close();
  }
}

/** The app's services without serving anything (no port, no worker, no polling, no ffmpeg probe). */
async function openQuietApp(config: Config): Promise<App> {
  const { createApp } = await import("../app.js");
  return createApp(
    config,
    { web: false, worker: false },
    {
      // stderr, so stdout holds only the result.
      logger: createLogger({
        level: "warn",
        secrets: [config.zoom.clientSecret, config.telegram.botToken],
        destination: pino.destination({ dest: 2, sync: true }),
      }),
      ffmpeg: null,
      disablePolling: true,
      disablePeriodic: true,
    },
  );
}
