/**
 * Where a delivery job learns what to download and with which tokens (reference/zoom.md §4.1,
 * §4.3, §6.5):
 *
 * 1. The connection's OAuth token (src/connect/token-service.ts) and a fresh
 *    `GET /meetings/{uuid}/recordings?include_fields=download_access_token&ttl=…`; a 401 there
 *    refreshes the token once, if a refresh can help (src/delivery/zoom-as-user.ts).
 * 2. When the connection cannot be used (broken, or gone mid-flight), the newest stored
 *    `recording.completed` of the meeting: its file list and its own `download_token`, which Zoom
 *    honours for 24 h without any OAuth token.
 *
 * Download tokens are offered in Zoom's preferred order: the fresh `download_access_token`, the
 * webhook's `download_token`, the OAuth access token. A download 401 never forces a refresh
 * (issue #13 item 8): when every token is refused, the attempt fails and the job backs off.
 */

import type { ZoomConnection } from "../connect/connection.repository.js";
import { findConnectionByZoomUserId } from "../connect/connection.repository.js";
import type { AccessToken, TokenService } from "../connect/token-service.js";
import { AppError } from "../errors.js";
import type { JobContext } from "../jobs/worker.js";
import type { DownloadToken } from "../zoom/download.js";
import { recordingMeetingSchema, type ZoomRecordingMeeting } from "../zoom/events.js";
import type { ZoomApi } from "../zoom/zoom-api.js";
import { findLatestEventWithToken } from "./delivery.repository.js";
import type { DeliveryServices } from "./delivery-services.js";
import { downloadTokenAad } from "./ingest.js";
import { withRefreshOn401 } from "./zoom-as-user.js";

export interface RecordingSource {
  meeting: ZoomRecordingMeeting;
  /** `api` (fresh from Zoom) or `webhook` (the stored event, OAuth unusable). */
  from: "api" | "webhook";
  tokens: DownloadToken[];
  /** The connection, when one exists (for its time zone and name). */
  connection: ZoomConnection | undefined;
}

export interface LoadRecordingInput {
  meetingUuid: string;
  zoomUserId: string;
  ctx: Pick<JobContext, "signal" | "job">;
}

/** OAuth failures that the webhook's own token can work around. */
function isAuthFailure(error: unknown): boolean {
  return (
    error instanceof AppError &&
    (error.code === "zoom.refresh_rejected" || error.code === "zoom.unauthorized")
  );
}

export async function loadRecordingSource(
  services: DeliveryServices,
  deps: { tokens: TokenService; zoomApi: ZoomApi },
  input: LoadRecordingInput,
): Promise<RecordingSource> {
  const { meetingUuid, zoomUserId, ctx } = input;
  const signal = ctx.signal;
  const webhook = await storedWebhook(services, meetingUuid);

  let access: AccessToken | undefined;
  let authError: unknown;
  try {
    access = await deps.tokens.getAccessToken(zoomUserId, { signal });
  } catch (error) {
    if (!isAuthFailure(error)) throw error;
    authError = error;
  }

  let meeting: (ZoomRecordingMeeting & { download_access_token?: string }) | undefined;
  if (access) {
    try {
      const fetched = await withRefreshOn401(
        deps.tokens,
        zoomUserId,
        access,
        { signal, attempt: ctx.job.attempts },
        (auth) => deps.zoomApi.getMeetingRecordings(auth, meetingUuid),
      );
      meeting = fetched.value;
      access = fetched.access;
    } catch (error) {
      if (!isAuthFailure(error)) throw error;
      authError = error;
      access = undefined;
    }
  }

  if (!meeting) {
    if (!webhook?.meeting)
      throw authError ?? new AppError("zoom.unauthorized", "no way to reach the recording");
    meeting = webhook.meeting;
  }
  const connection =
    access?.connection ??
    (await findConnectionByZoomUserId(services.db.kysely, zoomUserId, services.config.zoom.apiBaseUrl));
  const freshAccessToken = meeting.download_access_token;
  const oauth = access;
  // The OAuth token as stored when the download asks (refreshed near its expiry, as always). A 401
  // on the file forces no refresh: Zoom accepted this token on GET recordings moments ago, so the
  // 401 is the file (not ready yet, zoom.md §6.4), and the job's backoff is the answer.
  const currentOAuthToken = async () => {
    if (!oauth) return undefined;
    try {
      return (await deps.tokens.getAccessToken(zoomUserId, { signal })).accessToken;
    } catch (error) {
      if (isAuthFailure(error)) return undefined;
      throw error;
    }
  };
  const tokens: DownloadToken[] = [
    { name: "download_access_token", get: async () => freshAccessToken },
    { name: "webhook_download_token", get: async () => webhook?.token },
    { name: "oauth", get: currentOAuthToken },
  ];
  return { meeting, from: access && meeting !== webhook?.meeting ? "api" : "webhook", tokens, connection };
}

/** The newest stored `recording.completed` of the meeting: its token and its file list. */
async function storedWebhook(
  services: DeliveryServices,
  meetingUuid: string,
): Promise<{ token: string | undefined; meeting: ZoomRecordingMeeting | undefined } | undefined> {
  const row = await findLatestEventWithToken(services.db.kysely, meetingUuid, "recording.completed");
  if (!row) return undefined;
  let token: string | undefined;
  try {
    token = services.cipher.decrypt(row.downloadTokenEnc, downloadTokenAad(meetingUuid));
  } catch {
    // Encrypted with a key no longer configured: the API path still works without it.
    token = undefined;
  }
  let meeting: ZoomRecordingMeeting | undefined;
  try {
    const parsed = recordingMeetingSchema.safeParse(
      (JSON.parse(row.payload) as { payload?: { object?: unknown } }).payload?.object,
    );
    meeting = parsed.success ? parsed.data : undefined;
  } catch {
    meeting = undefined;
  }
  return { token, meeting };
}
