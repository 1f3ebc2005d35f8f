/**
 * The Zoom side of the transcript, chat file and summary jobs, on top of the delivery pipeline's REST client
 * (zoom-api.ts), download (download.ts) and the connect feature's token service:
 *
 * - the transcript's text (and the in-meeting chat file's): a fresh `download_access_token` from
 *   `GET /meetings/{uuid}/recordings` (reference/zoom.md §4.1), then the download through the
 *   ZOOM_DOWNLOAD_HOSTS policy with the token ladder (fresh API token, the webhook's, OAuth);
 * - Zoom's AI Companion summary from `GET /meetings/{uuid}/meeting_summary` (§2.4), which needs
 *   the `meeting:read:summary` scope: without it Zoom answers 400 with code 4700, which means "no
 *   summary will come from Zoom", not a failure.
 */
import { readFile } from "node:fs/promises";
import type { TokenService } from "../connect/token-service.js";
import type { JobContext } from "../jobs/worker.js";
import { createMediaWorkspace } from "../media/temp-files.js";
import type { DownloadToken } from "../zoom/download.js";
import { type NormalizedMeetingSummary, normalizeMeetingSummary } from "../zoom/events.js";
import { fileKey, isFileReady } from "../zoom/recording-files.js";
import type { MeetingRecordings, ZoomApi, ZoomAuth } from "../zoom/zoom-api.js";
import type { DeliveryServices } from "./delivery-services.js";
import { latestWebhookDownloadToken } from "./meeting-parts.repository.js";
import { downloadRecordingFile } from "./recording-download.js";
import { asZoomUser } from "./zoom-as-user.js";

/** Transcripts and chat files are text: anything near this size is not one. */
const MAX_TRANSCRIPT_BYTES = 50 * 1024 * 1024;

export type TranscriptFetch =
  | { kind: "ok"; text: string; bytes: number; meeting: MeetingRecordings }
  /** Zoom lists the file but is still processing it: ask again later. */
  | { kind: "processing" }
  /** The meeting no longer lists this file (deleted, or the id changed). */
  | { kind: "missing" };

export type ZoomSummaryFetch =
  | { kind: "ok"; summary: NormalizedMeetingSummary }
  /** Zoom has no summary for this meeting (AI Companion off, or nothing produced). */
  | { kind: "none" }
  /** The connection's token lacks `meeting:read:summary` (code 4700): Zoom's summary cannot be read. */
  | { kind: "no_scope" };

/** Which recording file of which meeting, for which job attempt. */
export interface FileFetchInput {
  zoomUserId: string;
  meetingUuid: string;
  fileId: string;
  jobId: number;
  attempt: number;
  signal: AbortSignal;
}

/** The fetch of one file of the payload's meeting, for this attempt of the job that asks. */
export function fileFetchFor(
  payload: { zoomUserId: string; meetingUuid: string },
  fileId: string,
  ctx: Pick<JobContext, "job" | "signal">,
): FileFetchInput {
  return {
    zoomUserId: payload.zoomUserId,
    meetingUuid: payload.meetingUuid,
    fileId,
    jobId: ctx.job.id,
    attempt: ctx.job.attempts,
    signal: ctx.signal,
  };
}

export interface MeetingZoom {
  fetchTranscript(input: FileFetchInput): Promise<TranscriptFetch>;
  /** Zoom's in-meeting chat file (TXT), checked against its `file_size` like every download. */
  fetchChatFile(input: FileFetchInput): Promise<TranscriptFetch>;
  fetchSummary(input: {
    zoomUserId: string;
    meetingUuid: string;
    attempt: number;
    signal: AbortSignal;
  }): Promise<ZoomSummaryFetch>;
}

export function createMeetingZoom(
  services: DeliveryServices,
  deps: { tokens?: TokenService; api?: ZoomApi } = {},
): MeetingZoom {
  const tokens = deps.tokens ?? services.tokens;
  const api = deps.api ?? services.zoomApi;

  /** Runs a REST call as the user; a 401 gets one forced token refresh (the stored one may be revoked). */
  function asUser<T>(
    zoomUserId: string,
    signal: AbortSignal,
    attempt: number,
    call: (auth: ZoomAuth) => Promise<T>,
  ): Promise<T> {
    return asZoomUser(tokens, zoomUserId, { signal, attempt }, call);
  }

  /** A small text file of the meeting, fetched with a fresh download token into a per-attempt workspace. */
  async function fetchText(
    input: FileFetchInput,
    what: { name: string; extension: string; event: string },
  ): Promise<TranscriptFetch> {
    const meeting = await asUser(input.zoomUserId, input.signal, input.attempt, (auth) =>
      api.getMeetingRecordings(auth, input.meetingUuid),
    );
    const file = meeting.recording_files.find((f) => fileKey(f) === input.fileId);
    if (!file?.download_url) return { kind: "missing" };
    if (!isFileReady(file)) return { kind: "processing" };
    // Per attempt, like the audio job's: an abandoned attempt's cleanup must not hit the next one.
    const workspace = await createMediaWorkspace(
      services.config.media.dir,
      `${what.name}-${input.jobId}-${input.attempt}`,
    );
    try {
      const destination = workspace.file(`${input.fileId}.${what.extension}`);
      const result = await downloadRecordingFile(services, {
        url: file.download_url,
        expectedBytes: file.file_size,
        maxBytes: MAX_TRANSCRIPT_BYTES,
        tokens: downloadTokens(services, tokens, { ...input, event: what.event }, meeting),
        destination,
        signal: input.signal,
        attempt: input.attempt,
      });
      const text = await readFile(destination, "utf8");
      return { kind: "ok", text, bytes: result.bytes, meeting };
    } finally {
      await workspace.cleanup();
    }
  }

  return {
    fetchTranscript: (input) =>
      fetchText(input, { name: "transcript", extension: "vtt", event: "recording.transcript_completed" }),
    // The chat file comes with the recording itself (recording.completed).
    fetchChatFile: (input) =>
      fetchText(input, { name: "chat", extension: "txt", event: "recording.completed" }),

    async fetchSummary(input) {
      return asUser(input.zoomUserId, input.signal, input.attempt, (auth) =>
        getMeetingSummary(services, api, auth, input.meetingUuid),
      );
    },
  };
}

function downloadTokens(
  services: DeliveryServices,
  tokens: TokenService,
  input: { zoomUserId: string; meetingUuid: string; signal: AbortSignal; event: string },
  meeting: MeetingRecordings,
): DownloadToken[] {
  return [
    { name: "download_access_token", get: async () => meeting.download_access_token },
    {
      name: "webhook_download_token",
      get: () =>
        latestWebhookDownloadToken(services.db.kysely, services.cipher, input.meetingUuid, input.event),
    },
    {
      name: "oauth",
      get: async () => (await tokens.getAccessToken(input.zoomUserId, { signal: input.signal })).accessToken,
    },
  ];
}

/** `GET /meetings/{uuid}/meeting_summary` through the REST client: Zoom's summary, or why there is none. */
export async function getMeetingSummary(
  services: DeliveryServices,
  api: ZoomApi,
  auth: ZoomAuth,
  meetingUuid: string,
): Promise<ZoomSummaryFetch> {
  const answer = await api.getMeetingSummary(auth, meetingUuid);
  if (answer.kind === "ok") {
    const summary = normalizeMeetingSummary(answer.json);
    const empty =
      !summary.overview &&
      !summary.markdown &&
      summary.sections.length === 0 &&
      summary.nextSteps.length === 0;
    return empty ? { kind: "none" } : { kind: "ok", summary };
  }
  const { status, zoomCode } = answer;
  // 4700: "Invalid access token, does not contain scopes:[meeting:read:summary]" (zoom.md §2.4).
  if (zoomCode === 4700 || (status === 400 && /scope/i.test(answer.zoomMessage ?? "")))
    return { kind: "no_scope" };
  // 404, or another 4xx (plan without AI Companion, meeting of another user): no summary from Zoom.
  if (status !== 404)
    services.logger.info({ meetingUuid, status, zoomCode }, "Zoom has no readable meeting summary");
  return { kind: "none" };
}
