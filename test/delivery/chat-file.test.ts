/**
 * Zoom's in-meeting chat file (issue 15) through the fakes: a chat that turned the chat file on
 * gets the meeting's `CHAT` .txt as a document, exactly once, with a caption naming the meeting in
 * its language, and the card shows it; once it arrived intact, trash after delivery goes ahead. A
 * chat with the chat file off never downloads it, a chat file Zoom never serves is reported failed
 * on the card and keeps the recording in Zoom's cloud, and one whose recording went to Zoom's trash
 * first stops until the recording is restored.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { updateChatSettings } from "../../src/settings/chat-settings.repository.js";
import type { FakeMeeting, ZoomUser } from "../fakes/fake-zoom.js";
import { type OpsHarness as OpsBench, startOpsHarness as startOpsBench } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { addRecording } from "../support/recordings.js";

const CHAT = 4343;
const CHAT_TXT =
  "10:00:05 From Ann to Everyone:\n\tSlides: https://example.com/deck\n10:01:10 From Bob to Everyone:\n\tDanke! 👍\n";
const VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAnn: Hello, this is the weekly sync.\n";
const KINDS = [
  "deliver-recording",
  "deliver-transcript",
  "deliver-summary",
  "deliver-chat-file",
  "meeting-card-refresh",
  "recording-changed-card",
  "trash-recording",
];
const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });
const closeAfterTest = closeAfterEachTest<OpsBench>();

async function setup(options: { chatFile: boolean; trash?: boolean; locale?: string }) {
  const b = closeAfterTest(await startOpsBench({ env: { JOB_MAX_ATTEMPTS: "3" } }));
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  await b.connect({ user, chatId: CHAT, locale: options.locale ?? "en" });
  await updateChatSettings(
    b.app.services.db.kysely,
    CHAT,
    { parts: { chat: options.chatFile }, trashAfterDelivery: options.trash ?? false },
    b.clock.now(),
  );
  return { b, user };
}

const addMeeting = (b: OpsBench, user: ZoomUser, uuid: string, withAudio = true): FakeMeeting =>
  addRecording(b.zoom, user, {
    uuid,
    topic: "Weekly sync",
    duration: 30,
    ...(withAudio ? { audio: audio() } : {}),
    vtt: VTT,
    files: [{ file_type: "CHAT", recording_type: "chat_file", bytes: CHAT_TXT }],
  });

/** Zoom announces the recording and then its transcript; every job runs to the end. */
async function announceBoth(b: OpsBench, meeting: FakeMeeting) {
  await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
  await b.post(b.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
  await b.settle(KINDS);
}

const chatDocuments = (b: OpsBench) =>
  b.tg.sent.filter((s) => s.method === "sendDocument" && s.files[0]?.filename?.endsWith("Chat.txt") === true);
const card = (b: OpsBench) => b.tg.messages(CHAT).find((m) => m.text?.startsWith("🎥"));
const chatFileDownloads = (b: OpsBench, meeting: FakeMeeting) => {
  const file = meeting.files.find((f) => f.file_type === "CHAT")!;
  const token = new URL(file.download_url).pathname.split("/").pop()!;
  return b.zoom.requests.filter((r) => r.route === "download" && r.path.includes(token));
};

async function chatRow(b: OpsBench, meetingUuid: string) {
  return b.app.services.db.kysely
    .selectFrom("deliveries")
    .select(["state", "bytes"])
    .where("meeting_uuid", "=", meetingUuid)
    .where("kind", "=", "chat")
    .execute();
}

describe(`Zoom's chat file on ${TEST_DIALECT}`, () => {
  it("is sent as a document once, captioned with the meeting in the chat's language", async () => {
    const { b, user } = await setup({ chatFile: true, locale: "de" });
    const meeting = addMeeting(b, user, "chat-file==");
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle(KINDS);
    // A re-sent event changes nothing.
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle(KINDS);

    const docs = chatDocuments(b);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.chatId).toBe(CHAT);
    expect(docs[0]!.files[0]!.filename).toBe("2026-01-15 Weekly sync - Chat.txt");
    expect(docs[0]!.files[0]!.sha256).toBe(createHash("sha256").update(CHAT_TXT).digest("hex"));
    expect(docs[0]!.caption).toBe("💬 Meeting-Chat: Weekly sync");
    expect(chatFileDownloads(b, meeting)).toHaveLength(1);
    expect(await chatRow(b, meeting.uuid)).toEqual([
      { state: "delivered", bytes: Buffer.byteLength(CHAT_TXT) },
    ]);
    expect(card(b)?.text).toContain("💬 Meeting-Chat: ✓");
  });

  it("once delivered intact, lets trash after delivery go ahead", async () => {
    const { b, user } = await setup({ chatFile: true, trash: true });
    const meeting = addMeeting(b, user, "chat-then-trash==");
    await announceBoth(b, meeting);
    expect(chatDocuments(b)).toHaveLength(1);
    expect(b.zoom.recordingDeletions).toEqual([
      { uuid: meeting.uuid, action: "trash", at: expect.any(Number) },
    ]);
    expect(card(b)?.text).toContain("Moved to Zoom's trash");
  });

  it("is never downloaded for a chat that has it off", async () => {
    const { b, user } = await setup({ chatFile: false, trash: true });
    const meeting = addMeeting(b, user, "no-chat-file==");
    await announceBoth(b, meeting);
    expect(chatDocuments(b)).toEqual([]);
    expect(chatFileDownloads(b, meeting)).toEqual([]);
    expect(await chatRow(b, meeting.uuid)).toEqual([]);
    expect(card(b)?.text).not.toContain("💬");
    // Nothing this chat receives is missing: the recording still goes to the trash.
    expect(b.zoom.recordingDeletions.map((d) => d.uuid)).toEqual([meeting.uuid]);
  });

  it("that Zoom never serves is shown failed on the card and keeps the recording", async () => {
    const { b, user } = await setup({ chatFile: true, trash: true });
    const meeting = addMeeting(b, user, "chat-file-broken==", false);
    b.zoom.inject("download", { kind: "html" }, 1000);
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.settle(KINDS);
    expect(chatDocuments(b)).toEqual([]);
    expect(chatFileDownloads(b, meeting).length).toBeGreaterThan(0);
    expect((await chatRow(b, meeting.uuid)).map((r) => r.state)).toEqual(["failed"]);
    expect(card(b)?.text).toMatch(/💬 Meeting chat: ✗ failed: /);
    expect(b.zoom.recordingDeletions).toEqual([]);
  });

  it("stops when the recording goes to Zoom's trash first, and arrives once when it is restored", async () => {
    const { b, user } = await setup({ chatFile: true });
    const meeting = addMeeting(b, user, "chat-file-trashed==");
    await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid));
    await b.post(b.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid));
    await b.settle(KINDS);
    expect(chatDocuments(b)).toEqual([]);
    expect(chatFileDownloads(b, meeting)).toEqual([]);
    expect((await chatRow(b, meeting.uuid)).map((r) => r.state)).toEqual(["skipped"]);
    expect(card(b)?.text).toContain("💬 Meeting chat: not available");

    await b.post(b.zoom.buildLifecycleEvent("recording.recovered", meeting.uuid));
    await b.settle(KINDS);
    expect(chatDocuments(b)).toHaveLength(1);
    expect((await chatRow(b, meeting.uuid)).map((r) => r.state)).toEqual(["delivered"]);
    expect(card(b)?.text).toContain("💬 Meeting chat: ✓ done");
  });
});
