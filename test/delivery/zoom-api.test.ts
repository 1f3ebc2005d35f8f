/**
 * The Zoom REST client: meeting recordings with a fresh download token (and the other UUID encoding
 * tried once on 404 3001/3301), the user's recordings list page by page, and every failure as an
 * AppError the worker understands (reference/zoom.md §4, §5).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/clock.js";
import { createZoomApi } from "../../src/zoom/zoom-api.js";
import { type FakeZoom, startFakeZoom } from "../fakes/fake-zoom.js";
import { appErrorOf } from "../support/errors.js";

let zoom: FakeZoom | undefined;
afterEach(async () => {
  await zoom?.close();
  zoom = undefined;
});

const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0, 0));

async function withUser() {
  zoom = await startFakeZoom({ now: () => clock.now() });
  const user = zoom.addUser({ email: "ann@example.com" });
  const tokens = zoom.grantTokens(user.id);
  const api = createZoomApi({ fetch, clock, random: () => 0.5 });
  const auth = { apiBaseUrl: zoom.apiBaseUrl, accessToken: tokens.access_token };
  return { zoom, user, api, auth };
}

const failure = appErrorOf;

describe("ZoomApi.getMeetingRecordings", () => {
  it("returns the files and a download_access_token with the asked TTL", async () => {
    const { zoom, user, api, auth } = await withUser();
    zoom.addMeeting({
      uuid: "/ajXp112QmuoKj4854875==",
      hostUserId: user.id,
      topic: "Sync",
      start_time: "2026-03-10T09:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "abc" }],
    });
    const recordings = await api.getMeetingRecordings(auth, "/ajXp112QmuoKj4854875==", { ttlSeconds: 600 });
    expect(recordings.uuid).toBe("/ajXp112QmuoKj4854875==");
    expect(recordings.recording_files[0]).toMatchObject({ file_type: "M4A", file_size: 3 });
    expect(recordings.download_access_token).toEqual(expect.any(String));
    expect(zoom.requests.at(-1)?.path).toBe(
      "/v2/meetings/%252FajXp112QmuoKj4854875%253D%253D/recordings?include_fields=download_access_token&ttl=600",
    );
  });

  it("tries the other encoding once when Zoom cannot find a UUID with a slash", async () => {
    const paths: string[] = [];
    const stub: typeof fetch = async (input) => {
      const url = String(input);
      paths.push(new URL(url).pathname);
      if (paths.length === 1)
        return Response.json({ code: 3001, message: "Meeting does not exist" }, { status: 404 });
      return Response.json({
        uuid: "a/b==",
        id: 1,
        host_id: "h",
        topic: "t",
        start_time: "2026-03-10T09:00:00Z",
        recording_files: [],
      });
    };
    const api = createZoomApi({ fetch: stub, clock, random: () => 0.5 });
    const result = await api.getMeetingRecordings(
      { apiBaseUrl: "https://api.zoom.us/v2", accessToken: "t" },
      "a/b==",
    );
    expect(result.uuid).toBe("a/b==");
    expect(paths).toEqual([
      "/v2/meetings/a%2Fb%3D%3D/recordings",
      "/v2/meetings/a%252Fb%253D%253D/recordings",
    ]);
  });

  it("turns 404, 401, 429 and 5xx into AppErrors with the right retry facts", async () => {
    const { zoom, api, auth } = await withUser();
    expect(await failure(api.getMeetingRecordings(auth, "nope=="))).toMatchObject({
      code: "zoom.not_found",
      retryable: false,
    });
    expect(
      await failure(api.getMeetingRecordings({ ...auth, accessToken: "forged" }, "nope==")),
    ).toMatchObject({ code: "zoom.unauthorized", retryable: true });
    zoom.inject("recordings", { kind: "status", status: 429, retryAfter: "9" });
    expect(await failure(api.getMeetingRecordings(auth, "nope=="))).toMatchObject({
      code: "zoom.rate_limited",
      retryable: true,
      retryAfterMs: 9000,
    });
    zoom.inject("recordings", { kind: "status", status: 429, rateLimitType: "Daily-limit" });
    const daily = await failure(api.getMeetingRecordings(auth, "nope=="));
    // Daily quota: not before the next 00:00 UTC.
    expect(daily.retryAfterMs).toBe(Date.UTC(2026, 2, 11) - clock.now());
    zoom.inject("recordings", { kind: "status", status: 502 });
    expect(await failure(api.getMeetingRecordings(auth, "nope=="))).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
      status: 502,
    });
    zoom.inject("recordings", { kind: "reset" });
    expect(await failure(api.getMeetingRecordings(auth, "nope=="))).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
    });
  });
});

describe("ZoomApi.listUserRecordings", () => {
  it("walks every page of GET /users/me/recordings", async () => {
    const { zoom, user, api, auth } = await withUser();
    for (let i = 0; i < 7; i++) {
      zoom.addMeeting({
        uuid: `m${i}==`,
        hostUserId: user.id,
        topic: `Meeting ${i}`,
        start_time: `2026-03-0${i + 1}T09:00:00Z`,
        files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "x" }],
      });
    }
    const seen: string[] = [];
    const iterator = api.listUserRecordings(auth, { from: "2026-03-01", to: "2026-03-10", pageSize: 3 });
    for await (const meeting of iterator) seen.push(meeting.uuid);
    expect(seen.sort()).toEqual(["m0==", "m1==", "m2==", "m3==", "m4==", "m5==", "m6=="]);
    const pages = zoom.requests.filter((r) => r.route === "list_recordings");
    expect(pages).toHaveLength(3);
    expect(pages[1]!.path).toMatch(/next_page_token=/);
  });
});
