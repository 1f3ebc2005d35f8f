/**
 * Fault matrix, Zoom's side (issue #9 §2): 429, 5xx, a connection reset mid-download, the HTML
 * login page, an expired webhook `download_token`, `invalid_grant` on refresh, and an app the
 * user removed without Zoom telling us. One test per row, each through the real app and the
 * fakes, each ending in a delivery or a plain message to the chat (test/fault/matrix.ts checks
 * the rest: settled, nothing corrupt, nothing doubled).
 */
import { describe, expect, it } from "vitest";
import { TEST_DIALECT } from "../support/db.js";
import {
  announce,
  announceAndFinish,
  announceUntilDead,
  announceUntilRetry,
  completedEvent,
  expectConnectionBroken,
  expectDeliveredOnce,
  failureText,
  recordingJobs,
  rowsForEachTest,
  settleAndFinish,
} from "./matrix.js";

const startRow = rowsForEachTest();

describe(`fault matrix: Zoom (${TEST_DIALECT})`, () => {
  it("Zoom 429 on the API and the download: waits Retry-After, then delivers once", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("recordings", { kind: "status", status: 429, retryAfter: "120", rateLimitType: "QPS" }, 1);
    h.zoom.inject("download", { kind: "status", status: 429, retryAfter: "300" }, 1);
    const { job, startedAt } = await announceUntilRetry(row);
    // The wait Zoom asked for is honoured (not hammered sooner).
    expect(Number(job?.run_at)).toBeGreaterThanOrEqual(startedAt + 120_000);
    const out = await settleAndFinish(row);
    expectDeliveredOnce(out);
  });

  it("Zoom 5xx on the API and the download: backs off, then delivers once", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("recordings", { kind: "status", status: 503 }, 2);
    h.zoom.inject("download", { kind: "status", status: 502 }, 1);
    const out = await announceAndFinish(row);
    expectDeliveredOnce(out);
    expect((await recordingJobs(row))[0]?.attempts).toBeGreaterThan(1);
  });

  it("Zoom 5xx that never ends: bounded attempts, then the chat is told", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("recordings", { kind: "status", status: 500 }, 1000);
    h.zoom.inject("download", { kind: "status", status: 500 }, 1000);
    await announceUntilDead(row, "reason-zoom-unreachable");
  });

  it("Zoom accepts the API call and never answers, then the download stalls mid-body: each wait times out, the job retries, the exact bytes arrive once", async () => {
    // Small ZOOM_*_TIMEOUT_MS: the configured values reach the REST client and the download.
    const row = await startRow({
      env: { ZOOM_CONNECT_TIMEOUT_MS: "100", ZOOM_HEADERS_TIMEOUT_MS: "150", ZOOM_IDLE_TIMEOUT_MS: "150" },
    });
    const { h } = row;
    h.zoom.inject("recordings", { kind: "hang" }, 1);
    h.zoom.inject("download", { kind: "stall" }, 1);
    const { job } = await announceUntilRetry(row);
    expect(job?.last_error).toMatch(/no response headers within 250 ms/);
    const out = await settleAndFinish(row);
    expectDeliveredOnce(out);
    expect(out.uploads[0]?.files[0]?.sha256).toBe(row.audioSha);
    // The stalled body was dropped and resumed where it stopped, not started over.
    const downloads = h.zoom.requests.filter((r) => r.route === "download");
    expect(downloads.map((r) => r.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=[1-9]/)]);
  });

  it("a download refused with 401 on every attempt: no token refresh per attempt, bounded, and the chat is told", async () => {
    const row = await startRow();
    const { h } = row;
    // Zoom answers GET recordings with the OAuth token, then refuses every file request (zoom.md §6.4).
    h.zoom.inject("download", { kind: "unauthorized" }, 1000);
    // Four attempts, then "Zoom refused our access".
    await announceUntilDead(row, "reason-zoom-access-rejected");
    // Four attempts, each refused with every token: not one forced refresh (the token Zoom had
    // just accepted for the API was not the problem), so the refresh token is not rotated for nothing.
    // (A day later the card's parts timeout refreshes the then expired token once, as it should.)
    const lastDownload = Math.max(...h.zoom.requests.filter((r) => r.route === "download").map((r) => r.at));
    expect(h.zoom.requests.filter((r) => r.route === "token" && r.at <= lastDownload)).toEqual([]);
  });

  it("connection reset mid-download: resumes and delivers the exact bytes", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("download", { kind: "reset" }, 1);
    const out = await announceAndFinish(row);
    expect(out.delivered).toBe(true);
    expect(out.uploads[0]?.files[0]?.sha256).toBe(row.audioSha);
    expect(h.zoom.stats.downloadsStarted).toBeGreaterThanOrEqual(2);
  });

  it("HTML login page instead of the file: never delivered; the real file is, on a later attempt", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("download", { kind: "html" }, 2);
    const out = await announceAndFinish(row);
    expectDeliveredOnce(out);
    expect(out.uploads[0]?.files[0]?.sha256).toBe(row.audioSha);
  });

  it("HTML login page every time: nothing uploaded, the chat is told the download was broken", async () => {
    const row = await startRow();
    const { h } = row;
    h.zoom.inject("download", { kind: "html" }, 1000);
    const out = await announceAndFinish(row);
    expect(out.uploads).toHaveLength(0);
    expect(out.texts).toContain(failureText(row, "reason-download-corrupted"));
  });

  it("expired webhook download_token (the job runs a day late): a fresh token from the API delivers", async () => {
    const row = await startRow();
    const { h } = row;
    const event = completedEvent(row);
    expect((await h.postZoomWebhook(event)).status).toBe(200);
    h.clock.advance(25 * 3_600_000); // past the webhook token's 24 h and the access token's hour
    const out = await settleAndFinish(row);
    expect(out.delivered).toBe(true);
    expect(out.uploads[0]?.files[0]?.sha256).toBe(row.audioSha);
    // The file came with a fresh token, not the webhook's dead one.
    const downloads = h.zoom.requests.filter((r) => r.route === "download");
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((r) => r.headers.authorization !== `Bearer ${event.download_token}`)).toBe(true);
    expect(h.zoom.stats.refreshes).toBeGreaterThanOrEqual(1);
  });

  it("invalid_grant on refresh: the connection is marked broken, the chat is told to reconnect", async () => {
    const row = await startRow();
    const { h } = row;
    await announce(row);
    h.clock.advance(2 * 3_600_000); // the access token expired: the job must refresh
    h.zoom.inject("token", { kind: "invalid_grant" }, 1000);
    const out = await settleAndFinish(row);
    await expectConnectionBroken(row, out);
    // One refresh attempt, not one per retry: a broken connection is not hammered.
    expect(h.zoom.stats.invalidGrants).toBe(1);
    // The webhook's own download token still worked, so the audio may be delivered regardless;
    // if not, the chat was told why.
    // The webhook's own download token is still good, so the recording still arrives.
    expect(out.delivered).toBe(true);
  });

  it("the app was removed in Zoom, no deauthorization arrived, and the webhook's token is dead: bounded, and the chat is told", async () => {
    const row = await startRow();
    const { h } = row;
    await announce(row);
    // Zoom revokes every token of the user; the app_deauthorized webhook is lost; by the time the
    // job runs the webhook's download_token has expired too. No credential is left.
    h.zoom.buildDeauthorizationEvent(row.user.id, { revokeTokens: true });
    h.clock.advance(25 * 3_600_000);
    const out = await settleAndFinish(row);
    await expectConnectionBroken(row, out);
    expect(out.uploads).toHaveLength(0);
    // Zoom was reached every time; it refused us. The chat hears that, and what to do.
    expect(out.texts).toContain(failureText(row, "reason-zoom-access-rejected"));
    expect(out.jobs.find((j) => j.kind === "deliver-recording")).toMatchObject({
      state: "dead",
      attempts: 4,
    });
    expect(h.zoom.stats.invalidGrants).toBe(1);
  });
});
