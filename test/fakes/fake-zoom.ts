/**
 * A test double of Zoom's documented contracts (reference/zoom.md §1–§6): user-level OAuth with
 * PKCE and ROTATING refresh tokens, `GET /v2/users/me`, meeting recordings (UUID double-encoding
 * rule), the recordings list, meeting summaries, webhook bodies as Zoom sends them, and recording
 * downloads that need a bearer token, may redirect to an off-host "storage" URL, honour Range, and
 * can fail the ways real downloads fail (HTML login page with 200, truncation, resets, 429).
 *
 * Plain `node:http` on 127.0.0.1:<ephemeral>; files are streamed from disk, never buffered.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import type http from "node:http";
import { Readable } from "node:stream";
import {
  basicAuth,
  bearerToken,
  FaultQueue,
  parseRange,
  randomToken,
  readBody,
  resetSocket,
  Signal,
  sendBody,
  startHttpServer,
} from "./http-util.js";

// ---------------------------------------------------------------------------------------------
// Public types

export interface FakeZoomOptions {
  /** Default `fake-zoom-client-id`. */
  clientId?: string;
  /** Default `fake-zoom-client-secret`. */
  clientSecret?: string;
  /** Clock in ms for token/code expiry, `event_ts`, record `at`. Default `Date.now`. */
  now?: () => number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** If given, `/oauth/authorize` and the code exchange only accept these redirect URIs. */
  redirectUris?: string[];
  /** `scope` returned by the token endpoint. */
  scope?: string;
  /** Access token lifetime in seconds (`expires_in`). Default 3599. */
  accessTokenTtlSeconds?: number;
  /**
   * Delay every request by this many ms before it is handled (downloads: before the first byte),
   * as a remote API's processing and network time would; for benchmarks. Default 0.
   */
  latencyMs?: number;
}

export type ZoomRoute =
  | "authorize"
  | "token"
  | "revoke"
  | "users_me"
  | "recordings"
  | "list_recordings"
  | "summary"
  | "delete_recordings"
  | "download";

/** An authorization code the fake handed out: whose, for which redirect, its PKCE challenge. */
interface AuthorizationCode {
  userId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  issuedAt: number;
  used: boolean;
}

export type ZoomFault =
  | {
      kind: "status";
      status: 429 | 500 | 502 | 503;
      /** `Retry-After` header value: seconds or an ISO date. */
      retryAfter?: string;
      /** Sent as `X-RateLimit-Type` with a 429 (default `QPS`). */
      rateLimitType?: "QPS" | "Daily-limit";
    }
  /** Destroy the socket (RST); downloads: after the headers and about half the body. */
  | { kind: "reset" }
  /** 200 `text/html` login page (what Zoom serves for a dead/unauthorized download). */
  | { kind: "html" }
  /** Full Content-Length announced, connection closed after about half the body. */
  | { kind: "truncate" }
  /** Accept the request and never answer (no status line, no headers) until `close()`. */
  | { kind: "hang" }
  /**
   * Headers and about half the body, then silence with the connection open (downloads, also at
   * the storage host), until the client gives up or `close()`: a body that stalls mid-way.
   */
  | { kind: "stall" }
  /** `401 {"code":124,"message":"Invalid access token."}`, whatever token was sent. */
  | { kind: "unauthorized" }
  /** `400 {"reason":"Invalid Token!","error":"invalid_grant"}` (token route). */
  | { kind: "invalid_grant" }
  /**
   * Another OAuth error from the token route, e.g. `401 {"reason":"Invalid client_id or
   * client_secret","error":"invalid_client"}` after the client secret was rotated.
   */
  | { kind: "token_error"; status: 400 | 401 | 403; error: string; reason?: string };

export interface ZoomUser {
  id: string;
  email: string;
  account_id: string;
  first_name: string;
  last_name: string;
  display_name: string;
  timezone: string;
  type: number;
  [key: string]: unknown;
}

export interface AddRecordingFileInput {
  id?: string;
  /** `M4A`, `MP4`, `TRANSCRIPT`, `CHAT`, `CC`, `TIMELINE`, `SUMMARY`, … */
  file_type: string;
  /** Defaults from `file_type` (M4A→M4A, TRANSCRIPT→VTT, …). */
  file_extension?: string;
  recording_type: string;
  /** A file on disk, streamed on download. */
  path?: string;
  /** In-memory content (small files). */
  bytes?: Uint8Array | string;
  status?: "completed" | "processing";
}

export interface AddMeetingInput {
  uuid: string;
  /** Meeting number; default random 11 digits. */
  id?: number;
  hostUserId: string;
  topic: string;
  /** ISO-8601 UTC, e.g. `2026-03-01T10:00:00Z`. */
  start_time: string;
  timezone?: string;
  /** Minutes. Default 60. */
  duration?: number;
  type?: number;
  password?: string;
  files: AddRecordingFileInput[];
}

export interface FakeRecordingFile {
  id: string;
  meeting_id: string;
  file_type: string;
  file_extension: string;
  recording_type: string;
  file_size: number;
  status: "completed" | "processing";
  recording_start: string;
  recording_end: string;
  /** API shape: `${url}/rec/download/<token>`. */
  download_url: string;
  /** Webhook shape: `${url}/rec/webhook_download/<token>`. */
  webhookDownloadUrl: string;
  play_url: string;
  /** Suggested file name served in Content-Disposition. */
  fileName: string;
}

export interface FakeMeeting {
  uuid: string;
  id: number;
  hostUserId: string;
  account_id: string;
  host_email: string;
  topic: string;
  type: number;
  start_time: string;
  timezone: string;
  duration: number;
  password: string;
  share_url: string;
  files: FakeRecordingFile[];
}

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  refresh_token: string;
  expires_in: number;
  scope: string;
  api_url?: string;
}

export interface ZoomRequestRecord {
  method: string;
  /** Raw path with query, exactly as received. */
  path: string;
  host: string;
  headers: http.IncomingHttpHeaders;
  route: ZoomRoute | "storage" | "unknown";
  at: number;
}

export interface FakeZoom {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Same as `url` (Zoom's is https://zoom.us). */
  readonly oauthBaseUrl: string;
  /** `url + "/v2"` (Zoom's is https://api.zoom.us/v2). */
  readonly apiBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default account id (users get it unless they bring their own). */
  readonly accountId: string;
  close(): Promise<void>;

  addUser(input: Partial<ZoomUser> & { email: string }): ZoomUser;
  user(id: string): ZoomUser | undefined;
  /** Who approves the NEXT `/oauth/authorize` (one-shot); default: the first user added. */
  setNextAuthorization(who: string | { deny: true }): void;
  /** Token responses carry `api_url` (set it to `url` to exercise a "regional" base). */
  setApiUrl(url: string | undefined): void;
  /** Mints tokens as a finished authorization would (invalidates the user's older refresh tokens). */
  grantTokens(userId: string): TokenResponse;

  addMeeting(input: AddMeetingInput): FakeMeeting;
  meeting(uuid: string): FakeMeeting | undefined;
  setFileStatus(uuid: string, fileId: string, status: "completed" | "processing"): void;
  /** A hidden file is in no API listing (yet): a transcript Zoom only makes later. */
  setFileHidden(uuid: string, fileId: string, hidden: boolean): void;
  setSummary(uuid: string, summary: Record<string, unknown>): void;
  /** Summary route answers `400 {code:4700}` (token lacks `meeting:read:summary`). */
  setSummaryScopeMissing(missing: boolean): void;
  /**
   * `DELETE /meetings/{uuid}/recordings` answers `400 {code:4711}` (the token lacks
   * `cloud_recording:delete:meeting_recording` / `recording:write`), as it also does when the
   * fake's `scope` option names neither.
   */
  setTrashScopeMissing(missing: boolean): void;
  /** Every accepted `DELETE /meetings/{uuid}/recordings`: `action` is `trash` or `delete`. */
  readonly recordingDeletions: ReadonlyArray<{ uuid: string; action: string; at: number }>;
  /** Whether the meeting's recordings are in the trash. */
  isTrashed(uuid: string): boolean;
  /** Downloads answer 302 to `http://localhost:PORT/storage/…` (a different host). */
  setDownloadRedirect(enabled: boolean): void;

  buildEvent(
    event: "recording.completed" | "recording.transcript_completed",
    uuid: string,
    opts?: { fileTypes?: string[] },
  ): Record<string, unknown> & { download_token: string };
  /**
   * Someone moves the meeting's recording to the trash in Zoom, deletes it for good, or restores
   * it (zoom.md §11.4): the fake's state changes as Zoom's would (a trashed or deleted recording
   * is in no listing and downloads no more; with `fileTypes`, only those files), and the event
   * Zoom then sends is returned (synthetic shape: test/fixtures/zoom/recording.*.SYNTHETIC.json).
   */
  buildLifecycleEvent(
    event: "recording.trashed" | "recording.deleted" | "recording.recovered",
    uuid: string,
    opts?: { fileTypes?: string[] },
  ): Record<string, unknown>;
  /** Builds `app_deauthorized`; by default also revokes the user's tokens, as an uninstall does. */
  buildDeauthorizationEvent(
    userId: string,
    opts?: { revokeTokens?: boolean; userDataRetention?: boolean },
  ): Record<string, unknown>;
  buildSummaryCompletedEvent(uuid: string, shape: "rivet" | "content"): Record<string, unknown>;

  inject(route: ZoomRoute, fault: ZoomFault, times?: number): void;
  clearFaults(): void;

  readonly requests: ZoomRequestRecord[];
  readonly revocations: Array<{ token: string; userId: string; at: number }>;
  readonly stats: {
    /** Successful refresh_token grants. */
    readonly refreshes: number;
    readonly refreshesByUser: Readonly<Record<string, number>>;
    /** Successful authorization_code grants. */
    readonly codeExchanges: number;
    /** `invalid_grant` answers (real and injected). */
    readonly invalidGrants: number;
    /** Body bytes written by downloads (direct or storage). */
    readonly bytesServed: number;
    /** Download bodies started / fully sent. */
    readonly downloadsStarted: number;
    readonly downloadsCompleted: number;
    readonly storageRequests: number;
    /** Storage requests that carried an Authorization header (should stay 0). */
    readonly authHeadersAtStorage: number;
  };
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  waitForRequest(
    predicate: (r: ZoomRequestRecord) => boolean,
    timeoutMs?: number,
  ): Promise<ZoomRequestRecord>;
  /** Errors thrown inside the fake itself (bugs). */
  readonly internalErrors: unknown[];
}

/** Headers Zoom would send with `rawBody` (reference/zoom.md §1.3): for signing test webhooks. */
export function signWebhook(
  rawBody: string,
  secretToken: string,
  timestampSeconds: number,
): { "content-type": string; "x-zm-request-timestamp": string; "x-zm-signature": string } {
  const ts = String(timestampSeconds);
  const sig = createHmac("sha256", secretToken).update(`v0:${ts}:${rawBody}`, "utf8").digest("hex");
  return {
    "content-type": "application/json; charset=utf-8",
    "x-zm-request-timestamp": ts,
    "x-zm-signature": `v0=${sig}`,
  };
}

/** Zoom's official rule (reference/zoom.md §4.2): double-encode when it starts with `/` or has `//`. */
export function uuidNeedsDoubleEncoding(uuid: string): boolean {
  return uuid.startsWith("/") || uuid.includes("//");
}

// ---------------------------------------------------------------------------------------------
// Internals

const LOGIN_HTML =
  "<!DOCTYPE html><html><head><title>Sign In - Zoom</title></head><body>" +
  '<form id="login-form" action="/signin" method="post"><input name="email"/><input name="password" type="password"/></form>' +
  "</body></html>";

const EXTENSION_BY_TYPE: Record<string, string> = {
  M4A: "M4A",
  MP4: "MP4",
  TRANSCRIPT: "VTT",
  CC: "VTT",
  CHAT: "TXT",
  CSV: "CSV",
  TIMELINE: "JSON",
  SUMMARY: "JSON",
  TB: "JPG",
};

const CONTENT_TYPE_BY_EXT: Record<string, string> = {
  M4A: "audio/mp4",
  MP4: "video/mp4",
  VTT: "text/vtt",
  TXT: "text/plain",
  CSV: "text/csv",
  JSON: "application/json",
  JPG: "image/jpeg",
};

interface FileState extends FakeRecordingFile {
  token: string;
  /** Not made yet as far as the API can tell (setFileHidden): a transcript Zoom writes later. */
  hidden?: boolean;
  source: { path: string } | { bytes: Buffer };
}

interface MeetingState extends Omit<FakeMeeting, "files"> {
  files: FileState[];
  /** Moved to the trash (`DELETE …/recordings?action=trash`): hidden from the API and downloads. */
  trashed?: boolean;
  summary?: Record<string, unknown>;
}

interface Reply {
  status: number;
  body: Buffer;
  contentType: string;
  headers?: http.OutgoingHttpHeaders;
}

const json = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): Reply => ({
  status,
  body: Buffer.from(JSON.stringify(body)),
  contentType: "application/json;charset=UTF-8",
  headers,
});

const html = (status: number, body: string): Reply => ({
  status,
  body: Buffer.from(body),
  contentType: "text/html;charset=utf-8",
});

/** A JWT-shaped opaque token, about as long as Zoom's (catches too-narrow DB columns). */
const jwtLike = (kind: string, claims: Record<string, unknown>): string => {
  const header = Buffer.from(JSON.stringify({ alg: "HS512", v: "2.0", kid: kind })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ ...claims, jti: randomUUID(), nonce: randomBytes(96).toString("base64url") }),
  ).toString("base64url");
  return `${header}.${payload}.${randomBytes(64).toString("base64url")}`;
};

const isoNoMillis = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

// ---------------------------------------------------------------------------------------------

export async function startFakeZoom(opts: FakeZoomOptions = {}): Promise<FakeZoom> {
  const clientId = opts.clientId ?? "fake-zoom-client-id";
  const clientSecret = opts.clientSecret ?? "fake-zoom-client-secret";
  const now = opts.now ?? Date.now;
  const scope =
    opts.scope ??
    "cloud_recording:read:list_recording_files cloud_recording:read:list_user_recordings cloud_recording:read:recording cloud_recording:delete:meeting_recording meeting:read:summary user:read:user";
  const accessTtlS = opts.accessTokenTtlSeconds ?? 3599;
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const accountId = randomBytes(16).toString("base64url");
  const storageSecret = randomBytes(32);

  const signal = new Signal();
  const internalErrors: unknown[] = [];
  const users = new Map<string, ZoomUser>();
  const meetings = new Map<string, MeetingState>();
  const filesByToken = new Map<string, { meeting: MeetingState; file: FileState }>();
  const codes = new Map<string, AuthorizationCode>();
  const accessTokens = new Map<string, { userId: string; expiresAt: number; revoked: boolean }>();
  const refreshTokens = new Map<string, { userId: string; valid: boolean }>();
  const downloadTokens = new Map<string, { uuid: string; expiresAt: number; kind: "api" | "webhook" }>();
  const storageLinks = new Map<
    string,
    { meeting: MeetingState; file: FileState; expiresAtS: number; fault?: ZoomFault }
  >();
  const pageTokens = new Map<string, { userId: string; offset: number; expiresAt: number }>();
  const faults = new FaultQueue<ZoomRoute, ZoomFault>();
  const requests: ZoomRequestRecord[] = [];
  const revocations: FakeZoom["revocations"] = [];
  const refreshesByUser: Record<string, number> = {};
  const counters = {
    refreshes: 0,
    codeExchanges: 0,
    invalidGrants: 0,
    bytesServed: 0,
    downloadsStarted: 0,
    downloadsCompleted: 0,
    storageRequests: 0,
    authHeadersAtStorage: 0,
  };
  let nextAuthorization: string | { deny: true } | undefined;
  let apiUrl: string | undefined;
  let summaryScopeMissing = false;
  let trashScopeMissing = false;
  const recordingDeletions: Array<{ uuid: string; action: string; at: number }> = [];
  let downloadRedirect = false;
  let port = 0;
  let baseUrl = "";

  // ------------------------------------------------------------------ tokens

  const issueTokens = (userId: string): TokenResponse => {
    const at = jwtLike("access", {
      uid: userId,
      aid: users.get(userId)?.account_id,
      iat: Math.floor(now() / 1000),
    });
    const rt = jwtLike("refresh", { uid: userId, aid: users.get(userId)?.account_id });
    accessTokens.set(at, { userId, expiresAt: now() + accessTtlS * 1000, revoked: false });
    refreshTokens.set(rt, { userId, valid: true });
    const out: TokenResponse = {
      access_token: at,
      token_type: "bearer",
      refresh_token: rt,
      expires_in: accessTtlS,
      scope,
    };
    if (apiUrl !== undefined) out.api_url = apiUrl;
    return out;
  };

  /** Re-authorization rotates out every older refresh token of the user (reference/zoom.md §3.3). */
  const invalidateRefreshTokens = (userId: string) => {
    for (const e of refreshTokens.values()) if (e.userId === userId) e.valid = false;
  };

  const revokeUser = (userId: string) => {
    for (const e of accessTokens.values()) if (e.userId === userId) e.revoked = true;
    invalidateRefreshTokens(userId);
  };

  const invalidGrant = (reason: string): Reply => {
    counters.invalidGrants++;
    return json(400, { reason, error: "invalid_grant" });
  };

  /** The user behind a valid `Authorization: Bearer <access token>`, or a 401 reply. */
  const oauthUser = (
    req: http.IncomingMessage,
    query: URLSearchParams,
  ): { user: ZoomUser } | { reply: Reply } => {
    const token = bearerToken(req);
    if (!token) {
      if (query.has("access_token")) {
        // Since 2023 Zoom refuses tokens in the query string (reference/zoom.md §3.4).
        return {
          reply: json(401, {
            code: 124,
            message: "Invalid access token, this access token is not supported as query parameter string.",
          }),
        };
      }
      return { reply: json(401, { code: 124, message: "Invalid access token." }) };
    }
    const e = accessTokens.get(token);
    if (!e || e.revoked) return { reply: json(401, { code: 124, message: "Invalid access token." }) };
    if (now() >= e.expiresAt) return { reply: json(401, { code: 124, message: "Access token is expired." }) };
    const user = users.get(e.userId);
    if (!user) return { reply: json(401, { code: 124, message: "Invalid access token." }) };
    return { user };
  };

  // ------------------------------------------------------------------ meetings

  /**
   * Decodes the raw `{meetingId}` path segment like Zoom: the router percent-decodes once; a UUID
   * that needs double-encoding (starts with `/` or has `//`) only survives if the client
   * double-encoded it; any other UUID works single-encoded (and double-encoded, decoded twice).
   */
  const decodeMeetingSegment = (raw: string): { ok: true; uuid: string } | { ok: false; shown: string } => {
    let once: string;
    try {
      once = decodeURIComponent(raw);
    } catch {
      return { ok: false, shown: raw };
    }
    if (uuidNeedsDoubleEncoding(once)) return { ok: false, shown: once };
    if (!once.includes("%")) return { ok: true, uuid: once };
    try {
      return { ok: true, uuid: decodeURIComponent(once) };
    } catch {
      return { ok: false, shown: once };
    }
  };

  /** A meeting by UUID, or by number (the latest instance, as Zoom documents). */
  const findMeeting = (idOrUuid: string): MeetingState | undefined => {
    const direct = meetings.get(idOrUuid);
    if (direct) return direct;
    if (!/^\d+$/.test(idOrUuid)) return undefined;
    const n = Number(idOrUuid);
    return [...meetings.values()]
      .filter((m) => m.id === n)
      .sort((a, b) => b.start_time.localeCompare(a.start_time))[0];
  };

  const apiFile = (m: MeetingState, f: FileState, kind: "api" | "webhook"): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      id: f.id,
      meeting_id: m.uuid,
      recording_start: f.recording_start,
      recording_end: f.recording_end,
      file_type: f.file_type,
      file_extension: f.file_extension,
      file_size: f.file_size,
      play_url: f.play_url,
      download_url: kind === "api" ? f.download_url : f.webhookDownloadUrl,
      status: f.status,
      recording_type: f.recording_type,
    };
    // The spec: CC and TIMELINE files carry no id/status/file_size/recording_type/play_url.
    if (f.file_type === "CC" || f.file_type === "TIMELINE") {
      for (const k of ["id", "status", "file_size", "recording_type", "play_url"]) delete out[k];
    }
    return out;
  };

  const meetingObject = (
    m: MeetingState,
    files: FileState[],
    kind: "api" | "webhook",
  ): Record<string, unknown> => {
    const user = users.get(m.hostUserId);
    const o: Record<string, unknown> = {
      uuid: m.uuid,
      id: m.id,
      account_id: m.account_id,
      host_id: m.hostUserId,
      topic: m.topic,
      type: m.type,
      start_time: m.start_time,
      timezone: m.timezone,
      duration: m.duration,
      total_size: files.reduce((n, f) => n + f.file_size, 0),
      recording_count: files.length,
      share_url: m.share_url,
      password: m.password,
      recording_play_passcode: randomBytes(24).toString("base64url"),
      recording_files: files.map((f) => apiFile(m, f, kind)),
    };
    if (kind === "webhook") o.host_email = user?.email ?? m.host_email;
    return o;
  };

  const publicMeeting = (m: MeetingState): FakeMeeting => {
    const { summary: _s, files, ...rest } = m;
    return { ...rest, files: files.map(({ token: _t, source: _src, ...f }) => ({ ...f })) };
  };

  const mustMeeting = (uuid: string): MeetingState => {
    const m = meetings.get(uuid);
    if (!m) throw new Error(`fake-zoom: unknown meeting ${uuid}`);
    return m;
  };

  const mintDownloadToken = (uuid: string, ttlS: number, kind: "api" | "webhook"): string => {
    const token = jwtLike(kind === "api" ? "download_access" : "webhook_download", { mid: uuid });
    downloadTokens.set(token, { uuid, expiresAt: now() + ttlS * 1000, kind });
    return token;
  };

  // ------------------------------------------------------------------ route handlers

  const authorize = (q: URLSearchParams): Reply => {
    if (q.get("response_type") !== "code")
      return html(400, "<html><body><h1>Invalid request: response_type must be code</h1></body></html>");
    if (q.get("client_id") !== clientId)
      return html(400, "<html><body><h1>Invalid client_id</h1></body></html>");
    const redirectUri = q.get("redirect_uri") ?? "";
    let target: URL;
    try {
      target = new URL(redirectUri);
    } catch {
      return html(
        400,
        "<html><body><h1>Invalid redirect: missing or malformed redirect_uri</h1></body></html>",
      );
    }
    if (opts.redirectUris && !opts.redirectUris.includes(redirectUri)) {
      return html(
        400,
        "<html><body><h1>Invalid redirect: redirect_uri is not in the allow list</h1></body></html>",
      );
    }
    const method = q.get("code_challenge_method") ?? undefined;
    const challenge = q.get("code_challenge") ?? undefined;
    if (method !== undefined && method !== "S256" && method !== "plain") {
      return html(400, "<html><body><h1>Invalid code_challenge_method</h1></body></html>");
    }
    const who = nextAuthorization ?? [...users.keys()][0];
    nextAuthorization = undefined;
    const state = q.get("state");
    if (who === undefined)
      return html(
        400,
        "<html><body><h1>No Zoom user to sign in (fake: call addUser first)</h1></body></html>",
      );
    if (typeof who === "object") {
      target.searchParams.set("error", "access_denied");
      if (state !== null) target.searchParams.set("state", state);
      return redirectTo(target);
    }
    const code = randomToken("", 24);
    const entry: AuthorizationCode = {
      userId: who,
      redirectUri,
      issuedAt: now(),
      used: false,
    };
    if (challenge !== undefined) {
      entry.challenge = challenge;
      entry.method = method ?? "plain"; // Zoom's default when omitted (reference/zoom.md §3.1)
    }
    codes.set(code, entry);
    target.searchParams.set("code", code);
    if (state !== null) target.searchParams.set("state", state);
    return redirectTo(target);
  };

  const clientAuthOk = (req: http.IncomingMessage): boolean => {
    const a = basicAuth(req);
    return a?.user === clientId && a.pass === clientSecret;
  };

  const token = (req: http.IncomingMessage, p: URLSearchParams): Reply => {
    if (!clientAuthOk(req))
      return json(401, { reason: "Invalid client_id or client_secret", error: "invalid_client" });
    const grant = p.get("grant_type");
    if (grant === "authorization_code") {
      const code = p.get("code") ?? "";
      const entry = codes.get(code);
      if (!entry || entry.used || now() - entry.issuedAt > 5 * 60_000)
        return invalidGrant("Invalid authorization code");
      // A presented code is spent even when the rest of the request is wrong.
      entry.used = true;
      if ((p.get("redirect_uri") ?? "") !== entry.redirectUri) return invalidGrant("Redirect URI mismatch.");
      if (entry.challenge !== undefined) {
        const verifier = p.get("code_verifier") ?? "";
        const expected =
          entry.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
        if (verifier === "" || expected !== entry.challenge)
          return invalidGrant("Invalid authorization code");
      }
      invalidateRefreshTokens(entry.userId);
      counters.codeExchanges++;
      return json(200, issueTokens(entry.userId));
    }
    if (grant === "refresh_token") {
      const e = refreshTokens.get(p.get("refresh_token") ?? "");
      if (!e?.valid) return invalidGrant("Invalid Token!");
      e.valid = false; // rotation: the presented token dies now
      counters.refreshes++;
      refreshesByUser[e.userId] = (refreshesByUser[e.userId] ?? 0) + 1;
      return json(200, issueTokens(e.userId));
    }
    return json(400, { reason: "unsupported grant type", error: "unsupported_grant_type" });
  };

  const revoke = (req: http.IncomingMessage, p: URLSearchParams): Reply => {
    if (!clientAuthOk(req))
      return json(401, { reason: "Invalid client_id or client_secret", error: "invalid_client" });
    const t = p.get("token") ?? "";
    const userId = accessTokens.get(t)?.userId ?? refreshTokens.get(t)?.userId;
    if (!userId) return json(400, { reason: "Invalid Token!", error: "invalid_request" });
    revokeUser(userId);
    revocations.push({ token: t, userId, at: now() });
    return json(200, { status: "success" });
  };

  const usersMe = (req: http.IncomingMessage, q: URLSearchParams, who: string): Reply => {
    const auth = oauthUser(req, q);
    if ("reply" in auth) return auth.reply;
    if (who !== "me" && who !== auth.user.id)
      return json(404, { code: 1001, message: `User does not exist: ${who}.` });
    return json(200, auth.user);
  };

  const recordings = (req: http.IncomingMessage, q: URLSearchParams, rawSegment: string): Reply => {
    const auth = oauthUser(req, q);
    if ("reply" in auth) return auth.reply;
    const decoded = decodeMeetingSegment(rawSegment);
    if (!decoded.ok) return json(404, { code: 3001, message: `Meeting does not exist: ${decoded.shown}.` });
    const m = findMeeting(decoded.uuid);
    if (!m) return json(404, { code: 3001, message: `Meeting does not exist: ${decoded.uuid}.` });
    // Another user's meeting is invisible to this user-level token.
    if (m.hostUserId !== auth.user.id || m.files.length === 0 || m.trashed) {
      return json(404, { code: 3301, message: "There is no recording for this meeting." });
    }
    const body = meetingObject(
      m,
      m.files.filter((f) => !f.hidden),
      "api",
    );
    const include = (q.get("include_fields") ?? "").split(",").map((s) => s.trim());
    if (include.includes("download_access_token")) {
      const ttlRaw = q.get("ttl");
      const ttl = ttlRaw === null || ttlRaw === "" ? 86_400 : Number(ttlRaw);
      if (!Number.isInteger(ttl) || ttl < 0 || ttl > 604_800)
        return json(400, { code: 300, message: "Invalid field: ttl." });
      body.download_access_token = mintDownloadToken(m.uuid, ttl === 0 ? 86_400 : ttl, "api");
    }
    return json(200, body);
  };

  /**
   * `DELETE /meetings/{uuid}/recordings?action=trash|delete` (zoom.md §11.2): 204; trash is the
   * default action. Without the delete scope: 400 code 4711. Unknown, another user's or already
   * trashed: 404 code 3301.
   */
  const deleteRecordings = (req: http.IncomingMessage, q: URLSearchParams, rawSegment: string): Reply => {
    const auth = oauthUser(req, q);
    if ("reply" in auth) return auth.reply;
    const granted = scope.split(/\s+/);
    const hasScope =
      !trashScopeMissing &&
      granted.some((g) =>
        /^cloud_recording:delete:meeting_recording(:admin)?$|^recording:write(:admin)?$/.test(g),
      );
    if (!hasScope) {
      return json(400, {
        code: 4711,
        message: "Invalid access token, does not contain scopes:[cloud_recording:delete:meeting_recording].",
      });
    }
    const action = q.get("action") ?? "trash";
    if (action !== "trash" && action !== "delete")
      return json(400, { code: 300, message: "Invalid field: action." });
    const decoded = decodeMeetingSegment(rawSegment);
    if (!decoded.ok) return json(404, { code: 3001, message: `Meeting does not exist: ${decoded.shown}.` });
    const m = findMeeting(decoded.uuid);
    if (!m || m.hostUserId !== auth.user.id || m.files.length === 0 || (m.trashed && action === "trash")) {
      return json(404, { code: 3301, message: "There is no recording for this meeting." });
    }
    recordingDeletions.push({ uuid: m.uuid, action, at: now() });
    if (action === "delete") m.files = [];
    else m.trashed = true;
    return { status: 204, body: Buffer.alloc(0), contentType: "application/json" };
  };

  const listRecordings = (req: http.IncomingMessage, q: URLSearchParams, who: string): Reply => {
    const auth = oauthUser(req, q);
    if ("reply" in auth) return auth.reply;
    if (who !== "me" && who !== auth.user.id)
      return json(404, { code: 1001, message: `User does not exist: ${who}.` });
    const today = new Date(now()).toISOString().slice(0, 10);
    const from = q.get("from") || today;
    const to = q.get("to") || today;
    const dateRe = /^\d{4}-\d{2}-\d{2}$/;
    if (!dateRe.test(from) || Number.isNaN(Date.parse(from)))
      return json(400, { code: 300, message: `Invalid field: from.` });
    if (!dateRe.test(to) || Number.isNaN(Date.parse(to)))
      return json(400, { code: 300, message: `Invalid field: to.` });
    if (to < from) return json(400, { code: 300, message: "The end date must be after the start date." });
    if (Date.parse(to) - Date.parse(from) > 31 * 86_400_000)
      return json(400, { code: 300, message: "The maximum range can be a month." });
    const pageSize = Math.min(300, Math.max(1, Number(q.get("page_size") ?? 30) || 30));
    let offset = 0;
    const pt = q.get("next_page_token");
    if (pt) {
      const e = pageTokens.get(pt);
      if (!e || e.userId !== auth.user.id || now() > e.expiresAt)
        return json(400, { code: 300, message: "Invalid next_page_token." });
      offset = e.offset;
    }
    const all = [...meetings.values()]
      .filter((m) => m.hostUserId === auth.user.id && m.files.length > 0)
      // `trash=false` (the default) lists what is not in the trash; `trash=true` only what is.
      .filter((m) => (q.get("trash") === "true") === (m.trashed === true))
      .filter((m) => {
        const day = new Date(Date.parse(m.start_time)).toISOString().slice(0, 10);
        return day >= from && day <= to;
      })
      .sort((a, b) => Date.parse(b.start_time) - Date.parse(a.start_time));
    const page = all.slice(offset, offset + pageSize);
    let next = "";
    if (offset + pageSize < all.length) {
      next = randomToken("", 24);
      // Zoom: next_page_token expires in 15 minutes.
      pageTokens.set(next, {
        userId: auth.user.id,
        offset: offset + pageSize,
        expiresAt: now() + 15 * 60_000,
      });
    }
    return json(200, {
      from,
      to,
      page_size: pageSize,
      total_records: all.length,
      next_page_token: next,
      meetings: page.map((m) => meetingObject(m, m.files, "api")),
    });
  };

  const summaryEnvelope = (m: MeetingState): Record<string, unknown> => {
    const end = Date.parse(m.start_time) + m.duration * 60_000;
    return {
      meeting_host_id: m.hostUserId,
      meeting_host_email: users.get(m.hostUserId)?.email ?? m.host_email,
      meeting_uuid: m.uuid,
      meeting_id: m.id,
      meeting_topic: m.topic,
      meeting_start_time: m.start_time,
      meeting_end_time: isoNoMillis(end),
      summary_start_time: m.start_time,
      summary_end_time: isoNoMillis(end),
      summary_created_time: isoNoMillis(end + 120_000),
      summary_last_modified_time: isoNoMillis(end + 120_000),
    };
  };

  const summary = (req: http.IncomingMessage, q: URLSearchParams, rawSegment: string): Reply => {
    const auth = oauthUser(req, q);
    if ("reply" in auth) return auth.reply;
    if (summaryScopeMissing) {
      return json(400, {
        code: 4700,
        message: "Invalid access token, does not contain scopes:[meeting:read:summary].",
      });
    }
    const decoded = decodeMeetingSegment(rawSegment);
    if (!decoded.ok) return json(404, { code: 3001, message: `Meeting does not exist: ${decoded.shown}.` });
    const m = findMeeting(decoded.uuid);
    if (!m || m.hostUserId !== auth.user.id)
      return json(404, { code: 3001, message: `Meeting does not exist: ${decoded.uuid}.` });
    // The "no summary" code is not documented in our sources; 3322 is the fake's choice.
    if (!m.summary) return json(404, { code: 3322, message: "Meeting summary does not exist." });
    return json(200, { ...summaryEnvelope(m), ...m.summary });
  };

  // ------------------------------------------------------------------ downloads

  /** Streams (a range of) a recording file; `fault` truncates or resets after about half. */
  const serveFile = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: FileState,
    fault: ZoomFault | undefined,
  ) => {
    const size = file.file_size;
    const range = parseRange(typeof req.headers.range === "string" ? req.headers.range : undefined, size);
    if (range === "unsatisfiable") {
      sendBody(res, 416, "", "text/plain", { "content-range": `bytes */${size}` });
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    const length = Math.max(0, end - start + 1);
    const headers: http.OutgoingHttpHeaders = {
      "content-type": CONTENT_TYPE_BY_EXT[file.file_extension.toUpperCase()] ?? "application/octet-stream",
      "content-length": length,
      "accept-ranges": "bytes",
      "content-disposition": `attachment; filename="${file.fileName}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    };
    if (range) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    counters.downloadsStarted++;
    const cut =
      fault && (fault.kind === "truncate" || fault.kind === "reset" || fault.kind === "stall")
        ? Math.floor(length / 2)
        : length;
    const source: Readable =
      cut === 0
        ? Readable.from([])
        : "path" in file.source
          ? createReadStream(file.source.path, { start, end: start + cut - 1, highWaterMark: 256 * 1024 })
          : Readable.from([file.source.bytes.subarray(start, start + cut)]);
    source.on("data", (chunk: Buffer) => {
      counters.bytesServed += chunk.length;
    });
    source.on("error", (err) => {
      internalErrors.push(err);
      res.destroy();
    });
    res.on("close", () => source.destroy());
    source.pipe(res, { end: false });
    source.on("end", () => {
      const socket = res.socket;
      if (fault?.kind === "stall") {
        // Nothing more, connection open: only the client's idle timeout (or close()) ends it.
      } else if (fault?.kind === "truncate") {
        socket?.end(); // clean FIN before Content-Length bytes were sent
      } else if (fault?.kind === "reset") {
        if (socket) socket.write("", () => resetSocket(socket));
      } else {
        res.end(() => {
          counters.downloadsCompleted++;
          signal.notify();
        });
      }
      signal.notify();
    });
  };

  const downloadAuthorized = (req: http.IncomingMessage, m: MeetingState): boolean => {
    const t = bearerToken(req);
    if (!t) return false;
    const d = downloadTokens.get(t);
    if (d) return d.uuid === m.uuid && now() < d.expiresAt;
    const a = accessTokens.get(t);
    return !!a && !a.revoked && now() < a.expiresAt && a.userId === m.hostUserId;
  };

  const download = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    fileToken: string,
    fault: ZoomFault | undefined,
  ) => {
    const ref = filesByToken.get(fileToken);
    if (fault?.kind === "html") {
      send(res, html(200, LOGIN_HTML));
      return;
    }
    if (!ref || ref.meeting.trashed) {
      send(res, json(404, { code: 3301, message: "There is no recording for this meeting." }));
      return;
    }
    // A file still processing answers like ZoomNet #348 saw: an intermittent 401.
    if (!downloadAuthorized(req, ref.meeting) || ref.file.status !== "completed") {
      send(res, json(401, { code: 124, message: "Invalid access token." }));
      return;
    }
    if (downloadRedirect) {
      const key = randomToken("", 18);
      const expiresAtS = Math.floor(now() / 1000) + 3600;
      const policy = Buffer.from(
        JSON.stringify({
          Statement: [
            { Resource: `/storage/${key}`, Condition: { DateLessThan: { "AWS:EpochTime": expiresAtS } } },
          ],
        }),
      ).toString("base64url");
      const signature = createHmac("sha256", storageSecret).update(`${key}.${policy}`).digest("base64url");
      const link: { meeting: MeetingState; file: FileState; expiresAtS: number; fault?: ZoomFault } = {
        ...ref,
        expiresAtS,
      };
      // Body faults happen where the body is: at the storage host.
      if (fault && (fault.kind === "reset" || fault.kind === "truncate" || fault.kind === "stall"))
        link.fault = fault;
      storageLinks.set(key, link);
      const location = `http://localhost:${port}/storage/${key}?Policy=${policy}&Signature=${signature}&Key-Pair-Id=FAKEZOOMKEYPAIR`;
      send(res, { status: 302, body: Buffer.alloc(0), contentType: "text/html", headers: { location } });
      return;
    }
    serveFile(req, res, ref.file, fault);
  };

  const storage = (req: http.IncomingMessage, res: http.ServerResponse, key: string, q: URLSearchParams) => {
    counters.storageRequests++;
    if (req.headers.authorization !== undefined) counters.authHeadersAtStorage++;
    const link = storageLinks.get(key);
    const policy = q.get("Policy") ?? "";
    const expected = createHmac("sha256", storageSecret).update(`${key}.${policy}`).digest("base64url");
    if (!link || q.get("Signature") !== expected || Math.floor(now() / 1000) > link.expiresAtS) {
      send(res, {
        status: 403,
        body: Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>',
        ),
        contentType: "application/xml",
      });
      return;
    }
    const fault = link.fault;
    delete link.fault;
    serveFile(req, res, link.file, fault);
  };

  // ------------------------------------------------------------------ dispatch

  const send = (res: http.ServerResponse, reply: Reply, fault?: ZoomFault) => {
    if (res.headersSent || res.destroyed) return;
    if (reply.status === 204) {
      // No Content: no body, so no Content-Type or Content-Length either.
      res.writeHead(204, reply.headers ?? {});
      res.end();
      return;
    }
    if (fault?.kind === "truncate" && reply.body.length > 1) {
      res.writeHead(reply.status, {
        "content-type": reply.contentType,
        "content-length": reply.body.length,
        ...reply.headers,
      });
      res.write(reply.body.subarray(0, Math.floor(reply.body.length / 2)), () => res.socket?.end());
      return;
    }
    sendBody(res, reply.status, reply.body, reply.contentType, reply.headers);
  };

  const faultReply = (route: ZoomRoute, fault: ZoomFault): Reply | undefined => {
    switch (fault.kind) {
      case "status": {
        if (fault.status === 429) {
          const daily = fault.rateLimitType === "Daily-limit";
          const headers: http.OutgoingHttpHeaders = {
            "x-ratelimit-category": route === "list_recordings" ? "Medium" : "Light",
            "x-ratelimit-type": fault.rateLimitType ?? "QPS",
            "x-ratelimit-limit": daily ? "6000" : "30",
            "x-ratelimit-remaining": "0",
          };
          if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
          return json(
            429,
            {
              code: 429,
              message: daily
                ? "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."
                : "You have reached the maximum per-second rate limit for this API. Try again later.",
            },
            headers,
          );
        }
        const headers: http.OutgoingHttpHeaders =
          fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {};
        if (fault.status === 500) return json(500, { code: 500, message: "Internal Server Error" }, headers);
        // 502/503 come from the load balancer in front of Zoom: HTML, not JSON.
        const text = fault.status === 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable";
        return {
          ...html(
            fault.status,
            `<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center></body></html>`,
          ),
          headers,
        };
      }
      case "html":
        return html(200, LOGIN_HTML);
      case "unauthorized":
        return json(401, { code: 124, message: "Invalid access token." });
      case "invalid_grant":
        return invalidGrant("Invalid Token!");
      case "token_error":
        return json(fault.status, {
          reason: fault.reason ?? "Invalid client_id or client_secret",
          error: fault.error,
        });
      default:
        return undefined;
    }
  };

  const ROUTES: Array<{ methods: string[]; re: RegExp; route: ZoomRoute | "storage" }> = [
    { methods: ["GET"], re: /^\/oauth\/authorize$/, route: "authorize" },
    { methods: ["POST"], re: /^\/oauth\/token$/, route: "token" },
    { methods: ["POST"], re: /^\/oauth\/revoke$/, route: "revoke" },
    { methods: ["GET"], re: /^\/v2\/users\/([^/]+)\/recordings$/, route: "list_recordings" },
    { methods: ["GET"], re: /^\/v2\/users\/([^/]+)$/, route: "users_me" },
    { methods: ["GET"], re: /^\/v2\/meetings\/([^/]+)\/recordings$/, route: "recordings" },
    { methods: ["DELETE"], re: /^\/v2\/meetings\/([^/]+)\/recordings$/, route: "delete_recordings" },
    { methods: ["GET"], re: /^\/v2\/meetings\/([^/]+)\/meeting_summary$/, route: "summary" },
    { methods: ["GET", "HEAD"], re: /^\/rec\/(?:webhook_)?download\/([^/]+)$/, route: "download" },
    { methods: ["GET", "HEAD"], re: /^\/storage\/([^/]+)$/, route: "storage" },
  ];

  /** Routes on the RAW path: the meeting segment must not be decoded before matching. */
  const classify = (
    method: string,
    path: string,
  ): { route: ZoomRoute | "storage" | "unknown"; arg?: string } => {
    for (const r of ROUTES) {
      if (!r.methods.includes(method)) continue;
      const m = r.re.exec(path);
      if (m) return m[1] === undefined ? { route: r.route } : { route: r.route, arg: m[1] };
    }
    return { route: "unknown" };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q < 0 ? "" : rawUrl.slice(q + 1));
    const method = req.method ?? "GET";
    const { route, arg = "" } = classify(method, path);
    requests.push({
      method,
      path: rawUrl,
      host: req.headers.host ?? "",
      headers: { ...req.headers },
      route,
      at: now(),
    });
    signal.notify();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    if (route === "storage") {
      req.resume();
      storage(req, res, arg, query);
      return;
    }
    if (route === "unknown") {
      req.resume();
      send(res, json(404, { code: 404, message: "Not Found" }));
      return;
    }

    const fault = faults.take(route);
    if (fault?.kind === "reset" && route !== "download") {
      resetSocket(req.socket);
      return;
    }
    const body = await readBody(req, 1 << 20);
    if (!body.ok) {
      if (body.reason === "too_large")
        send(res, json(413, { code: 413, message: "Request Entity Too Large" }));
      return;
    }
    if (fault?.kind === "hang") return; // answered never; close() cuts the socket
    if (fault) {
      const reply = faultReply(route, fault);
      if (reply) {
        send(res, reply);
        return;
      }
    }
    if (route === "download") {
      download(req, res, arg, fault);
      return;
    }
    const form = new URLSearchParams(query);
    const contentType = req.headers["content-type"] ?? "";
    if (/application\/x-www-form-urlencoded/i.test(contentType)) {
      for (const [k, v] of new URLSearchParams(body.body.toString("utf8"))) form.set(k, v);
    }
    send(res, answer[route](req, query, form, arg), fault);
    signal.notify();
  };

  /** Each route with a plain answer: its handler, given the request, the query, the form and the path segment. */
  const answer: Record<
    Exclude<ZoomRoute, "download">,
    (req: http.IncomingMessage, query: URLSearchParams, form: URLSearchParams, arg: string) => Reply
  > = {
    authorize: (_req, query) => authorize(query),
    token: (req, _query, form) => token(req, form),
    revoke: (req, _query, form) => revoke(req, form),
    users_me: (req, query, _form, who) => usersMe(req, query, who),
    recordings: (req, query, _form, segment) => recordings(req, query, segment),
    list_recordings: (req, query, _form, who) => listRecordings(req, query, who),
    delete_recordings: (req, query, _form, segment) => deleteRecordings(req, query, segment),
    summary: (req, query, _form, segment) => summary(req, query, segment),
  };

  const server = await startHttpServer(handle, {
    host: opts.host ?? "127.0.0.1",
    alsoIpv6Loopback: true,
    onInternalError: (err) => internalErrors.push(err),
  });
  port = server.port;
  baseUrl = server.url;

  // ------------------------------------------------------------------ control API

  const fake: FakeZoom = {
    url: baseUrl,
    oauthBaseUrl: baseUrl,
    apiBaseUrl: `${baseUrl}/v2`,
    clientId,
    clientSecret,
    accountId,
    close: () => server.close(),

    addUser(input) {
      const id = input.id ?? randomBytes(16).toString("base64url");
      if (users.has(id)) throw new Error(`fake-zoom: user ${id} exists`);
      const first = input.first_name ?? "Test";
      const last = input.last_name ?? "User";
      const created = isoNoMillis(now() - 365 * 86_400_000);
      const user: ZoomUser = {
        id,
        first_name: first,
        last_name: last,
        display_name: `${first} ${last}`,
        type: 2,
        role_name: "Owner",
        pmi: 1_000_000_000 + Math.floor(Math.random() * 8_999_999_999),
        use_pmi: false,
        personal_meeting_url: `${baseUrl}/j/1234567890`,
        timezone: "UTC",
        verified: 1,
        dept: "",
        created_at: created,
        user_created_at: created,
        last_login_time: isoNoMillis(now()),
        last_client_version: "6.0.0.0(mac)",
        pic_url: `${baseUrl}/p/${id}`,
        language: "en-US",
        phone_number: "",
        status: "active",
        role_id: "0",
        account_id: accountId,
        account_number: 10_009_239,
        cluster: "us06",
        login_types: [100],
        group_ids: [],
        im_group_ids: [],
        jid: `${id.toLowerCase()}@xmpp.zoom.us`,
        ...input,
      } as ZoomUser;
      user.id = id;
      users.set(id, user);
      return { ...user };
    },
    user: (id) => {
      const u = users.get(id);
      return u ? { ...u } : undefined;
    },
    setNextAuthorization(who) {
      if (typeof who === "string" && !users.has(who)) throw new Error(`fake-zoom: unknown user ${who}`);
      nextAuthorization = who;
    },
    setApiUrl(url) {
      apiUrl = url;
    },
    grantTokens(userId) {
      if (!users.has(userId)) throw new Error(`fake-zoom: unknown user ${userId}`);
      invalidateRefreshTokens(userId);
      return issueTokens(userId);
    },

    addMeeting(input) {
      const host = users.get(input.hostUserId);
      if (!host) throw new Error(`fake-zoom: unknown host ${input.hostUserId}; call addUser first`);
      if (meetings.has(input.uuid)) throw new Error(`fake-zoom: meeting ${input.uuid} exists`);
      const duration = input.duration ?? 60;
      const startMs = Date.parse(input.start_time);
      if (Number.isNaN(startMs)) throw new Error(`fake-zoom: bad start_time ${input.start_time}`);
      const stamp = isoNoMillis(startMs).replace(/[-:]/g, "").replace("T", "-").replace("Z", "");
      const m: MeetingState = {
        uuid: input.uuid,
        id: input.id ?? 80_000_000_000 + Math.floor(Math.random() * 9_999_999_999),
        hostUserId: input.hostUserId,
        account_id: host.account_id,
        host_email: host.email,
        topic: input.topic,
        type: input.type ?? 2,
        start_time: isoNoMillis(startMs),
        timezone: input.timezone ?? host.timezone,
        duration,
        password: input.password ?? "",
        share_url: `${baseUrl}/rec/share/${randomToken("", 24)}`,
        files: [],
      };
      for (const f of input.files) {
        const ext = (f.file_extension ?? EXTENSION_BY_TYPE[f.file_type.toUpperCase()] ?? "BIN").toUpperCase();
        let source: FileState["source"];
        let size: number;
        if (f.path !== undefined) {
          source = { path: f.path };
          size = statSync(f.path).size;
        } else if (f.bytes !== undefined) {
          const bytes = typeof f.bytes === "string" ? Buffer.from(f.bytes) : Buffer.from(f.bytes);
          source = { bytes };
          size = bytes.length;
        } else {
          throw new Error("fake-zoom: a recording file needs `path` or `bytes`");
        }
        const t = randomToken("", 32);
        const suffix =
          f.recording_type === "audio_transcript"
            ? ".transcript"
            : f.file_type === "CHAT"
              ? ".chat"
              : f.file_type === "CC"
                ? ".cc"
                : "";
        const file: FileState = {
          id: f.id ?? randomUUID(),
          meeting_id: input.uuid,
          file_type: f.file_type,
          file_extension: ext,
          recording_type: f.recording_type,
          file_size: size,
          status: f.status ?? "completed",
          recording_start: isoNoMillis(startMs),
          recording_end: isoNoMillis(startMs + duration * 60_000),
          download_url: `${baseUrl}/rec/download/${t}`,
          webhookDownloadUrl: `${baseUrl}/rec/webhook_download/${t}`,
          play_url: `${baseUrl}/rec/play/${t}`,
          fileName: `GMT${stamp}_Recording${suffix}.${ext.toLowerCase()}`,
          token: t,
          source,
        };
        m.files.push(file);
        filesByToken.set(t, { meeting: m, file });
      }
      meetings.set(m.uuid, m);
      return publicMeeting(m);
    },
    meeting: (uuid) => {
      const m = meetings.get(uuid);
      return m ? publicMeeting(m) : undefined;
    },
    setFileStatus(uuid, fileId, status) {
      const f = mustMeeting(uuid).files.find((x) => x.id === fileId);
      if (!f) throw new Error(`fake-zoom: unknown file ${fileId} in ${uuid}`);
      f.status = status;
    },
    setFileHidden(uuid, fileId, hidden) {
      const f = mustMeeting(uuid).files.find((x) => x.id === fileId);
      if (!f) throw new Error(`fake-zoom: unknown file ${fileId} in ${uuid}`);
      f.hidden = hidden;
    },
    setSummary(uuid, s) {
      mustMeeting(uuid).summary = s;
    },
    setSummaryScopeMissing(missing) {
      summaryScopeMissing = missing;
    },
    setTrashScopeMissing(missing) {
      trashScopeMissing = missing;
    },
    recordingDeletions,
    isTrashed(uuid) {
      return findMeeting(uuid)?.trashed === true;
    },
    setDownloadRedirect(enabled) {
      downloadRedirect = enabled;
    },

    buildEvent(event, uuid, eventOpts = {}) {
      const m = mustMeeting(uuid);
      let files =
        event === "recording.transcript_completed"
          ? m.files.filter((f) => f.file_type === "TRANSCRIPT")
          : m.files.filter((f) => f.file_type !== "TRANSCRIPT");
      if (eventOpts.fileTypes) {
        const wanted = eventOpts.fileTypes.map((t) => t.toUpperCase());
        files = m.files.filter((f) => wanted.includes(f.file_type.toUpperCase()));
      }
      // Every delivery carries a fresh 24 h token (duplicates differ only in it: zoom.md §6.1).
      const downloadToken = mintDownloadToken(m.uuid, 24 * 3600, "webhook");
      return {
        event,
        event_ts: now(),
        payload: { account_id: m.account_id, object: meetingObject(m, files, "webhook") },
        download_token: downloadToken,
      };
    },
    buildLifecycleEvent(event, uuid, eventOpts = {}) {
      const m = mustMeeting(uuid);
      const wanted = eventOpts.fileTypes?.map((t) => t.toUpperCase());
      const files = wanted ? m.files.filter((f) => wanted.includes(f.file_type.toUpperCase())) : m.files;
      const removed = event !== "recording.recovered";
      if (wanted) for (const f of files) f.hidden = removed;
      else m.trashed = removed;
      const user = users.get(m.hostUserId);
      const body: Record<string, unknown> = {
        event,
        event_ts: now(),
        payload: {
          account_id: m.account_id,
          operator: user?.email ?? m.host_email,
          operator_id: m.hostUserId,
          object: meetingObject(m, files, "webhook"),
        },
      };
      if (event === "recording.recovered")
        body.download_token = mintDownloadToken(m.uuid, 24 * 3600, "webhook");
      return body;
    },
    buildDeauthorizationEvent(userId, o = {}) {
      const user = users.get(userId);
      if (!user) throw new Error(`fake-zoom: unknown user ${userId}`);
      if (o.revokeTokens !== false) revokeUser(userId);
      return {
        event: "app_deauthorized",
        event_ts: now(),
        payload: {
          user_data_retention: o.userDataRetention ? "true" : "false",
          account_id: user.account_id,
          user_id: userId,
          signature: randomBytes(32).toString("hex"),
          deauthorization_time: new Date(now()).toISOString(),
          client_id: clientId,
        },
      };
    },
    buildSummaryCompletedEvent(uuid, shape) {
      const m = mustMeeting(uuid);
      const s = m.summary ?? {};
      const object: Record<string, unknown> = {
        ...summaryEnvelope(m),
        summary_title: s.summary_title ?? `Meeting summary for ${m.topic}`,
      };
      if (shape === "rivet") {
        object.summary_overview = s.summary_overview ?? `Overview of ${m.topic}.`;
        object.summary_details = s.summary_details ?? [
          { label: "Discussion", summary: `Details of ${m.topic}.` },
        ];
        object.next_steps = s.next_steps ?? ["Follow up on action items."];
      } else {
        object.summary_content =
          s.summary_content ?? `## Key takeaways\n- ${m.topic} was discussed.\n\n## Next steps\n- Follow up.`;
        object.summary_doc_url = s.summary_doc_url ?? `${baseUrl}/doc/${randomToken("", 16)}`;
      }
      return {
        event: "meeting.summary_completed",
        event_ts: now(),
        payload: { account_id: m.account_id, object },
      };
    },

    inject(route, fault, times = 1) {
      faults.add(route, fault, times);
    },
    clearFaults() {
      faults.clear();
    },

    requests,
    revocations,
    stats: Object.defineProperty(liveView(counters), "refreshesByUser", {
      get: () => ({ ...refreshesByUser }),
      enumerable: true,
    }) as FakeZoom["stats"],
    waitFor: (check, timeoutMs) => signal.waitFor(check, timeoutMs, "fake Zoom state"),
    waitForRequest: (predicate, timeoutMs) =>
      signal.waitFor(() => requests.find(predicate), timeoutMs, "a matching Zoom request"),
    internalErrors,
  };
  return fake;
}

/** An object whose properties read `source`'s current values, and that a test cannot write to. */
function liveView<T extends Record<string, number>>(source: T): Readonly<T> {
  const view = {} as T;
  for (const key of Object.keys(source)) {
    Object.defineProperty(view, key, { get: () => source[key], enumerable: true });
  }
  return view;
}

/** The browser is sent on to `target` (302, empty body). */
function redirectTo(target: URL): Reply {
  return {
    status: 302,
    body: Buffer.alloc(0),
    contentType: "text/html",
    headers: { location: target.toString() },
  };
}
