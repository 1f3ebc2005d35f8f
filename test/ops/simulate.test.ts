import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSimulatedEvent, SIMULATED_EVENTS } from "../../src/cli/simulate.js";
import { ManualClock } from "../../src/clock.js";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { parseZoomEvent } from "../../src/zoom/events.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { runZoomgram } from "../support/cli.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

const UUID = "simulated/Meeting==";
let bench: OpsHarness;
let user: ZoomUser;
let url: string;

beforeAll(async () => {
  // The CLI signs with the wall clock, so the instance's clock must be near it.
  bench = await startOpsHarness({
    clock: new ManualClock(Date.now()),
    env: { HOST: "127.0.0.1", PORT: "0" },
  });
  user = bench.zoom.addUser({ email: "host@example.com" });
  await bench.connect({ user, chatId: 4242 });
  bench.zoom.addMeeting({
    uuid: UUID,
    hostUserId: user.id,
    topic: "Simulated sync",
    start_time: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    duration: 1,
    files: [{ file_type: "M4A", recording_type: "audio_only", path: await makeTestAudio({ seconds: 5 }) }],
  });
  url = `http://127.0.0.1:${(await bench.app.start()).port}`;
});
afterAll(async () => {
  await bench.close();
});

const simulate = (args: string[], env: Record<string, string> = {}) =>
  runZoomgram(["simulate", ...args], {
    env: { ...bench.env, PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });

/** recording.completed for the bench's meeting, its files listed from the fake Zoom. */
const simulateCompletedFromZoom = () =>
  simulate(["recording.completed", "--url", url, "--meeting-uuid", UUID, "--from-zoom"]);

describe(`zoomgram simulate on ${TEST_DIALECT}`, () => {
  it("recording.completed --from-zoom makes a delivery; a second run is a duplicate", async () => {
    const first = await simulateCompletedFromZoom();
    expect(first.out).toContain(`meeting ${UUID} user ${user.id}`);
    expect(first.out).toContain('→ 200 {"status":"received"} → recorded as accepted');
    expect(first.out).toContain("Accepted: the work is queued; watch the connected chat.");
    expect(first.code, first.out).toBe(0);

    const sent = await bench.tg.waitForSent((s) => s.method === "sendAudio" && s.chatId === 4242, 30_000);
    expect(sent.caption).toContain("Simulated sync");
    await bench.tg.waitFor(async () => {
      const rows = await findDeliveries(bench.app.services.db.kysely, UUID, 4242, ["audio"]);
      return rows[0]?.state === "delivered";
    });

    const again = await simulateCompletedFromZoom();
    expect(again.code).toBe(0);
    expect(again.out).toContain("Duplicate: these files were delivered (or queued) before");
    expect(bench.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(1);
  });

  it("an event for a Zoom user nobody connected is answered no_connection, and the CLI says what to do", async () => {
    const other = await simulate([
      "recording.transcript_completed",
      "--url",
      url,
      "--zoom-user",
      "nobody-here",
    ]);
    expect(other.code).toBe(0);
    expect(other.out).toContain(
      "No connection: Zoom user nobody-here is not connected to any chat; /connect first.",
    );
    const example = await simulate(["recording.completed", "--url", url]);
    expect(example.code).toBe(0);
    expect(example.out).toContain(
      "No connection (the example's Zoom user): the route, signature and database work.",
    );
    const deauth = await simulate(["app_deauthorized", "--url", url, "--from-zoom"]);
    expect(deauth.code).toBe(1);
    expect(deauth.out).toContain("--from-zoom works with the recording events only");
  });

  it("endpoint.url_validation is answered with our secret; another secret is refused", async () => {
    const crc = await simulate(["endpoint.url_validation", "--url", url]);
    expect(crc.code).toBe(0);
    expect(crc.out).toContain("URL validation answered correctly");
    const wrong = await simulate(["endpoint.url_validation", "--url", url], {
      ZOOM_WEBHOOK_SECRET: "not-the-instance-secret",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain("→ 401");
    expect(wrong.out).toContain("Refused: the instance's ZOOM_WEBHOOK_SECRET differs from this one");
  });

  it("refuses an unknown event and an unreachable instance", async () => {
    const unknown = await simulate(["meeting.started", "--url", url]);
    expect(unknown.code).toBe(1);
    expect(unknown.out).toContain("name one event: recording.completed");
    const down = await simulate(["endpoint.url_validation", "--url", "http://127.0.0.1:1"]);
    expect(down.code).toBe(1);
    expect(down.out).toContain("cannot be reached");
  });

  it("every bundled example, filled in, is an event the route accepts", () => {
    for (const event of SIMULATED_EVENTS) {
      const body = buildSimulatedEvent({
        event,
        now: 1_767_000_000_000,
        meetingUuid: "/abc//def==",
        zoomUserId: "u1",
      });
      const parsed = parseZoomEvent(body);
      expect(parsed.kind, event).toBe("ok");
      expect(body.event_ts).toBe(1_767_000_000_000);
    }
    const recording = buildSimulatedEvent({
      event: "recording.completed",
      now: 1,
      meetingUuid: "m==",
      zoomUserId: "u1",
    });
    const object = (
      recording.payload as {
        object: { uuid: string; host_id: string; recording_files: Array<{ meeting_id: string }> };
      }
    ).object;
    expect(object).toMatchObject({ uuid: "m==", host_id: "u1" });
    expect(object.recording_files.every((f) => f.meeting_id === "m==")).toBe(true);
  });
});
