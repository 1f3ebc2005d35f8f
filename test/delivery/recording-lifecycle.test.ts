/**
 * Recordings removed in Zoom (issue #13, item 11) through the fakes: `recording.trashed` and
 * `recording.deleted` stop what has not arrived yet — queued jobs are cancelled, a job already
 * downloading stops before it uploads — with a plain line on the card in the chat's language, and
 * what arrived stays; `recording.recovered` queues exactly what was stopped, so only the missing
 * part arrives. Our own trash after delivery, a bad signature and a meeting we never saw change
 * nothing.
 */
import { describe, expect, it } from "vitest";
import type { FakeMeeting, ZoomUser } from "../fakes/fake-zoom.js";
import { countRows, TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { addRecording } from "../support/recordings.js";
import { startWorld, type World } from "../support/world.js";

const CHAT = 5151;
const VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nAnn: Hello, this is the weekly sync.\n";
const KINDS = [
  "deliver-recording",
  "deliver-transcript",
  "deliver-summary",
  "transcribe-recording",
  "meeting-card-refresh",
  "recording-changed-card",
  "trash-recording",
];
const TRASHED_LINE =
  "The recording was moved to the trash in Zoom before it could be delivered; restore it in Zoom within 30 days to receive it.";

const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });
const closeAfterTest = closeAfterEachTest<World>();

interface Setup {
  w: World;
  user: ZoomUser;
  /** Runs once, the first time the app downloads a recording file, after Zoom answered. */
  onDownload(hook: () => Promise<void>): void;
}

async function setup(options: { locale?: "en" | "de"; trashAfterDelivery?: boolean } = {}): Promise<Setup> {
  let hook: (() => Promise<void>) | undefined;
  const w = closeAfterTest(
    await startWorld({
      env: {
        JOB_MAX_ATTEMPTS: "6",
        ZOOM_TRASH_AFTER_DELIVERY: options.trashAfterDelivery ? "true" : "false",
      },
      deps: {
        random: () => 0.5,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
          if (hook && /\/rec\/(?:webhook_)?download\//.test(url) && response.ok) {
            const run = hook;
            hook = undefined;
            await run();
          }
          return response;
        },
      },
    }),
  );
  const user = w.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  const locale = options.locale ?? "en";
  await w.connect({
    user,
    chatId: CHAT,
    telegramUserId: CHAT,
    locale,
    fakeChat: { type: "private", first_name: "Test" },
    telegramUser: { first_name: "Test", language_code: locale },
  });
  return {
    w,
    user,
    onDownload: (h) => {
      hook = h;
    },
  };
}

const addMeeting = (w: World, user: ZoomUser, uuid: string): FakeMeeting =>
  addRecording(w.zoom, user, { uuid, duration: 30, audio: audio(), vtt: VTT });

const settle = (w: World) => w.settle({ kinds: KINDS });
const sent = (w: World, method: "sendAudio" | "sendDocument") =>
  w.tg.sent.filter((s) => s.method === method && s.chatId === CHAT);
const card = (w: World) => w.tg.messages(CHAT).find((m) => m.text?.startsWith("🎥"))?.text ?? "";

async function deliveryStates(w: World, uuid: string): Promise<Record<string, string>> {
  const rows = await w.db.kysely
    .selectFrom("deliveries")
    .select(["kind", "state"])
    .where("meeting_uuid", "=", uuid)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.kind, r.state]));
}

/** The audio arrived, the transcript was stopped, and the card says the recording is in the trash. */
async function expectAudioOnly(w: World, uuid: string): Promise<void> {
  expect(sent(w, "sendAudio")).toHaveLength(1);
  expect(sent(w, "sendDocument")).toHaveLength(0);
  expect(await deliveryStates(w, uuid)).toMatchObject({ audio: "delivered", transcript: "skipped" });
  expect(card(w)).toContain(TRASHED_LINE);
}

async function jobStates(w: World, kind: string): Promise<string[]> {
  const rows = await w.db.kysely
    .selectFrom("jobs")
    .select("state")
    .where("kind", "=", kind)
    .orderBy("id")
    .execute();
  return rows.map((r) => r.state);
}

/** Everything the app stores, counted: a dropped event must leave these as they were. */
async function footprint(w: World): Promise<Record<string, number>> {
  const count = (
    table: "webhook_events" | "webhook_inbox" | "jobs" | "recording_removals" | "meetings" | "deliveries",
  ) => countRows(w.db, table);
  return {
    webhookEvents: await count("webhook_events"),
    inbox: await count("webhook_inbox"),
    jobs: await count("jobs"),
    removals: await count("recording_removals"),
    meetings: await count("meetings"),
    deliveries: await count("deliveries"),
  };
}

describe(`recordings removed in Zoom on ${TEST_DIALECT}`, () => {
  it("recording.trashed mid-delivery stops the part still on its way, with the card line; the audio stays", async () => {
    const { w, user } = await setup();
    const meeting = addMeeting(w, user, "trashed-mid==");
    expect((await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await settle(w);
    expect(sent(w, "sendAudio")).toHaveLength(1);
    // The transcript is announced; its job is queued when the user trashes the recording.
    await w.post(w.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    expect(await jobStates(w, "deliver-transcript")).toEqual(["queued"]);

    const trashed = w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid);
    expect((await w.post(trashed)).status).toBe(200);
    expect(await jobStates(w, "deliver-transcript")).toEqual(["cancelled"]);
    await settle(w);

    await expectAudioOnly(w, meeting.uuid);
    expect(card(w)).toContain("Audio: ✓ done");
    expect(card(w)).toContain("Transcript: not available");
    // No Zoom download or transcript fetch was tried after the trash, so nothing retries for hours.
    expect(w.lines.some((l) => /job is dead/.test(l))).toBe(false);

    // The same event again (Zoom re-sends) changes nothing.
    const before = w.tg.sent.length;
    await w.post(trashed);
    await settle(w);
    expect(w.tg.sent.length).toBe(before);
    expect(await jobStates(w, "recording-changed-card")).toEqual(["completed"]);
  });

  it("a job already downloading stops before it uploads when the recording is trashed meanwhile", async () => {
    const { w, user, onDownload } = await setup();
    const meeting = addMeeting(w, user, "trashed-downloading==");
    onDownload(async () => {
      // Zoom has started sending the file when the user trashes the recording.
      await w.post(w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid));
    });
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    await settle(w);

    expect(sent(w, "sendAudio")).toHaveLength(0);
    expect(sent(w, "sendDocument")).toHaveLength(0);
    expect(await deliveryStates(w, meeting.uuid)).toMatchObject({ audio: "skipped" });
    expect(card(w)).toContain(TRASHED_LINE);
    expect(card(w)).toContain("Audio: not available");
  });

  it("recording.deleted stops pending parts with the card line in the chat's language", async () => {
    const { w, user } = await setup({ locale: "de" });
    const meeting = addMeeting(w, user, "deleted==");
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    expect(await jobStates(w, "deliver-recording")).toEqual(["queued"]);

    expect((await w.post(w.zoom.buildLifecycleEvent("recording.deleted", meeting.uuid))).status).toBe(200);
    expect(await jobStates(w, "deliver-recording")).toEqual(["cancelled"]);
    await settle(w);

    expect(sent(w, "sendAudio")).toHaveLength(0);
    expect(await deliveryStates(w, meeting.uuid)).toMatchObject({ audio: "skipped" });
    expect(card(w)).toContain("Die Aufzeichnung wurde in Zoom endgültig gelöscht");
    // A recording deleted for good does not come back.
    await w.post(w.zoom.buildLifecycleEvent("recording.recovered", meeting.uuid));
    await settle(w);
    expect(sent(w, "sendAudio")).toHaveLength(0);
    expect(card(w)).toContain("endgültig gelöscht");
  });

  it("recording.recovered delivers only what was missing, once", async () => {
    const { w, user } = await setup();
    const meeting = addMeeting(w, user, "recovered==");
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    await settle(w);
    await w.post(w.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await w.post(w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid));
    await settle(w);
    expect(sent(w, "sendDocument")).toHaveLength(0);
    expect(card(w)).toContain(TRASHED_LINE);

    const recovered = w.zoom.buildLifecycleEvent("recording.recovered", meeting.uuid);
    expect((await w.post(recovered)).status).toBe(200);
    await settle(w);
    expect(sent(w, "sendAudio")).toHaveLength(1);
    expect(sent(w, "sendDocument")).toHaveLength(1);
    expect(await deliveryStates(w, meeting.uuid)).toMatchObject({
      audio: "delivered",
      transcript: "delivered",
    });
    expect(card(w)).toContain("The recording was restored in Zoom; what was missing is on its way.");
    expect(card(w)).not.toContain(TRASHED_LINE);
    expect(card(w)).toContain("Transcript: ✓ done");

    // A re-sent recovered event queues nothing more.
    await w.post(recovered);
    await settle(w);
    expect(sent(w, "sendAudio")).toHaveLength(1);
    expect(sent(w, "sendDocument")).toHaveLength(1);
  });

  it("one file moved to the trash stops only that file's part", async () => {
    const { w, user } = await setup();
    const meeting = addMeeting(w, user, "one-file==");
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    await w.post(w.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await w.post(
      w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid, { fileTypes: ["TRANSCRIPT"] }),
    );
    expect(await jobStates(w, "deliver-transcript")).toEqual(["cancelled"]);
    await settle(w);
    await expectAudioOnly(w, meeting.uuid);
  });

  it("our own trash after delivery, then Zoom's recording.trashed, changes nothing visible", async () => {
    const { w, user } = await setup({ trashAfterDelivery: true });
    const meeting = addMeeting(w, user, "ours==");
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    await w.post(w.zoom.buildEvent("recording.transcript_completed", meeting.uuid));
    await settle(w);
    expect(w.zoom.recordingDeletions).toHaveLength(1);
    const text = card(w);
    expect(text).toContain("Moved to Zoom's trash to free cloud storage");
    const calls = w.tg.sent.length;

    expect((await w.post(w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid))).status).toBe(200);
    await settle(w);
    expect(w.tg.sent.length).toBe(calls);
    expect(card(w)).toBe(text);
    expect((await footprint(w)).removals).toBe(0);
  });

  it("a lifecycle event with a bad signature is refused and changes nothing", async () => {
    const { w, user } = await setup();
    const meeting = addMeeting(w, user, "forged==");
    await w.post(w.zoom.buildEvent("recording.completed", meeting.uuid));
    const before = await footprint(w);
    const response = await w.post(w.zoom.buildLifecycleEvent("recording.trashed", meeting.uuid), {
      secret: "not-the-webhook-secret",
    });
    expect(response.status).toBe(401);
    expect(await footprint(w)).toEqual(before);
    expect(await jobStates(w, "deliver-recording")).toEqual(["queued"]);
    w.zoom.buildLifecycleEvent("recording.recovered", meeting.uuid); // the fake's file is back
    await settle(w);
    expect(sent(w, "sendAudio")).toHaveLength(1);
  });

  it("events for a meeting we never saw, or of a user not connected, are accepted and dropped", async () => {
    const { w, user } = await setup();
    const unseen = addMeeting(w, user, "never-seen==");
    const stranger = w.zoom.addUser({ email: "stranger@example.com", timezone: "UTC" });
    const theirs = addMeeting(w, stranger, "not-connected==");
    await w.post(w.zoom.buildEvent("recording.completed", theirs.uuid)); // audited as no_connection
    const before = await footprint(w);
    for (const event of ["recording.trashed", "recording.deleted", "recording.recovered"] as const) {
      for (const uuid of [unseen.uuid, theirs.uuid]) {
        expect((await w.post(w.zoom.buildLifecycleEvent(event, uuid))).status).toBe(200);
      }
    }
    expect(await footprint(w)).toEqual(before);
    expect(w.tg.sent).toHaveLength(0);
  });
});
