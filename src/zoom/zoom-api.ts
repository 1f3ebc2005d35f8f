/**
 * The Zoom REST calls the delivery pipeline makes with a connection's OAuth token: one meeting's
 * recordings (with a fresh `download_access_token`, reference/zoom.md §4.1) and a user's
 * recordings list (for the missed-webhook sweep). Every failure becomes an AppError the worker
 * understands: 429 and 5xx are retryable with the delay Zoom asked for (§5, src/zoom/rate-limit.ts),
 * 401 is `zoom.unauthorized` (the caller refreshes the token once), 404 is final. The client never
 * sleeps or retries by itself: the job's own retry does that.
 */

import { z } from "zod";
import type { Clock } from "../clock.js";
import { AppError } from "../errors.js";
import { parseJsonOrUndefined } from "../json.js";
import {
  type DownloadResponse,
  type DownloadTransport,
  downloadTransportFor,
  readBodyText,
  retryHeaders,
} from "./download-transport.js";
import { recordingMeetingSchema, type ZoomRecordingMeeting } from "./events.js";
import { alternateMeetingUuidEncoding, encodeMeetingUuid } from "./meeting-uuid.js";
import { stripPasscodes } from "./passcodes.js";
import { retryDelayFromZoomResponse } from "./rate-limit.js";
import { ZoomTimeoutError, type ZoomTimeouts } from "./zoom-timeouts.js";

export interface ZoomApiDeps {
  /** Node's own fetch means node:http (src/zoom/download-transport.ts); any other is used as it is. */
  fetch: typeof fetch;
  clock: Clock;
  /** Jitter source for backoff when Zoom gives no Retry-After. */
  random: () => number;
  /** Connect, response-header and idle timeouts of every call (ZOOM_*_TIMEOUT_MS). */
  timeouts?: ZoomTimeouts;
  /** Overrides the transport chosen from `fetch`. */
  transport?: DownloadTransport;
}

/** Where and as whom a call is made: the connection's API base and its current access token. */
export interface ZoomAuth {
  /** `https://api.zoom.us/v2`, or the connection's regional `api_url` + `/v2`. No trailing slash. */
  apiBaseUrl: string;
  accessToken: string;
  signal?: AbortSignal;
  /** The job's attempt number (1-based), so backoff without Retry-After grows per attempt. */
  attempt?: number;
}

/** `GET /meetings/{uuid}/recordings` with `include_fields=download_access_token`. */
export type MeetingRecordings = ZoomRecordingMeeting & {
  /** A JWT good for every file of this meeting, for `ttlSeconds` (zoom.md §4.1). */
  download_access_token?: string;
};

export interface RecordingListPage {
  meetings: ZoomRecordingMeeting[];
  /** Entries that did not parse (kept out of `meetings`, counted so the caller can log it). */
  skipped: number;
  /** Empty or absent when this was the last page; expires 15 minutes after it was issued. */
  nextPageToken: string | undefined;
}

export interface ListRecordingsInput {
  /** `YYYY-MM-DD`; Zoom allows at most one month between `from` and `to`. */
  from: string;
  to: string;
  /** Default 300 (Zoom's maximum), so a month of meetings is usually one call. */
  pageSize?: number;
  /** `me` (default) or a user id. */
  userId?: string;
}

export interface ZoomApi {
  getMeetingRecordings(
    auth: ZoomAuth,
    meetingUuid: string,
    options?: { ttlSeconds?: number },
  ): Promise<MeetingRecordings>;
  listUserRecordingsPage(
    auth: ZoomAuth,
    input: ListRecordingsInput & { nextPageToken?: string },
  ): Promise<RecordingListPage>;
  /**
   * `DELETE /meetings/{uuid}/recordings?action=trash` (zoom.md §11.2): moves every recording of the
   * meeting to the user's trash, recoverable for 30 days. Never `action=delete`. Resolves
   * `trashed` (204) or `not_found` (404: nothing there, e.g. already trashed or deleted). A missing
   * scope is AppError `zoom.scope_missing`; any other refusal `zoom.refused` (both final).
   */
  trashMeetingRecordings(auth: ZoomAuth, meetingUuid: string): Promise<"trashed" | "not_found">;
  /**
   * `GET /meetings/{uuid}/meeting_summary` (zoom.md §2.4): the summary's JSON, or Zoom's final
   * refusal (404, 400 code 4700 "does not contain scopes", another 4xx) for the caller to read.
   * A 401 is `zoom.unauthorized`; 429, 5xx and timeouts are retryable AppErrors, as everywhere.
   */
  getMeetingSummary(auth: ZoomAuth, meetingUuid: string): Promise<MeetingSummaryAnswer>;
  /** Every page of `GET /users/{me}/recordings`, in order; stops after `maxPages` (default 50). */
  listUserRecordings(
    auth: ZoomAuth,
    input: ListRecordingsInput & { maxPages?: number },
  ): AsyncGenerator<ZoomRecordingMeeting, { skipped: number }>;
}

export type MeetingSummaryAnswer =
  | { kind: "ok"; json: unknown }
  | { kind: "refused"; status: number; zoomCode: number | undefined; zoomMessage: string | undefined };

/** Default lifetime asked for the download token: long enough for a slow upload ladder. */
export const DOWNLOAD_TOKEN_TTL_SECONDS = 3 * 3600;

const recordingsResponseSchema = recordingMeetingSchema.extend({
  download_access_token: z.string().min(1).optional().catch(undefined),
});

const listResponseSchema = z.looseObject({
  next_page_token: z.string().optional().catch(undefined),
  meetings: z.array(z.unknown()).optional().catch(undefined),
});

const zoomErrorBody = z.looseObject({ code: z.number().optional(), message: z.string().optional() });

export function createZoomApi(deps: ZoomApiDeps): ZoomApi {
  const api: ApiContext = {
    transport: deps.transport ?? downloadTransportFor(deps.fetch, deps.timeouts),
    clock: deps.clock,
    random: deps.random,
  };
  return {
    getMeetingRecordings: (auth, meetingUuid, options) =>
      getMeetingRecordings(api, auth, meetingUuid, options),
    listUserRecordingsPage: (auth, input) => listUserRecordingsPage(api, auth, input),
    listUserRecordings: (auth, input) => listUserRecordings(api, auth, input),
    trashMeetingRecordings: (auth, meetingUuid) => trashMeetingRecordings(api, auth, meetingUuid),
    getMeetingSummary: (auth, meetingUuid) => getMeetingSummary(api, auth, meetingUuid),
  };
}

/** What every call needs: how requests go out, and the clock and jitter for retry delays. */
interface ApiContext {
  transport: DownloadTransport;
  clock: Clock;
  random: () => number;
}

/** One request and its whole body; every wait bounded by the transport's timeouts. */
async function exchange(
  api: ApiContext,
  auth: ZoomAuth,
  path: string,
  what: string,
  method: string,
): Promise<{ response: DownloadResponse; text: string }> {
  const url = new URL(`${auth.apiBaseUrl.replace(/\/+$/, "")}${path}`);
  const headers = { authorization: `Bearer ${auth.accessToken}`, accept: "application/json" };
  const unreachable = (message: string) => (error: unknown) => {
    if (auth.signal?.aborted) throw auth.signal.reason;
    const why = error instanceof ZoomTimeoutError ? `: ${error.message}` : "";
    throw new AppError("zoom.unavailable", `${message} (${what}${why})`, { retryable: true, cause: error });
  };
  const response = await api
    .transport(url, headers, auth.signal, method)
    .catch(unreachable("Zoom could not be reached"));
  const text = await readBodyText(response).catch(unreachable("Zoom's answer was cut off"));
  return { response, text };
}

async function call(
  api: ApiContext,
  auth: ZoomAuth,
  path: string,
  what: string,
  method = "GET",
): Promise<unknown> {
  const { response, text } = await exchange(api, auth, path, what, method);
  if (response.status >= 200 && response.status < 300) {
    if (response.status === 204 || (method !== "GET" && text === "")) return null;
    return parseJson(text, what);
  }
  throw errorFor(api, response, text, what, auth.attempt ?? 1);
}

async function getMeetingSummary(
  api: ApiContext,
  auth: ZoomAuth,
  meetingUuid: string,
): Promise<MeetingSummaryAnswer> {
  const what = "get meeting summary";
  const path = `/meetings/${encodeMeetingUuid(meetingUuid)}/meeting_summary`;
  const { response, text } = await exchange(api, auth, path, what, "GET");
  if (response.status >= 200 && response.status < 300) return { kind: "ok", json: parseJson(text, what) };
  const error = errorFor(api, response, text, what, auth.attempt ?? 1);
  if (error.retryable) throw error;
  const { zoomCode, zoomMessage } = (error.details ?? {}) as { zoomCode?: number; zoomMessage?: string };
  return { kind: "refused", status: response.status, zoomCode, zoomMessage };
}

function errorFor(
  api: ApiContext,
  response: DownloadResponse,
  text: string,
  what: string,
  attempt: number,
): AppError {
  const status = response.status;
  const body = parseErrorBody(text);
  const details = { status, zoomCode: body.code, zoomMessage: body.message?.slice(0, 200) };
  const decision = retryDelayFromZoomResponse(
    status,
    retryHeaders(response),
    api.clock.now(),
    attempt,
    api.random,
  );
  if (status === 429) {
    return new AppError("zoom.rate_limited", `Zoom rate-limited ${what}`, {
      status,
      retryable: true,
      retryAfterMs: decision.delayMs,
      details: { ...details, daily: decision.daily },
    });
  }
  if (decision.retry) {
    return new AppError("zoom.unavailable", `Zoom failed ${what} with HTTP ${status}`, {
      status,
      retryable: true,
      retryAfterMs: decision.delayMs,
      details,
    });
  }
  if (status === 401) {
    // An expired or revoked token: the caller refreshes once; if that fails too, the job retries.
    return new AppError("zoom.unauthorized", `Zoom refused the access token (${what})`, {
      status,
      retryable: true,
      details,
    });
  }
  if (status === 404) {
    return new AppError("zoom.not_found", `Zoom has no such recording (${what})`, { status, details });
  }
  if (status >= 300 && status < 400) {
    // Redirects are not followed on the API (the token must not travel): a proxy's doing, transient.
    return new AppError("zoom.bad_response", `Zoom answered ${what} with a redirect`, {
      status,
      retryable: true,
      details,
    });
  }
  return new AppError("zoom.bad_response", `Zoom refused ${what} with HTTP ${status}`, { status, details });
}

async function getMeetingRecordings(
  api: ApiContext,
  auth: ZoomAuth,
  meetingUuid: string,
  options: { ttlSeconds?: number } = {},
): Promise<MeetingRecordings> {
  const query = new URLSearchParams({
    include_fields: "download_access_token",
    ttl: String(options.ttlSeconds ?? DOWNLOAD_TOKEN_TTL_SECONDS),
  });
  const path = (segment: string) => `/meetings/${segment}/recordings?${query}`;
  let json: unknown;
  try {
    json = await call(api, auth, path(encodeMeetingUuid(meetingUuid)), "get meeting recordings");
  } catch (error) {
    // zoom.md §4.2: a UUID with `/` that Zoom cannot find may want the other encoding; try once.
    const alternate = alternateMeetingUuidEncoding(meetingUuid);
    const code = error instanceof AppError ? error.details?.zoomCode : undefined;
    if (!(error instanceof AppError && error.code === "zoom.not_found" && alternate)) throw error;
    if (code !== 3001 && code !== 3301) throw error;
    json = await call(api, auth, path(alternate), "get meeting recordings");
  }
  const parsed = recordingsResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("zoom.bad_response", "Zoom's meeting recordings did not have the documented shape", {
      retryable: true,
      details: { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  return parsed.data;
}

async function listUserRecordingsPage(
  api: ApiContext,
  auth: ZoomAuth,
  input: ListRecordingsInput & { nextPageToken?: string },
): Promise<RecordingListPage> {
  const query = new URLSearchParams({
    from: input.from,
    to: input.to,
    page_size: String(input.pageSize ?? 300),
    trash: "false",
  });
  if (input.nextPageToken) query.set("next_page_token", input.nextPageToken);
  const user = encodeURIComponent(input.userId ?? "me");
  const json = await call(api, auth, `/users/${user}/recordings?${query}`, "list user recordings");
  const parsed = listResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("zoom.bad_response", "Zoom's recordings list did not have the documented shape", {
      retryable: true,
    });
  }
  const meetings: ZoomRecordingMeeting[] = [];
  let skipped = 0;
  for (const entry of parsed.data.meetings ?? []) {
    const meeting = recordingMeetingSchema.safeParse(entry);
    if (meeting.success) meetings.push(meeting.data);
    else skipped++;
  }
  const next = parsed.data.next_page_token;
  return { meetings, skipped, nextPageToken: next ? next : undefined };
}

async function* listUserRecordings(
  api: ApiContext,
  auth: ZoomAuth,
  input: ListRecordingsInput & { maxPages?: number },
): AsyncGenerator<ZoomRecordingMeeting, { skipped: number }> {
  let skipped = 0;
  let nextPageToken: string | undefined;
  for (let page = 0; page < (input.maxPages ?? 50); page++) {
    const result = await listUserRecordingsPage(api, auth, { ...input, nextPageToken });
    skipped += result.skipped;
    yield* result.meetings;
    nextPageToken = result.nextPageToken;
    if (!nextPageToken) break;
  }
  return { skipped };
}

async function trashMeetingRecordings(
  api: ApiContext,
  auth: ZoomAuth,
  meetingUuid: string,
): Promise<"trashed" | "not_found"> {
  const path = `/meetings/${encodeMeetingUuid(meetingUuid)}/recordings?action=trash`;
  try {
    await call(api, auth, path, "move meeting recordings to the trash", "DELETE");
    return "trashed";
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "zoom.not_found") return "not_found";
    if (error.code !== "zoom.bad_response" || error.retryable) throw error;
    // 4711/4700 "does not contain scopes": the app was authorized without the delete scope.
    const code = error.details?.zoomCode;
    const message = String(error.details?.zoomMessage ?? "");
    const scope = code === 4711 || code === 4700 || /scope/i.test(message);
    throw new AppError(
      scope ? "zoom.scope_missing" : "zoom.refused",
      scope
        ? "Zoom refused to trash the recording: the app lacks the delete scope"
        : `Zoom refused to trash the recording (HTTP ${error.status})`,
      { status: error.status, details: error.details, cause: error },
    );
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return stripPasscodes(JSON.parse(text) as unknown);
  } catch (error) {
    // A proxy page with status 200: transient until proven otherwise.
    throw new AppError("zoom.bad_response", `Zoom answered ${what} with something that is not JSON`, {
      retryable: true,
      cause: error,
    });
  }
}

function parseErrorBody(text: string): { code?: number; message?: string } {
  // 502/503 pages from Zoom's load balancer are HTML, not JSON: nothing to read.
  const parsed = zoomErrorBody.safeParse(parseJsonOrUndefined(text));
  return parsed.success ? parsed.data : {};
}
