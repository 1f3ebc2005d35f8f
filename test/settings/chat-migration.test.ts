/**
 * A group that becomes a supergroup keeps what it chose (issue 15): on Telegram's service message
 * `migrate_to_chat_id`, or on the 400 with `parameters.migrate_to_chat_id` a send meets, the chat's
 * settings, its connection and every destination that named the group move to the new id; a
 * delivery still pending under the old id arrives in the supergroup with those settings, the next
 * meeting is delivered by them too, and a meeting received before the move does not come twice.
 */
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import {
  getChatDestination,
  getChatSettings,
  setChatDestination,
  updateChatSettings,
} from "../../src/settings/chat-settings.repository.js";
import { defaultChatSettings } from "../../src/settings/default-chat-settings.js";
import { findChat } from "../../src/telegram/chat.repository.js";
import { type DeliveryHarness, startDeliveryHarness } from "../delivery/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile, testVideoForFile } from "../support/each-test.js";
import { addRecording, videoFile } from "../support/recordings.js";

const GROUP = -4001;
const SUPERGROUP = -1004001;
/** A private chat whose deliveries go to the group. */
const ADA = 1001;

const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });
const video = testVideoForFile({ seconds: 4 });
const closeAfterTest = closeAfterEachTest<DeliveryHarness>();

async function setup() {
  const b = closeAfterTest(await startDeliveryHarness());
  const { zoomUserId } = await b.connect({ chatId: GROUP, locale: "de" });
  b.tg.addChat({ id: SUPERGROUP, type: "supergroup", title: "Team" });
  const db = b.services.db.kysely;
  const now = b.clock.now();
  await updateChatSettings(db, GROUP, { parts: { video: true }, trashAfterDelivery: true }, now);
  await setChatDestination(db, ADA, { chatId: GROUP, threadId: null, title: "Team" }, now);
  return { b, zoomUserId };
}

const addMeeting = (b: DeliveryHarness, zoomUserId: string, uuid: string) =>
  addRecording(b.zoom, zoomUserId, {
    uuid,
    topic: "Planning",
    start_time: "2026-03-01T08:00:00Z",
    audio: audio(),
    files: [videoFile("shared_screen_with_speaker_view", video())],
  });

/** Telegram's service message in the old group. */
function migrateToUpdate(b: DeliveryHarness): Update {
  return {
    update_id: 90_001,
    message: {
      message_id: 77,
      date: Math.floor(b.clock.now() / 1000),
      chat: { id: GROUP, type: "group", title: "Team" },
      from: { id: ADA, is_bot: false, first_name: "Ada" },
      migrate_to_chat_id: SUPERGROUP,
    },
  } as Update;
}

async function expectMoved(b: DeliveryHarness) {
  const db = b.services.db.kysely;
  const settings = await getChatSettings(db, SUPERGROUP, defaultChatSettings(b.services.config));
  expect(settings).toMatchObject({ parts: { video: true, audio: true }, trashAfterDelivery: true });
  const rows = await db.selectFrom("chat_settings").select("chat_id").orderBy("chat_id").execute();
  expect(rows.map((r) => Number(r.chat_id))).toEqual([SUPERGROUP, ADA]);
  expect((await getChatDestination(db, ADA)).chatId).toBe(SUPERGROUP);
  const connection = await db.selectFrom("zoom_connections").select("chat_id").executeTakeFirstOrThrow();
  expect(Number(connection.chat_id)).toBe(SUPERGROUP);
  expect(await findChat(db, GROUP)).toMatchObject({ status: "migrated", migrated_to: SUPERGROUP });
  expect(await findChat(db, SUPERGROUP)).toMatchObject({ status: "active", locale: "de" });
}

const sentTo = (b: DeliveryHarness, method: string) =>
  b.tg.sent.filter((s) => s.method === method).map((s) => s.chatId);

describe(`a group that became a supergroup on ${TEST_DIALECT}`, () => {
  it("takes its settings and destinations along on the service message; pending deliveries follow", async () => {
    const { b, zoomUserId } = await setup();
    // Queued under the group's id before the move…
    const before = addMeeting(b, zoomUserId, "before-move==");
    await b.post(b.zoom.buildEvent("recording.completed", before.uuid));
    await b.app.bot.handleUpdate(migrateToUpdate(b));
    b.tg.migrateChat(GROUP, SUPERGROUP);
    await expectMoved(b);
    // …and delivered in the supergroup, with the settings the chat chose.
    await b.settle();
    expect(sentTo(b, "sendVideo")).toEqual([SUPERGROUP]);
    expect(sentTo(b, "sendAudio")).toEqual([SUPERGROUP]);

    // The next meeting arrives under the new id, by the same settings.
    const after = addMeeting(b, zoomUserId, "after-move==");
    await b.post(b.zoom.buildEvent("recording.completed", after.uuid));
    await b.settle();
    expect(sentTo(b, "sendVideo")).toEqual([SUPERGROUP, SUPERGROUP]);
    // Zoom re-sends the first meeting's event: it was delivered before the move, and stays once.
    await b.post(b.zoom.buildEvent("recording.completed", before.uuid));
    await b.settle();
    expect(sentTo(b, "sendVideo")).toEqual([SUPERGROUP, SUPERGROUP]);
    expect(sentTo(b, "sendAudio")).toEqual([SUPERGROUP, SUPERGROUP]);
    expect(await b.auditResults()).toEqual(["accepted", "accepted", "duplicate"]);
    // The supergroup's own service message finds the move done.
    await b.app.bot.handleUpdate({
      update_id: 90_002,
      message: {
        message_id: 1,
        date: Math.floor(b.clock.now() / 1000),
        chat: { id: SUPERGROUP, type: "supergroup", title: "Team" },
        from: { id: ADA, is_bot: false, first_name: "Ada", language_code: "en" },
        migrate_from_chat_id: GROUP,
      },
    } as Update);
    await expectMoved(b);
  });

  it("takes them along when a send meets the 400 with migrate_to_chat_id", async () => {
    const { b, zoomUserId } = await setup();
    b.tg.migrateChat(GROUP, SUPERGROUP);
    const first = addMeeting(b, zoomUserId, "first==");
    await b.post(b.zoom.buildEvent("recording.completed", first.uuid));
    await b.settle();
    expect(b.tg.calls.some((c) => c.status === 400)).toBe(true);
    await expectMoved(b);
    const next = addMeeting(b, zoomUserId, "next==");
    await b.post(b.zoom.buildEvent("recording.completed", next.uuid));
    await b.settle();
    expect(sentTo(b, "sendVideo")).toEqual([SUPERGROUP, SUPERGROUP]);
    expect(sentTo(b, "sendAudio")).toEqual([SUPERGROUP, SUPERGROUP]);
  });
});
