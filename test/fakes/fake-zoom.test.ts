import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closingAfterEachTest } from "../support/each-test.js";
import { loadZoomFixture } from "../support/fixtures.js";
import {
  type FakeZoom,
  type FakeZoomOptions,
  signWebhook,
  startFakeZoom,
  uuidNeedsDoubleEncoding,
} from "./fake-zoom.js";

let clock = Date.UTC(2026, 2, 1, 12, 0, 0);
const now = () => clock;
/** A fake for one test: closed after it, having seen no internal error. */
const start = closingAfterEachTest(
  (opts: FakeZoomOptions = {}): Promise<FakeZoom> => startFakeZoom({ now, ...opts }),
  (z) => expect(z.internalErrors).toEqual([]),
);

const basic = (z: FakeZoom) => `Basic ${Buffer.from(`${z.clientId}:${z.clientSecret}`).toString("base64")}`;
const REDIRECT = "https://zoomgram.example/zoom/callback";

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function authorize(z: FakeZoom, params: Record<string, string>): Promise<Response> {
  const qs = new URLSearchParams({
    response_type: "code",
    client_id: z.clientId,
    redirect_uri: REDIRECT,
    ...params,
  });
  return fetch(`${z.oauthBaseUrl}/oauth/authorize?${qs}`, { redirect: "manual" });
}

async function getCode(z: FakeZoom, challenge: string, state = "st8"): Promise<string> {
  const res = await authorize(z, { state, code_challenge: challenge, code_challenge_method: "S256" });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get("location") ?? "");
  expect(location.searchParams.get("state")).toBe(state);
  return location.searchParams.get("code") ?? "";
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked structurally
type Json = any;

async function tokenRequest(z: FakeZoom, form: Record<string, string>, auth: string | null = basic(z)) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (auth) headers.authorization = auth;
  const res = await fetch(`${z.oauthBaseUrl}/oauth/token`, {
    method: "POST",
    headers,
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** The authorization_code grant for `code`, with the PKCE `verifier`, as redirected to `redirectUri`. */
function exchangeCode(z: FakeZoom, code: string, verifier: string, redirectUri = REDIRECT) {
  return tokenRequest(z, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
}

/** The full user-level OAuth flow with PKCE; returns the token response. */
async function connect(z: FakeZoom, userId: string): Promise<Json> {
  const { verifier, challenge } = pkce();
  z.setNextAuthorization(userId);
  const code = await getCode(z, challenge);
  const r = await exchangeCode(z, code, verifier);
  expect(r.status).toBe(200);
  return r.body;
}

async function api(z: FakeZoom, path: string, token?: string) {
  const res = await fetch(
    `${z.apiBaseUrl}${path}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Reads a whole body; a cut or reset connection gives `{ ok: false }`. */
async function readAll(res: Response): Promise<{ ok: true; bytes: Buffer } | { ok: false }> {
  try {
    return { ok: true, bytes: Buffer.from(await res.arrayBuffer()) };
  } catch {
    return { ok: false };
  }
}

let dir: string;
let audioPath: string;
let audioBytes: Buffer;
const VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAnn: Hello.\n";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fake-zoom-test-"));
  audioPath = join(dir, "audio.m4a");
  audioBytes = randomBytes(3 * 1024 * 1024 + 17);
  writeFileSync(audioPath, audioBytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withRecording(opts: FakeZoomOptions = {}) {
  const z = await start(opts);
  const host = z.addUser({ email: "ann@example.com", first_name: "Ann", timezone: "Europe/Berlin" });
  const other = z.addUser({ email: "bob@example.com" });
  const meeting = z.addMeeting({
    uuid: "4444AAAiAAAAAiAiAiiAii==",
    id: 81234567890,
    hostUserId: host.id,
    topic: "Weekly sync",
    start_time: "2026-03-01T10:00:00Z",
    duration: 45,
    files: [
      { file_type: "M4A", recording_type: "audio_only", path: audioPath },
      { file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: VTT },
    ],
  });
  const [audio, transcript] = meeting.files;
  return { z, host, other, meeting, audio: audio!, transcript: transcript! };
}

describe("fake Zoom: OAuth authorize and code exchange", () => {
  it("redirects with code and state, exchanges it once with the right PKCE verifier", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    const { verifier, challenge } = pkce();
    const code = await getCode(z, challenge);

    const badVerifier = await exchangeCode(z, code, pkce().verifier);
    expect(badVerifier).toEqual({
      status: 400,
      body: { reason: "Invalid authorization code", error: "invalid_grant" },
    });

    // A presented code is spent, even by a failed attempt.
    const code2 = await getCode(z, challenge);
    const ok = await exchangeCode(z, code2, verifier);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      access_token: expect.any(String),
      token_type: "bearer",
      refresh_token: expect.any(String),
      expires_in: 3599,
      scope: expect.stringContaining("cloud_recording:read:list_recording_files"),
    });
    const reused = await exchangeCode(z, code2, verifier);
    expect(reused.body.error).toBe("invalid_grant");
    expect(z.stats.codeExchanges).toBe(1);
    expect(z.stats.invalidGrants).toBe(2);
    expect((await api(z, "/users/me", ok.body.access_token)).body.id).toBe(user.id);
  });

  it("expires codes after 5 minutes and checks the redirect_uri", async () => {
    const z = await start();
    z.addUser({ email: "ann@example.com" });
    const { verifier, challenge } = pkce();
    const late = await getCode(z, challenge);
    clock += 5 * 60_000 + 1;
    const expired = await exchangeCode(z, late, verifier);
    expect(expired.body.error).toBe("invalid_grant");
    const code = await getCode(z, challenge);
    const wrong = await exchangeCode(z, code, verifier, "https://evil.example/cb");
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses bad client_id / response_type with a 400 page, bad client auth with 401, and can deny", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    const badClient = await authorize(z, { client_id: "nope" });
    expect(badClient.status).toBe(400);
    expect(badClient.headers.get("content-type")).toMatch(/text\/html/);
    expect((await authorize(z, { response_type: "token" })).status).toBe(400);

    const noAuth = await tokenRequest(z, { grant_type: "refresh_token", refresh_token: "x" }, null);
    expect(noAuth.status).toBe(401);
    const wrongSecret = await tokenRequest(
      z,
      { grant_type: "refresh_token", refresh_token: "x" },
      `Basic ${Buffer.from(`${z.clientId}:bad`).toString("base64")}`,
    );
    expect(wrongSecret.status).toBe(401);

    z.setNextAuthorization({ deny: true });
    const denied = await authorize(z, { state: "s1" });
    const loc = new URL(denied.headers.get("location") ?? "");
    expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(loc.searchParams)).toEqual({ error: "access_denied", state: "s1" });
    // One-shot: the next authorization approves again (first user by default).
    const again = new URL((await authorize(z, { state: "s2" })).headers.get("location") ?? "");
    expect(again.searchParams.get("code")).toBeTruthy();
    expect(user.id).toBeTruthy();
  });
});

describe("fake Zoom: rotating refresh tokens", () => {
  it("rotates on every refresh and answers a reused token with 400 invalid_grant", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    const first = await connect(z, user.id);
    const refresh = (rt: string) => tokenRequest(z, { grant_type: "refresh_token", refresh_token: rt });

    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);

    const reused = await refresh(first.refresh_token);
    expect(reused).toEqual({ status: 400, body: { reason: "Invalid Token!", error: "invalid_grant" } });
    expect((await refresh("never-issued")).body).toEqual({
      reason: "Invalid Token!",
      error: "invalid_grant",
    });
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
    expect(z.stats.refreshes).toBe(2);
    expect(z.stats.refreshesByUser).toEqual({ [user.id]: 2 });
    expect(z.stats.invalidGrants).toBe(2);
    // Tokens are JWT-sized, not short test strings.
    expect(first.access_token.length).toBeGreaterThan(300);
  });

  it("re-authorizing a user kills their older refresh tokens; tokens can also be revoked", async () => {
    const z = await start();
    const ann = z.addUser({ email: "ann@example.com" });
    const bob = z.addUser({ email: "bob@example.com" });
    const old = await connect(z, ann.id);
    const bobs = await connect(z, bob.id);
    const fresh = await connect(z, ann.id);
    expect(
      (await tokenRequest(z, { grant_type: "refresh_token", refresh_token: old.refresh_token })).body.error,
    ).toBe("invalid_grant");
    expect(
      (await tokenRequest(z, { grant_type: "refresh_token", refresh_token: bobs.refresh_token })).status,
    ).toBe(200);

    const res = await fetch(`${z.oauthBaseUrl}/oauth/revoke`, {
      method: "POST",
      headers: { authorization: basic(z), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: fresh.access_token }),
    });
    expect(await res.json()).toEqual({ status: "success" });
    expect(z.revocations).toEqual([{ token: fresh.access_token, userId: ann.id, at: clock }]);
    expect((await api(z, "/users/me", fresh.access_token)).body).toEqual({
      code: 124,
      message: "Invalid access token.",
    });
    expect(
      (await tokenRequest(z, { grant_type: "refresh_token", refresh_token: fresh.refresh_token })).status,
    ).toBe(400);
  });

  it("adds api_url when asked and can inject invalid_grant", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    z.setApiUrl(z.url);
    const tokens = await connect(z, user.id);
    expect(tokens.api_url).toBe(z.url);
    z.inject("token", { kind: "invalid_grant" });
    const r = await tokenRequest(z, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(r).toEqual({ status: 400, body: { reason: "Invalid Token!", error: "invalid_grant" } });
    // The injected answer did not consume the token.
    expect(
      (await tokenRequest(z, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).status,
    ).toBe(200);
  });
});

describe("fake Zoom: users/me", () => {
  it("needs a live bearer access token: expiry follows the injected clock; query tokens are refused", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com", timezone: "Asia/Tokyo", first_name: "Ann" });
    const tokens = z.grantTokens(user.id);
    const me = await api(z, "/users/me", tokens.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      email: "ann@example.com",
      timezone: "Asia/Tokyo",
      first_name: "Ann",
    });
    // Every key we return exists in the official example.
    const official = loadZoomFixture<Record<string, unknown>>("get-user-me.response.official-example.json");
    const unknownKeys = Object.keys(me.body).filter(
      (k) => !(k in official) && !["created_at", "phone_number"].includes(k),
    );
    expect(unknownKeys).toEqual([]);

    expect((await api(z, "/users/me")).status).toBe(401);
    const inQuery = await fetch(`${z.apiBaseUrl}/users/me?access_token=${tokens.access_token}`);
    expect((await inQuery.json()) as Json).toMatchObject({
      code: 124,
      message: expect.stringContaining("query parameter"),
    });
    clock += 3599 * 1000;
    expect((await api(z, "/users/me", tokens.access_token)).body).toEqual({
      code: 124,
      message: "Access token is expired.",
    });
  });
});

describe("fake Zoom: meeting recordings", () => {
  it("decodes meeting UUIDs like Zoom (shared test vectors)", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    const token = z.grantTokens(user.id).access_token;
    const cases = loadZoomFixture<{
      uuid_encoding_cases: Array<{
        uuid: string;
        single_encoded: string;
        double_encoded: string;
        official_rule_requires_double: boolean;
      }>;
    }>("signature-test-vectors.SYNTHETIC.json").uuid_encoding_cases;
    expect(cases.map((c) => c.uuid)).toEqual(
      expect.arrayContaining(["/ajXp112QmuoKj4854875==", "ab//cd==", "ab/cd=="]),
    );
    for (const c of cases) {
      z.addMeeting({
        uuid: c.uuid,
        hostUserId: user.id,
        topic: c.uuid,
        start_time: "2026-03-01T10:00:00Z",
        files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "x" }],
      });
      expect(uuidNeedsDoubleEncoding(c.uuid)).toBe(c.official_rule_requires_double);
      const double = await api(z, `/meetings/${c.double_encoded}/recordings`, token);
      expect(double.status, c.uuid).toBe(200);
      expect(double.body.uuid).toBe(c.uuid);
      const single = await api(z, `/meetings/${c.single_encoded}/recordings`, token);
      if (c.official_rule_requires_double) {
        expect(single.status, c.uuid).toBe(404);
        expect(single.body).toEqual({ code: 3001, message: `Meeting does not exist: ${c.uuid}.` });
      } else {
        expect(single.status, c.uuid).toBe(200);
        expect(single.body.uuid).toBe(c.uuid);
      }
    }
  });

  it("returns the meeting in the documented shape, mints download_access_token, and hides others' meetings", async () => {
    const { z, host, other, meeting, audio } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const r = await api(
      z,
      `/meetings/${encodeURIComponent(meeting.uuid)}/recordings?include_fields=download_access_token&ttl=60`,
      token,
    );
    expect(r.status).toBe(200);
    const official = loadZoomFixture<
      Record<string, unknown> & { recording_files: Array<Record<string, unknown>> }
    >("get-meeting-recordings.response.official-example.json");
    for (const key of [
      "uuid",
      "id",
      "account_id",
      "host_id",
      "topic",
      "type",
      "start_time",
      "duration",
      "total_size",
      "recording_count",
    ]) {
      expect(r.body, key).toHaveProperty(key);
      expect(key in official).toBe(true);
    }
    expect(r.body).toMatchObject({
      uuid: meeting.uuid,
      id: 81234567890,
      host_id: host.id,
      topic: "Weekly sync",
      total_size: audioBytes.length + VTT.length,
      recording_count: 2,
      download_access_token: expect.any(String),
    });
    expect(r.body.recording_files[0]).toEqual({
      id: audio.id,
      meeting_id: meeting.uuid,
      recording_start: "2026-03-01T10:00:00Z",
      recording_end: "2026-03-01T10:45:00Z",
      file_type: "M4A",
      file_extension: "M4A",
      file_size: audioBytes.length,
      play_url: expect.stringContaining("/rec/play/"),
      download_url: audio.download_url,
      status: "completed",
      recording_type: "audio_only",
    });
    expect(
      Object.keys(r.body.recording_files[0]).every((k) => k in (official.recording_files[0] ?? {})),
    ).toBe(true);
    // By number: the latest instance.
    expect((await api(z, "/meetings/81234567890/recordings", token)).body.uuid).toBe(meeting.uuid);

    const stranger = await api(
      z,
      `/meetings/${encodeURIComponent(meeting.uuid)}/recordings`,
      z.grantTokens(other.id).access_token,
    );
    expect(stranger).toMatchObject({ status: 404, body: { code: 3301 } });
    const empty = z.addMeeting({
      uuid: "empty==",
      hostUserId: host.id,
      topic: "t",
      start_time: "2026-03-01T10:00:00Z",
      files: [],
    });
    expect((await api(z, `/meetings/${encodeURIComponent(empty.uuid)}/recordings`, token)).body).toEqual({
      code: 3301,
      message: "There is no recording for this meeting.",
    });
  });

  it("lists recordings by date range with pagination", async () => {
    const z = await start();
    const ann = z.addUser({ email: "ann@example.com" });
    const bob = z.addUser({ email: "bob@example.com" });
    const file = [{ file_type: "M4A", recording_type: "audio_only", bytes: "x" }];
    for (const day of [1, 2, 3, 4, 5, 20]) {
      z.addMeeting({
        uuid: `m${day}==`,
        hostUserId: ann.id,
        topic: `d${day}`,
        start_time: `2026-03-${String(day).padStart(2, "0")}T09:00:00Z`,
        files: file,
      });
    }
    z.addMeeting({
      uuid: "bob==",
      hostUserId: bob.id,
      topic: "bob",
      start_time: "2026-03-02T09:00:00Z",
      files: file,
    });
    const token = z.grantTokens(ann.id).access_token;
    const topics: string[] = [];
    let next = "";
    const pages: number[] = [];
    do {
      const r = await api(
        z,
        `/users/me/recordings?from=2026-03-01&to=2026-03-10&page_size=2${next ? `&next_page_token=${next}` : ""}`,
        token,
      );
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ from: "2026-03-01", to: "2026-03-10", page_size: 2, total_records: 5 });
      pages.push(r.body.meetings.length);
      topics.push(...r.body.meetings.map((m: { topic: string }) => m.topic));
      next = r.body.next_page_token;
    } while (next);
    expect(pages).toEqual([2, 2, 1]);
    expect(topics).toEqual(["d5", "d4", "d3", "d2", "d1"]);
    const bad = await api(z, "/users/me/recordings?from=2026-01-01&to=2026-03-10", token);
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 300, message: "The maximum range can be a month." },
    });
    // A page token expires after 15 minutes.
    const first = await api(z, "/users/me/recordings?from=2026-03-01&to=2026-03-10&page_size=2", token);
    clock += 16 * 60_000;
    const token2 = z.grantTokens(ann.id).access_token;
    const expired = await api(
      z,
      `/users/me/recordings?from=2026-03-01&to=2026-03-10&page_size=2&next_page_token=${first.body.next_page_token}`,
      token2,
    );
    expect(expired.status).toBe(400);
  });

  it("moves a meeting's recordings to the trash once (action=trash), hiding them from the API", async () => {
    const { z, host, other, meeting, audio } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const path = `/meetings/${encodeURIComponent(encodeURIComponent(meeting.uuid))}/recordings`;
    const del = (query: string, t = token) =>
      fetch(`${z.apiBaseUrl}${path}${query}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${t}` },
      });
    const list = async () =>
      (await api(z, "/users/me/recordings?from=2026-03-01&to=2026-03-02", token)).body.meetings.length;
    const listTrash = async () =>
      (await api(z, "/users/me/recordings?from=2026-03-01&to=2026-03-02&trash=true", token)).body.meetings
        .length;
    expect(await list()).toBe(1);

    // Another user's meeting is not theirs to trash; an unknown one does not exist.
    const otherToken = z.grantTokens(other.id).access_token;
    expect((await del("?action=trash", otherToken)).status).toBe(404);
    const unknown = await fetch(`${z.apiBaseUrl}/meetings/nope%3D%3D/recordings?action=trash`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 3301, message: "There is no recording for this meeting." });

    const trashed = await del("?action=trash");
    expect(trashed.status).toBe(204);
    expect(z.isTrashed(meeting.uuid)).toBe(true);
    expect(z.recordingDeletions).toEqual([{ uuid: meeting.uuid, action: "trash", at: clock }]);
    // Gone from the list, the meeting's recordings and its downloads; listed with trash=true.
    expect(await list()).toBe(0);
    expect(await listTrash()).toBe(1);
    expect((await api(z, path, token)).status).toBe(404);
    expect((await fetch(audio.download_url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      404,
    );
    // A second trash finds nothing.
    expect((await del("?action=trash")).status).toBe(404);
    expect(z.recordingDeletions).toHaveLength(1);
  });

  it("refuses to trash without the delete scope (4711), and trash is the default action", async () => {
    const { z, host, meeting } = await withRecording({
      scope: "cloud_recording:read:recording recording:read",
    });
    const token = z.grantTokens(host.id).access_token;
    const url = `${z.apiBaseUrl}/meetings/${encodeURIComponent(encodeURIComponent(meeting.uuid))}/recordings`;
    const refused = await fetch(url, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      code: 4711,
      message: "Invalid access token, does not contain scopes:[cloud_recording:delete:meeting_recording].",
    });
    expect(z.isTrashed(meeting.uuid)).toBe(false);

    const classic = await withRecording({ scope: "recording:read recording:write" });
    const classicToken = classic.z.grantTokens(classic.host.id).access_token;
    const classicUrl = `${classic.z.apiBaseUrl}/meetings/${encodeURIComponent(encodeURIComponent(classic.meeting.uuid))}/recordings`;
    classic.z.setTrashScopeMissing(true);
    expect(
      (await fetch(classicUrl, { method: "DELETE", headers: { authorization: `Bearer ${classicToken}` } }))
        .status,
    ).toBe(400);
    classic.z.setTrashScopeMissing(false);
    expect(
      (await fetch(classicUrl, { method: "DELETE", headers: { authorization: `Bearer ${classicToken}` } }))
        .status,
    ).toBe(204);
    expect(classic.z.recordingDeletions.map((d) => d.action)).toEqual(["trash"]);
    expect(classic.z.isTrashed(classic.meeting.uuid)).toBe(true);
  });

  it("serves a meeting summary, 404 when none, and 4700 when the scope is missing", async () => {
    const { z, host, meeting } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const path = `/meetings/${encodeURIComponent(meeting.uuid)}/meeting_summary`;
    expect((await api(z, path, token)).status).toBe(404);
    z.setSummary(meeting.uuid, { summary_overview: "We shipped.", next_steps: ["Celebrate"] });
    const r = await api(z, path, token);
    expect(r.body).toMatchObject({
      meeting_uuid: meeting.uuid,
      meeting_topic: "Weekly sync",
      summary_overview: "We shipped.",
    });
    z.setSummaryScopeMissing(true);
    expect(await api(z, path, token)).toMatchObject({
      status: 400,
      body: { code: 4700, message: "Invalid access token, does not contain scopes:[meeting:read:summary]." },
    });
  });
});

describe("fake Zoom: webhook bodies", () => {
  it("builds recording events shaped like the official examples, each with a new 24 h download_token", async () => {
    const { z, meeting, host } = await withRecording();
    const official = loadZoomFixture<Json>("recording.completed.official-example.json");
    const e1 = z.buildEvent("recording.completed", meeting.uuid) as Json;
    const e2 = z.buildEvent("recording.completed", meeting.uuid) as Json;
    expect(Object.keys(e1).sort()).toEqual(Object.keys(official).sort());
    expect(Object.keys(e1.payload).sort()).toEqual(Object.keys(official.payload).sort());
    const objectKeys = Object.keys(e1.payload.object);
    expect(
      objectKeys.filter((k) => !(k in official.payload.object) && k !== "recording_play_passcode"),
    ).toEqual([]);
    expect(e1).toMatchObject({
      event: "recording.completed",
      event_ts: clock,
      payload: { account_id: host.account_id },
    });
    expect(e1.payload.object).toMatchObject({
      uuid: meeting.uuid,
      host_id: host.id,
      host_email: "ann@example.com",
    });
    expect(e1.payload.object.recording_files.map((f: { file_type: string }) => f.file_type)).toEqual(["M4A"]);
    expect(e1.payload.object.recording_files[0].download_url).toBe(meeting.files[0]?.webhookDownloadUrl);
    expect(e1.download_token).not.toBe(e2.download_token);

    const t = z.buildEvent("recording.transcript_completed", meeting.uuid) as Json;
    expect(t.payload.object.recording_files).toMatchObject([
      { file_type: "TRANSCRIPT", file_extension: "VTT", recording_type: "audio_transcript" },
    ]);
    const both = z.buildEvent("recording.completed", meeting.uuid, {
      fileTypes: ["m4a", "TRANSCRIPT"],
    }) as Json;
    expect(both.payload.object.recording_files).toHaveLength(2);
  });

  it("builds app_deauthorized (revoking the user's tokens) and both meeting.summary_completed shapes", async () => {
    const { z, meeting, host } = await withRecording();
    const tokens = z.grantTokens(host.id);
    const official = loadZoomFixture<Json>("app_deauthorized.official-example.json");
    const d = z.buildDeauthorizationEvent(host.id) as Json;
    expect(Object.keys(d.payload).sort()).toEqual(Object.keys(official.payload).sort());
    expect(d.payload).toMatchObject({
      user_id: host.id,
      client_id: z.clientId,
      user_data_retention: "false",
    });
    expect((await api(z, "/users/me", tokens.access_token)).status).toBe(401);

    const rivet = z.buildSummaryCompletedEvent(meeting.uuid, "rivet") as Json;
    const synthetic = loadZoomFixture<Json>("meeting.summary_completed.SYNTHETIC.json");
    expect(Object.keys(rivet.payload.object).sort()).toEqual(Object.keys(synthetic.payload.object).sort());
    const content = z.buildSummaryCompletedEvent(meeting.uuid, "content") as Json;
    expect(content.payload.object).toMatchObject({
      summary_content: expect.stringContaining("##"),
      summary_doc_url: expect.any(String),
    });
    expect(content.payload.object).not.toHaveProperty("summary_details");
    expect(content).not.toHaveProperty("download_token");
  });

  it("signs webhook bodies exactly like the shared test vectors", () => {
    const v = loadZoomFixture<Json>("signature-test-vectors.SYNTHETIC.json");
    for (const c of v.signature_cases) {
      expect(
        signWebhook(c.raw_body, v.secret_token, Number(c.x_zm_request_timestamp))["x-zm-signature"],
      ).toBe(c.expected_x_zm_signature);
    }
  });
});

describe("fake Zoom: downloads", () => {
  const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers,
      redirect: "manual",
    });

  it("requires a bearer token valid for that meeting and streams the file with its metadata", async () => {
    const { z, host, other, meeting, audio, transcript } = await withRecording();
    const oauth = z.grantTokens(host.id).access_token;
    const dat = (
      await api(
        z,
        `/meetings/${encodeURIComponent(meeting.uuid)}/recordings?include_fields=download_access_token&ttl=60`,
        oauth,
      )
    ).body.download_access_token as string;
    const hook = z.buildEvent("recording.completed", meeting.uuid).download_token;

    expect((await get(audio.download_url)).status).toBe(401);
    expect((await get(audio.download_url, z.grantTokens(other.id).access_token)).status).toBe(401);
    const foreign = z.addMeeting({
      uuid: "foreign==",
      hostUserId: host.id,
      topic: "t",
      start_time: "2026-03-01T10:00:00Z",
      files: [],
    });
    expect(
      (await get(audio.download_url, z.buildEvent("recording.completed", foreign.uuid).download_token))
        .status,
    ).toBe(401);

    for (const [url, token] of [
      [audio.download_url, dat],
      [audio.webhookDownloadUrl, hook],
      [audio.download_url, oauth],
    ] as const) {
      const res = await get(url, token);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("audio/mp4");
      expect(res.headers.get("content-length")).toBe(String(audioBytes.length));
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("content-disposition")).toContain("GMT20260301-100000_Recording.m4a");
      expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(audioBytes));
    }
    const vtt = await get(transcript.webhookDownloadUrl, hook);
    expect(vtt.headers.get("content-type")).toBe("text/vtt");
    expect(await vtt.text()).toBe(VTT);
    await z.waitFor(() => z.stats.downloadsCompleted === 4);
    expect(z.stats.bytesServed).toBe(3 * audioBytes.length + VTT.length);

    // Expiry follows the injected clock: download_access_token after its ttl, the webhook token after 24 h.
    clock += 61_000;
    expect((await get(audio.download_url, dat)).status).toBe(401);
    expect((await get(audio.download_url, hook)).status).toBe(200);
    clock += 24 * 3600_000;
    expect((await get(audio.webhookDownloadUrl, hook)).status).toBe(401);
  });

  it("answers 401 for a file still processing (ZoomNet #348) and shows its status in the API", async () => {
    const { z, host, meeting, transcript } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    z.setFileStatus(meeting.uuid, transcript.id, "processing");
    const listed = await api(z, `/meetings/${encodeURIComponent(meeting.uuid)}/recordings`, token);
    expect(listed.body.recording_files[1]).toMatchObject({ id: transcript.id, status: "processing" });
    expect((await get(transcript.download_url, token)).status).toBe(401);
    z.setFileStatus(meeting.uuid, transcript.id, "completed");
    expect(await (await get(transcript.download_url, token)).text()).toBe(VTT);
  });

  it("a hidden file (a transcript Zoom makes later) is in no API listing until shown", async () => {
    const { z, host, meeting, transcript } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    z.setFileHidden(meeting.uuid, transcript.id, true);
    const hidden = await api(z, `/meetings/${encodeURIComponent(meeting.uuid)}/recordings`, token);
    expect(hidden.body.recording_files.map((f: { id: string }) => f.id)).not.toContain(transcript.id);
    z.setFileHidden(meeting.uuid, transcript.id, false);
    const shown = await api(z, `/meetings/${encodeURIComponent(meeting.uuid)}/recordings`, token);
    expect(shown.body.recording_files.map((f: { id: string }) => f.id)).toContain(transcript.id);
  });

  it("honours Range with 206 and refuses an unsatisfiable range with 416", async () => {
    const { z, host, audio } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const res = await get(audio.download_url, token, { range: "bytes=1000000-" });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(
      `bytes 1000000-${audioBytes.length - 1}/${audioBytes.length}`,
    );
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(audioBytes.subarray(1000000)));
    const mid = await get(audio.download_url, token, { range: "bytes=10-19" });
    expect(Buffer.from(await mid.arrayBuffer())).toEqual(audioBytes.subarray(10, 20));
    const bad = await get(audio.download_url, token, { range: `bytes=${audioBytes.length}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get("content-range")).toBe(`bytes */${audioBytes.length}`);
  });

  it("can answer 302 to a storage URL on another host name that needs no Authorization", async () => {
    const { z, host, meeting, audio } = await withRecording();
    z.setDownloadRedirect(true);
    const token = z.buildEvent("recording.completed", meeting.uuid).download_token;
    const res = await get(audio.webhookDownloadUrl, token);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location") ?? "");
    expect(location.hostname).toBe("localhost");
    expect(location.hostname).not.toBe(new URL(z.url).hostname);
    expect(location.searchParams.get("Signature")).toBeTruthy();

    const stored = await get(location.toString());
    expect(stored.status).toBe(200);
    expect(sha(Buffer.from(await stored.arrayBuffer()))).toBe(sha(audioBytes));
    expect(z.stats.authHeadersAtStorage).toBe(0);
    // A client that leaks the bearer to the storage host is visible.
    await (await get(location.toString(), token)).arrayBuffer();
    expect(z.stats.authHeadersAtStorage).toBe(1);
    expect(z.requests.filter((r) => r.route === "storage").map((r) => r.host)).toEqual([
      location.host,
      location.host,
    ]);
    // A tampered signature is refused.
    location.searchParams.set("Signature", "forged");
    expect((await get(location.toString())).status).toBe(403);
    expect(host.id).toBeTruthy();
  });
});

describe("fake Zoom: faults", () => {
  it("injects 429 with rate-limit headers, 500 JSON and 503 HTML, each for the next N requests", async () => {
    const z = await start();
    const user = z.addUser({ email: "ann@example.com" });
    const token = z.grantTokens(user.id).access_token;
    z.inject("users_me", {
      kind: "status",
      status: 429,
      retryAfter: "2026-03-02T00:00:00Z",
      rateLimitType: "Daily-limit",
    });
    z.inject("users_me", { kind: "status", status: 500 }, 2);
    z.inject("users_me", { kind: "status", status: 503, retryAfter: "3" });
    const limited = await api(z, "/users/me", token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2026-03-02T00:00:00Z");
    expect(limited.headers.get("x-ratelimit-type")).toBe("Daily-limit");
    expect(limited.body.message).toContain("daily rate limit");
    expect((await api(z, "/users/me", token)).status).toBe(500);
    expect((await api(z, "/users/me", token)).status).toBe(500);
    const unavailable = await fetch(`${z.apiBaseUrl}/users/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("content-type")).toMatch(/text\/html/);
    expect(unavailable.headers.get("retry-after")).toBe("3");
    await unavailable.arrayBuffer();
    expect((await api(z, "/users/me", token)).status).toBe(200);
  });

  it("serves a 200 HTML login page, a truncated body, and a reset mid-body on downloads", async () => {
    const { z, host, audio } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const dl = () => fetch(audio.download_url, { headers: { authorization: `Bearer ${token}` } });

    z.inject("download", { kind: "html" });
    const page = await dl();
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await page.text()).toContain("<html>");

    z.inject("download", { kind: "truncate" });
    const cut = await dl();
    expect(cut.status).toBe(200);
    expect(cut.headers.get("content-length")).toBe(String(audioBytes.length));
    expect((await readAll(cut)).ok).toBe(false);

    z.inject("download", { kind: "reset" });
    const reset = await dl().then(readAll, () => ({ ok: false as const }));
    expect(reset.ok).toBe(false);

    const fine = await readAll(await dl());
    expect(fine.ok && sha(fine.bytes)).toBe(sha(audioBytes));
  });

  it("applies body faults at the storage host when downloads redirect", async () => {
    const { z, host, audio } = await withRecording();
    z.setDownloadRedirect(true);
    const token = z.grantTokens(host.id).access_token;
    z.inject("download", { kind: "truncate" });
    const res = await fetch(audio.download_url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.url).toContain("://localhost:");
    expect((await readAll(res)).ok).toBe(false);
  });

  it("resets the token endpoint and hangs recordings until close()", async () => {
    const { z, host, meeting } = await withRecording();
    const tokens = z.grantTokens(host.id);
    z.inject("token", { kind: "reset" });
    await expect(
      tokenRequest(z, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }),
    ).rejects.toThrow();
    // The reset request never reached the handler: the refresh token is still good.
    expect(
      (await tokenRequest(z, { grant_type: "refresh_token", refresh_token: tokens.refresh_token })).status,
    ).toBe(200);

    z.inject("recordings", { kind: "hang" });
    const hung = api(z, `/meetings/${encodeURIComponent(meeting.uuid)}/recordings`, tokens.access_token).then(
      () => "answered",
      () => "failed",
    );
    await z.waitForRequest((r) => r.route === "recordings");
    await z.close();
    expect(await hung).toBe("failed");
  });
});

describe("fake Zoom: load", () => {
  it("streams many concurrent downloads", async () => {
    const { z, host, audio } = await withRecording();
    const token = z.grantTokens(host.id).access_token;
    const results = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const res = await fetch(audio.download_url, { headers: { authorization: `Bearer ${token}` } });
        return sha(Buffer.from(await res.arrayBuffer()));
      }),
    );
    expect(new Set(results)).toEqual(new Set([sha(audioBytes)]));
    await z.waitFor(() => z.stats.downloadsCompleted === 16);
    expect(z.stats.bytesServed).toBe(16 * audioBytes.length);
  });
});

describe("fake Zoom: latency (benchmarks)", () => {
  it("delays every request by latencyMs before it is handled", async () => {
    const z = await start({ latencyMs: 40 });
    const began = performance.now();
    const res = await fetch(`${z.url}/no/such/route`);
    // Timers may fire up to a millisecond early; the delay is a floor, never a ceiling.
    expect(performance.now() - began).toBeGreaterThanOrEqual(39);
    expect(res.status).toBe(404);
    expect(z.requests.map((r) => r.route)).toEqual(["unknown"]);
  });
});
