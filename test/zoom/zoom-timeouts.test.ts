/**
 * Every wait on Zoom ends (issue #13 item 8): the REST client and the download, through both
 * transports when the fetch is Node's own (node:http for REST, the socket transport for
 * downloads) and an injected fetch otherwise, against the
 * fake Zoom misbehaving on purpose — accepting a request and never answering, or sending headers
 * and half a body and then going quiet. The timeouts are small here; nothing sleeps: each test
 * waits only for the timeout it checks.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { downloadRecording } from "../../src/zoom/download.js";
import { createNodeHttpTransport } from "../../src/zoom/download-transport.js";
import { createZoomApi } from "../../src/zoom/zoom-api.js";
import { ZoomTimeoutError, type ZoomTimeouts } from "../../src/zoom/zoom-timeouts.js";
import { type FakeZoom, startFakeZoom } from "../fakes/fake-zoom.js";
import { appErrorOf } from "../support/errors.js";

const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0, 0));
const BODY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13) % 251));
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
/** Short where the test waits for it, long where it must not fire. */
const SHORT = 150;
const LONG = 20_000;

const TRANSPORTS: Array<[string, typeof fetch]> = [
  ["node:http", fetch],
  ["an injected fetch", (input, init) => fetch(input, init)],
];

let zoom: FakeZoom | undefined;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "zoomgram-waits-"));
});
afterEach(async () => {
  await zoom?.close();
  zoom = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function withRecording() {
  zoom = await startFakeZoom({ now: () => clock.now() });
  const user = zoom.addUser({ email: "ann@example.com" });
  const meeting = zoom.addMeeting({
    uuid: "waits-meeting==",
    hostUserId: user.id,
    topic: "Waits",
    start_time: "2026-03-10T10:00:00Z",
    files: [{ file_type: "M4A", recording_type: "audio_only", bytes: BODY }],
  });
  const token = zoom.grantTokens(user.id).access_token;
  return { zoom, meeting, token, auth: { apiBaseUrl: zoom.apiBaseUrl, accessToken: token } };
}

describe.each(TRANSPORTS)("waits on Zoom through %s", (_name, fetchImpl) => {
  const timeouts = (t: Partial<ZoomTimeouts>): ZoomTimeouts => ({
    connectMs: LONG,
    headersMs: LONG,
    idleMs: LONG,
    ...t,
  });

  function download(url: string, token: string, t: Partial<ZoomTimeouts>, maxResumes = 3) {
    return downloadRecording({
      url,
      allowedHosts: ["127.0.0.1"],
      tokens: [{ name: "oauth", get: async () => token }],
      destination: join(dir, "out.m4a"),
      expectedBytes: BODY.length,
      maxBytes: 10_000_000,
      fetch: fetchImpl,
      timeouts: timeouts(t),
      now: () => clock.now(),
      random: () => 0.5,
      maxResumes,
    });
  }

  it("a REST call Zoom accepts and never answers fails after the response-header timeout, retryably", async () => {
    const { zoom, meeting, auth } = await withRecording();
    // The injected fetch cannot tell connecting from waiting: there the two timeouts add up.
    const api = createZoomApi({
      fetch: fetchImpl,
      clock,
      random: () => 0.5,
      timeouts: timeouts({ connectMs: SHORT, headersMs: SHORT }),
    });
    zoom.inject("recordings", { kind: "hang" }, 1);
    const error = await appErrorOf(api.getMeetingRecordings(auth, meeting.uuid));
    expect(error.code).toBe("zoom.unavailable");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no response headers within \d+ ms/);
    expect(error.cause).toBeInstanceOf(ZoomTimeoutError);
    // The next call (the job's retry) gets its answer.
    expect((await api.getMeetingRecordings(auth, meeting.uuid)).recording_files).toHaveLength(1);
  });

  it("a download that stalls mid-body is dropped by the idle timeout and resumed with Range", async () => {
    const { zoom, meeting, token } = await withRecording();
    zoom.inject("download", { kind: "stall" }, 1);
    const result = await download(meeting.files[0]!.download_url, token, { idleMs: SHORT });
    expect(result.resumes).toBe(1);
    expect(sha(readFileSync(join(dir, "out.m4a")))).toBe(sha(BODY));
    const downloads = zoom.requests.filter((r) => r.route === "download");
    expect(downloads).toHaveLength(2);
    expect(downloads[1]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it("a body that stalls every time fails the attempt retryably, naming the idle timeout", async () => {
    const { zoom, meeting, token } = await withRecording();
    zoom.inject("download", { kind: "stall" }, 10);
    const error = await appErrorOf(download(meeting.files[0]!.download_url, token, { idleMs: SHORT }, 1));
    expect(error.code).toBe("download.truncated");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`no body bytes within ${SHORT} ms`);
  });

  it("a download that never gets its headers fails retryably after the response-header timeout", async () => {
    const { zoom, meeting, token } = await withRecording();
    zoom.inject("download", { kind: "hang" }, 1);
    const error = await appErrorOf(
      download(meeting.files[0]!.download_url, token, { connectMs: SHORT, headersMs: SHORT }),
    );
    expect(error.code).toBe("download.failed");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no response headers within \d+ ms/);
  });
});

describe("the connect timeout (node:http)", () => {
  it("a connection that never opens fails after ZOOM_CONNECT_TIMEOUT_MS, not the header timeout", async () => {
    // A name lookup that never answers keeps the socket connecting forever, deterministically (a
    // blackholed address may fail at once here, with no route). Connecting includes the lookup.
    const transport = createNodeHttpTransport(
      { connectMs: SHORT, headersMs: LONG, idleMs: LONG },
      { lookup: () => {} },
    );
    const error = await transport(new URL("http://zoom.blackhole.test/v2/users/me"), {}, undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ZoomTimeoutError);
    expect(error).toMatchObject({ phase: "connect", ms: SHORT, message: `no connection within ${SHORT} ms` });
  });

  it("an open connection leaves only the header timeout running", async () => {
    const { zoom, meeting, auth } = await withRecording();
    zoom.inject("recordings", { kind: "hang" }, 1);
    const transport = createNodeHttpTransport({ connectMs: SHORT, headersMs: 2 * SHORT, idleMs: LONG });
    const url = new URL(`${auth.apiBaseUrl}/meetings/${encodeURIComponent(meeting.uuid)}/recordings`);
    const error = await transport(url, { authorization: `Bearer ${auth.accessToken}` }, undefined).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ phase: "headers", ms: 2 * SHORT });
  });
});
