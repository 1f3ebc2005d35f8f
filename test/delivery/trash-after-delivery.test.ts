/**
 * Trash after delivery through the fakes: once everything the chat receives arrived intact, the
 * meeting's cloud recording goes to Zoom's trash with exactly one `DELETE …?action=trash` (never
 * `action=delete`), and the card says how to restore it. It waits for a transcript until its
 * deadline, never fires when the setting is off, and a missing scope leaves the recording alone
 * and tells the chat how to fix it.
 */
import { describe, expect, it } from "vitest";
import { updateChatSettings } from "../../src/settings/chat-settings.repository.js";
import type { FakeMeeting, ZoomUser } from "../fakes/fake-zoom.js";
import { type OpsHarness as OpsBench, startOpsHarness as startOpsBench } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { addRecording } from "../support/recordings.js";

const CHAT = 4242;
const VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAnn: Hello, this is the weekly sync.\n";
const KINDS = [
  "deliver-recording",
  "deliver-transcript",
  "deliver-summary",
  "meeting-card-refresh",
  "trash-recording",
];
const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });
const closeAfterTest = closeAfterEachTest<OpsBench>();

async function setup(trashDefault: boolean, scope?: string): Promise<{ b: OpsBench; user: ZoomUser }> {
  const b = closeAfterTest(
    await startOpsBench({ env: { ZOOM_TRASH_AFTER_DELIVERY: trashDefault ? "true" : "false" } }),
  );
  if (scope) b.zoom.setTrashScopeMissing(true);
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  await b.connect({ user, chatId: CHAT });
  return { b, user };
}

const addMeeting = (b: OpsBench, user: ZoomUser, uuid: string, withTranscript: boolean): FakeMeeting =>
  addRecording(b.zoom, user, { uuid, duration: 30, audio: audio(), ...(withTranscript ? { vtt: VTT } : {}) });

const deletions = (b: OpsBench) => b.zoom.requests.filter((r) => r.route === "delete_recordings");
const card = (b: OpsBench) => b.tg.messages(CHAT).find((m) => m.text?.startsWith("🎥"));

describe(`trash after delivery on ${TEST_DIALECT}`, () => {
  it("moves the recording to Zoom's trash once audio and transcript arrived, exactly once", async () => {
    const { b, user } = await setup(true);
    const meeting = addMeeting(b, user, "trash-me==", true);
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle(KINDS);
    // The audio is there, the transcript not yet: the recording stays.
    expect(b.tg.sent.filter((s) => s.method === "sendAudio")).toHaveLength(1);
    expect(deletions(b)).toEqual([]);

    expect((await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid))).status).toBe(
      200,
    );
    await b.settle(KINDS);
    expect(b.tg.sent.filter((s) => s.method === "sendDocument")).toHaveLength(1);
    const calls = deletions(b);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe("DELETE");
    expect(new URL(calls[0]!.path, "http://x").searchParams.get("action")).toBe("trash");
    expect(b.zoom.recordingDeletions).toEqual([
      { uuid: meeting.uuid, action: "trash", at: expect.any(Number) },
    ]);
    expect(b.zoom.isTrashed(meeting.uuid)).toBe(true);
    expect(card(b)?.text).toContain("Moved to Zoom's trash to free cloud storage");
    expect(card(b)?.text).toContain("30 days: Zoom web portal → Recordings → Trash");
    // The summary ran before the trash (it may ask Zoom for the meeting) and was delivered.
    expect(b.lines.some((l) => /job is dead/.test(l))).toBe(false);
    expect(card(b)?.text).toMatch(/Summary: .*✅|Summary: (?!.*waiting)/);

    // Late duplicates of both events change nothing: still one DELETE.
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await b.settle(KINDS);
    expect(deletions(b)).toHaveLength(1);
    expect(b.zoom.requests.some((r) => r.path.includes("action=delete"))).toBe(false);
  });

  it("without a transcript, waits for the transcript's deadline, then trashes", async () => {
    const { b, user } = await setup(true);
    const meeting = addMeeting(b, user, "no-vtt==", false);
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle(KINDS);
    expect(deletions(b)).toEqual([]);
    // A day later the card's parts timeout declares the transcript unavailable.
    await b.settle([...KINDS, "meeting-parts-timeout"]);
    expect(deletions(b)).toHaveLength(1);
    expect(b.zoom.isTrashed(meeting.uuid)).toBe(true);
  });

  it("never trashes when the chat's setting is off, and follows the chat's own choice", async () => {
    const { b, user } = await setup(false);
    const kept = addMeeting(b, user, "keep-me==", true);
    await b.post(b.zoom.buildEvent("recording.completed", kept.uuid));
    await b.post(b.zoom.buildEvent("recording.transcript_completed", kept.uuid));
    await b.settle(KINDS);
    expect(b.tg.sent.filter((s) => s.method === "sendDocument")).toHaveLength(1);
    expect(deletions(b)).toEqual([]);
    expect(card(b)?.text).not.toContain("🗑");

    // The chat turns it on in /settings: the next meeting goes to the trash.
    await updateChatSettings(b.app.services.db.kysely, CHAT, { trashAfterDelivery: true }, b.clock.now());
    const next = addMeeting(b, user, "next==", true);
    await b.post(b.zoom.buildEvent("recording.completed", next.uuid));
    await b.post(b.zoom.buildEvent("recording.transcript_completed", next.uuid));
    await b.settle(KINDS);
    expect(b.zoom.recordingDeletions.map((d) => d.uuid)).toEqual([next.uuid]);
    expect(b.zoom.isTrashed(kept.uuid)).toBe(false);
  });

  it("a missing delete scope leaves the recording alone and tells the chat how to fix it", async () => {
    const { b, user } = await setup(true, "missing");
    const meeting = addMeeting(b, user, "no-scope==", true);
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await b.settle(KINDS);
    expect(deletions(b)).toHaveLength(1); // asked once, refused, not retried
    expect(b.zoom.isTrashed(meeting.uuid)).toBe(false);
    expect(card(b)?.text).toContain("Still in your Zoom cloud");
    expect(card(b)?.text).toContain("cloud_recording:delete:meeting_recording");
    const row = await b.app.services.db.kysely.selectFrom("meeting_trash").selectAll().executeTakeFirst();
    expect(row).toMatchObject({ meeting_uuid: meeting.uuid, state: "scope_missing" });
  });

  it("a 5xx from Zoom is retried; the recording is trashed once", async () => {
    const { b, user } = await setup(true);
    const meeting = addMeeting(b, user, "flaky==", true);
    b.zoom.inject("delete_recordings", { kind: "status", status: 503 }, 1);
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await b.settle(KINDS);
    expect(deletions(b)).toHaveLength(2);
    expect(b.zoom.recordingDeletions).toHaveLength(1);
    expect(card(b)?.text).toContain("Moved to Zoom's trash");
  });
});
