/**
 * The settings applied to deliveries, end to end through the fakes (issue #15 items 1, 2, 6):
 * parts and the topic filter decide what ingest creates; deliveries go to the chosen forum topic
 * or channel; a closed or deleted topic or a lost channel pauses deliveries with a message in the
 * original chat; webinars (object.type 5, 6, 9) arrive like meetings.
 */
import { describe, expect, it } from "vitest";
import {
  getChatDestination,
  setChatDestination,
  updateChatSettings,
} from "../../src/settings/chat-settings.repository.js";
import { type MeetingHarness, startMeetingHarness } from "../meeting/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { loadZoomFixture } from "../support/fixtures.js";

const VTT = `WEBVTT

1
00:00:02.000 --> 00:00:06.000
Anna Keller: Today we decide on the release date for version 2.4 and review the migration plan.

2
00:00:07.000 --> 00:00:12.000
Ben Ortiz: The migration script for PostgreSQL is finished and passed on staging last night.
`;

const audio = testAudioForFile({ seconds: 6, bitrateKbps: 32 });

const closeAfterTest = closeAfterEachTest<MeetingHarness>();

const GROUP = -1001500;
const CHANNEL = -1002600;
const ADMIN = 501;

async function setup(options: { chatId?: number } = {}) {
  return closeAfterTest(await startMeetingHarness(options.chatId ? { chatId: options.chatId } : {}));
}

function addMeeting(b: MeetingHarness, uuid: string, topic: string, type = 2) {
  b.addRecording({ uuid, topic, type, duration: 42, audio: audio(), vtt: VTT });
}

const completed = (b: MeetingHarness, uuid: string) =>
  b.postForResult(b.zoom.buildEvent("recording.completed", uuid, { fileTypes: ["M4A"] }));
const transcript = (b: MeetingHarness, uuid: string) =>
  b.postForResult(b.zoom.buildEvent("recording.transcript_completed", uuid));
const summary = (b: MeetingHarness, uuid: string) =>
  b.postForResult(b.zoom.buildSummaryCompletedEvent(uuid, "rivet"));

const sentTo = (b: MeetingHarness, chatId: number, method?: string) =>
  b.tg.sent.filter((s) => s.chatId === chatId && (method === undefined || s.method === method));

const kinds = async (b: MeetingHarness, uuid: string) =>
  (
    await b.app.services.db.kysely
      .selectFrom("deliveries")
      .select("kind")
      .where("meeting_uuid", "=", uuid)
      .orderBy("kind")
      .execute()
  ).map((r) => r.kind);

/** How the chat's parts setting decides what ingest accepts and what arrives. */
const PARTS_CASES = [
  {
    name: "audio off and summary off create neither; the transcript still comes",
    parts: { audio: false, summary: false },
    results: ["ignored", "accepted", "ignored"],
    kinds: ["transcript"],
    sent: { audio: 0, transcript: 1, summary: 0 },
  },
  {
    name: "transcript off leaves audio and summary",
    parts: { transcript: false },
    results: ["accepted", "ignored", "accepted"],
    kinds: ["audio", "summary"],
    sent: { audio: 1, transcript: 0, summary: 1 },
  },
];

describe(`settings applied to deliveries on ${TEST_DIALECT}`, () => {
  for (const { name, parts, results, kinds: created, sent } of PARTS_CASES) {
    it(`parts: ${name}`, async () => {
      const b = await setup();
      await updateChatSettings(b.app.services.db.kysely, b.chatId, { parts }, b.clock.now());
      addMeeting(b, "parts-1", "Weekly sync");
      // recording.completed, recording.transcript_completed, meeting.summary_completed
      expect([
        await completed(b, "parts-1"),
        await transcript(b, "parts-1"),
        await summary(b, "parts-1"),
      ]).toEqual(results);
      await b.settle();
      expect(await kinds(b, "parts-1")).toEqual(created);
      expect({
        audio: sentTo(b, b.chatId, "sendAudio").length,
        transcript: sentTo(b, b.chatId, "sendDocument").length,
        // A summary neither from Zoom nor from the transcript.
        summary: sentTo(b, b.chatId, "sendMessage").filter((s) => s.text?.startsWith("🧠 ")).length,
      }).toEqual(sent);
    });
  }

  it("topic filter: contains / does not contain decides which meetings arrive", async () => {
    const b = await setup();
    const filterBy = (mode: "contains" | "excludes") =>
      updateChatSettings(
        b.app.services.db.kysely,
        b.chatId,
        { topicFilter: { mode, phrase: "standup" } },
        b.clock.now(),
      );
    /** What ingest decides for each new meeting's recording.completed. */
    const arrivals = async (meetings: Array<[uuid: string, topic: string]>) => {
      const results: string[] = [];
      for (const [uuid, topic] of meetings) {
        addMeeting(b, uuid, topic);
        results.push(await completed(b, uuid));
      }
      return results;
    };

    await filterBy("contains");
    expect(
      await arrivals([
        ["topic-1", "Weekly sync"],
        ["topic-2", "Daily Standup"],
      ]),
    ).toEqual(["ignored", "accepted"]);
    expect(await transcript(b, "topic-1")).toBe("ignored");
    expect(await summary(b, "topic-1")).toBe("ignored");
    await b.settle();
    expect(await kinds(b, "topic-1")).toEqual([]);
    // Workers run jobs concurrently: the order between meetings is not fixed.
    expect(
      sentTo(b, b.chatId, "sendAudio")
        .map((s) => s.fields.title)
        .sort(),
    ).toEqual(["Daily Standup"]);

    await filterBy("excludes");
    expect(
      await arrivals([
        ["topic-3", "Standup again"],
        ["topic-4", "Retro"],
      ]),
    ).toEqual(["ignored", "accepted"]);
  });
});

/** GROUP as a forum whose "Recordings" topic deliveries go to; answers the topic's thread id. */
async function deliverToForumTopic(b: MeetingHarness): Promise<number> {
  b.tg.addChat({ id: GROUP, type: "supergroup", title: "Team", isForum: true, admins: [ADMIN] });
  const topic = b.tg.addTopic(GROUP, "Recordings");
  await setChatDestination(
    b.app.services.db.kysely,
    GROUP,
    { chatId: null, threadId: topic, title: null },
    1,
  );
  return topic;
}

/** A forum topic that is gone: how it went, and what the pause notice calls it. */
const LOST_TOPIC_CASES = [
  { how: "closed", lose: (b: MeetingHarness, topic: number) => b.tg.closeTopic(GROUP, topic) },
  { how: "deleted", lose: (b: MeetingHarness, topic: number) => b.tg.deleteTopic(GROUP, topic) },
];

describe(`destinations on ${TEST_DIALECT}`, () => {
  it("a forum topic: audio, transcript, summary and card all land in it", async () => {
    const b = await setup({ chatId: GROUP });
    const topic = await deliverToForumTopic(b);
    addMeeting(b, "forum-1", "Weekly sync");
    await completed(b, "forum-1");
    await transcript(b, "forum-1");
    await b.settle();
    const sent = sentTo(b, GROUP);
    expect(sent.map((s) => s.method)).toEqual(
      expect.arrayContaining(["sendAudio", "sendDocument", "sendMessage"]),
    );
    expect(sent.every((s) => s.threadId === topic)).toBe(true);
  });

  for (const { how, lose } of LOST_TOPIC_CASES) {
    it(`a ${how} topic pauses deliveries and says so in the chat's General topic; later meetings wait`, async () => {
      const b = await setup({ chatId: GROUP });
      const topic = await deliverToForumTopic(b);
      lose(b, topic);
      addMeeting(b, `${how}-1`, "Weekly sync");
      await completed(b, `${how}-1`);
      await b.settle();
      const notices = sentTo(b, GROUP).filter((s) => s.text?.startsWith("⏸"));
      expect(notices).toHaveLength(1);
      expect(notices[0]?.text).toBe(
        `⏸ Deliveries are paused: the forum topic they go to was ${how}. An administrator can choose where they go with /settings.`,
      );
      expect(notices[0]?.threadId).toBeUndefined();
      const db = b.app.services.db.kysely;
      expect((await getChatDestination(db, GROUP)).pausedReason).toBe(
        `the forum topic they go to was ${how}`,
      );
      expect(sentTo(b, GROUP, "sendAudio")).toHaveLength(0);

      addMeeting(b, `${how}-2`, "Retro");
      await completed(b, `${how}-2`);
      await b.settle();
      expect(sentTo(b, GROUP).filter((s) => s.text?.startsWith("⏸"))).toHaveLength(1);
      expect(b.tg.calls.filter((c) => c.method === "sendAudio")).toHaveLength(1);
    });
  }

  it("a channel: deliveries are posted there; when the bot is removed, deliveries pause and the chat is told", async () => {
    const b = await setup();
    b.tg.addChat({ id: CHANNEL, type: "channel", title: "Recordings", admins: [b.chatId] });
    const db = b.app.services.db.kysely;
    await setChatDestination(db, b.chatId, { chatId: CHANNEL, threadId: null, title: "Recordings" }, 1);
    addMeeting(b, "channel-1", "Weekly sync");
    await completed(b, "channel-1");
    await transcript(b, "channel-1");
    await b.settle();
    expect(sentTo(b, CHANNEL, "sendAudio")).toHaveLength(1);
    expect(sentTo(b, CHANNEL, "sendDocument")).toHaveLength(1);
    expect(sentTo(b, b.chatId, "sendAudio")).toHaveLength(0);
    // The card's buttons work in the channel: the transcript is sent there again.
    const card = b.tg.messages(CHANNEL).find((m) => m.text?.startsWith("🎥"));
    const markup = card?.replyMarkup as
      | { inline_keyboard: Array<Array<{ callback_data: string }>> }
      | undefined;
    const button = (markup?.inline_keyboard ?? [])
      .flat()
      .find((x) => x.callback_data.startsWith("card:transcript:"));
    await b.press(card?.messageId ?? 0, button?.callback_data ?? "", CHANNEL);
    expect(b.tg.callbackAnswers.at(-1)?.text).toBe("The transcript is on its way.");
    await b.settle();
    expect(sentTo(b, CHANNEL, "sendDocument")).toHaveLength(2);

    b.tg.setBotMembership(CHANNEL, { status: "kicked" });
    addMeeting(b, "channel-2", "Retro");
    await completed(b, "channel-2");
    await b.settle();
    const notice = sentTo(b, b.chatId).find((s) => s.text?.startsWith("⏸"));
    expect(notice?.text).toBe(
      "⏸ Deliveries are paused: I can no longer post in Recordings. An administrator can choose where they go with /settings.",
    );
    // The chat itself is not paused: it can still be told and can choose again.
    const chat = await db
      .selectFrom("chats")
      .select("status")
      .where("chat_id", "=", b.chatId)
      .executeTakeFirst();
    expect(chat?.status).toBe("active");
    await b.say("/settings");
    expect(b.messages().at(-1)?.text).toContain(
      "⏸ Deliveries are paused: I can no longer post in Recordings",
    );
  });

  it("a channel the bot may no longer post in (demoted) pauses too", async () => {
    const b = await setup();
    b.tg.addChat({ id: CHANNEL, type: "channel", title: "Recordings", bot: { status: "member" } });
    await setChatDestination(
      b.app.services.db.kysely,
      b.chatId,
      { chatId: CHANNEL, threadId: null, title: "Recordings" },
      1,
    );
    addMeeting(b, "demoted-1", "Weekly sync");
    await completed(b, "demoted-1");
    await b.settle();
    expect(sentTo(b, b.chatId).find((s) => s.text?.startsWith("⏸"))?.text).toContain(
      "I can no longer post in Recordings",
    );
  });
});

describe(`webinars on ${TEST_DIALECT}`, () => {
  it("recording.completed for webinars (object.type 5, 6 and 9) is delivered like a meeting", async () => {
    const b = await setup();
    for (const type of [5, 6, 9]) {
      addMeeting(b, `webinar-${type}`, `Webinar type ${type}`, type);
      const event = b.zoom.buildEvent("recording.completed", `webinar-${type}`, { fileTypes: ["M4A"] });
      expect((event.payload as { object: { type: number } }).object.type).toBe(type);
      expect(await b.postForResult(event)).toBe("accepted");
      expect(await transcript(b, `webinar-${type}`)).toBe("accepted");
    }
    await b.settle();
    // Workers run jobs concurrently: the order between meetings is not fixed.
    expect(
      sentTo(b, b.chatId, "sendAudio")
        .map((s) => s.fields.title)
        .sort(),
    ).toEqual(["Webinar type 5", "Webinar type 6", "Webinar type 9"]);
    expect(sentTo(b, b.chatId, "sendDocument")).toHaveLength(3);
  });

  it("the synthetic webinar payload is accepted and creates audio and transcript deliveries", async () => {
    const b = await setup();
    const event = loadZoomFixture<{ payload: { object: Record<string, unknown> } }>(
      "recording.completed.webinar.SYNTHETIC.json",
    );
    event.payload.object.host_id = b.user.id;
    expect(event.payload.object.type).toBe(5);
    expect(await b.postForResult(event)).toBe("accepted");
    expect(await kinds(b, String(event.payload.object.uuid))).toEqual(["audio", "transcript"]);
  });
});

describe(`the meeting card follows the parts on ${TEST_DIALECT}`, () => {
  it("a part the chat turned off has no line, and the card still reaches done", async () => {
    const b = await setup();
    await updateChatSettings(
      b.app.services.db.kysely,
      b.chatId,
      { parts: { summary: false } },
      b.clock.now(),
    );
    addMeeting(b, "card-1", "Weekly sync");
    await completed(b, "card-1");
    await transcript(b, "card-1");
    await b.settle();
    const card = b.cards()[0]?.text ?? "";
    expect(card).toContain("🎧 Audio: ✓ done");
    expect(card).toContain("📝 Transcript: ✓ done");
    expect(card).not.toContain("🧠");
    expect(card).toContain("✅ All done");
  });
});
