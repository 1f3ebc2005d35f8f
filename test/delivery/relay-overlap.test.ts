/**
 * Relay overlap (issue 14): an audio file that Zoom says fits the upload budget is uploaded while
 * it downloads. The download's body is held half-way until the fake Telegram is receiving the
 * upload, so the delivery completes only if the two really overlap. A broken download resumes
 * under a running upload; a 413 on the overlapped upload goes on with the ladder from the file on
 * disk, without downloading it again.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { OVERLAP_MIN_BYTES } from "../../src/delivery/deliver-recording.job.js";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import type { FakeTelegram } from "../fakes/fake-telegram.js";
import { TEST_DIALECT } from "../support/db.js";
import { type DeliveryHarness, startDeliveryHarness } from "./harness.js";

const SIZE = OVERLAP_MIN_BYTES + 4_000_000;
const FILE = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i += 4096) FILE.writeUInt32BE(i, i);
const SHA = createHash("sha256").update(FILE).digest("hex");

let bench: DeliveryHarness | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

/**
 * A fetch that passes the download's first half through, then holds the rest until the fake
 * Telegram is receiving an upload or has answered one (a 413 on the declared size comes at once);
 * a sequential relay never gets there and fails the download.
 */
function holdingFetch(tg: () => FakeTelegram) {
  const held: string[] = [];
  const f: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!url.pathname.startsWith("/rec/") && !url.pathname.includes("storage")) return response;
    if (!response.body || response.status !== 200) return response;
    held.push(url.pathname);
    const reader = response.body.getReader();
    let passed = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (passed >= SIZE / 2) {
          await tg().waitFor(
            () => tg().stats.uploadsInFlight > 0 || tg().calls.some((c) => c.method === "sendAudio"),
            20_000,
          );
          passed = -Infinity;
        }
        const { done, value } = await reader.read();
        if (done) return controller.close();
        passed += value.length;
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: f, held };
}

async function start(options: Parameters<typeof startDeliveryHarness>[0] = {}) {
  let tg: FakeTelegram | undefined;
  const holding = holdingFetch(() => tg as FakeTelegram);
  bench = await startDeliveryHarness({ ...options, deps: { ...options.deps, fetch: holding.fetch } });
  tg = bench.tg;
  const { zoomUserId } = await bench.connect({ chatId: 4242, timezone: "UTC", displayName: "Ann Lee" });
  const meeting = bench.zoom.addMeeting({
    uuid: "overlap-uuid==",
    hostUserId: zoomUserId,
    topic: "Overlap",
    start_time: "2026-03-01T08:00:00Z",
    duration: 7,
    files: [{ file_type: "M4A", recording_type: "audio_only", bytes: FILE }],
  });
  return { b: bench, meeting, holding };
}

describe(`relay overlap on ${TEST_DIALECT}`, () => {
  it("uploads a file that fits while it downloads, byte for byte, with Zoom's duration", async () => {
    const { b, meeting, holding } = await start();
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle();
    expect(holding.held.length).toBeGreaterThan(0);
    const uploads = b.uploads(4242);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]!.sha256).toBe(SHA);
    // No ffprobe on a file still downloading: the duration is Zoom's (7 minutes).
    expect(Number(uploads[0]!.fields.duration)).toBe(420);
    const rows = await findDeliveries(b.services.db.kysely, meeting.uuid, 4242, ["audio"]);
    expect(rows.map((r) => [r.state, r.bytes])).toEqual([["delivered", SIZE]]);
  });

  it("a download that breaks under a running upload is resumed, and the upload carries on", async () => {
    const { b, meeting } = await start();
    b.zoom.inject("download", { kind: "reset" }, 1);
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle();
    const uploads = b.uploads(4242);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.files[0]!.sha256).toBe(SHA);
    // Resumed with Range, not restarted: a restart would serve half the file and then all of it
    // (1.5×); what the fake counts beyond 1× is what was in flight when the socket was reset.
    expect(b.zoom.stats.bytesServed).toBeLessThan(SIZE * 1.25);
  });

  it("a 413 on the overlapped upload goes on with the ladder from the downloaded file", async () => {
    // Budget says it fits (50 MB), this Telegram refuses anything over 10 MB; no ffmpeg: the link.
    const { b, meeting } = await start({ telegramLimitMb: 10, ffmpeg: null });
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle();
    expect(b.tg.calls.filter((c) => c.method === "sendAudio").map((c) => c.status)).toEqual([413]);
    expect(b.zoom.stats.bytesServed).toBe(SIZE);
    const link = b.tg.sent.find((s) => s.chatId === 4242 && /🔗/.test(s.text ?? ""));
    expect(link?.text).toMatch(/Telegram/);
    const rows = await findDeliveries(b.services.db.kysely, meeting.uuid, 4242, ["audio"]);
    expect(rows.map((r) => r.state)).toEqual(["delivered"]);
    expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ attempted: ["direct"], rung: "link" });
  });
});
