import { describe, expect, it } from "vitest";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { ADA, adaHarnessForEachTest, type ConnectHarness, connectUntilCallback } from "./harness.js";

const setup = adaHarnessForEachTest();

async function post(b: ConnectHarness, path: string, body: unknown) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(b.clock.now() / 1000));
  return b.app.http.request(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-zm-request-timestamp": ts,
      "x-zm-signature": computeZoomSignature(b.app.services.config.zoom.webhookSecret, ts, raw),
    },
    body: raw,
  });
}

async function connectThroughTheFlow(b: ConnectHarness) {
  const back = await connectUntilCallback(b, ADA.id);
  expect((await b.app.http.request(`${back.pathname}${back.search}`)).status).toBe(200);
}

describe("app_deauthorized", () => {
  it("deletes the user's tokens and data, tells the chat, and later recording events deliver nothing", async () => {
    const { b, user } = await setup();
    await connectThroughTheFlow(b);
    const db = b.app.services.db.kysely;
    expect(await db.selectFrom("zoom_connections").select("id").execute()).toHaveLength(1);

    const response = await post(b, "/webhooks/zoom/deauth", b.zoom.buildDeauthorizationEvent(user.id));
    expect(response.status).toBeLessThan(300);
    await b.app.worker!.drain();

    expect(await db.selectFrom("zoom_connections").select("id").execute()).toEqual([]);
    expect(b.tg.messages(ADA.id).at(-1)?.text).toContain("Zoomgram was removed from the Zoom account");

    // A recording that finishes afterwards (Zoom may still send it) is not delivered anywhere.
    b.zoom.addMeeting({
      uuid: "late-meeting==",
      hostUserId: user.id,
      topic: "After removal",
      start_time: "2026-01-15T11:00:00Z",
      files: [{ file_type: "M4A", recording_type: "audio_only", bytes: "not really audio" }],
    });
    const sentBefore = b.tg.sent.length;
    const late = await post(b, "/webhooks/zoom", b.zoom.buildEvent("recording.completed", "late-meeting=="));
    expect(late.status).toBeLessThan(300);
    await b.app.worker!.drain();
    expect(b.tg.sent.length).toBe(sentBefore);
    expect(await db.selectFrom("deliveries").select("id").execute()).toEqual([]);
    expect(b.zoom.requests.filter((r) => r.route === "download")).toHaveLength(0);
  });
});
