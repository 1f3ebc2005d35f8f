/**
 * /history through the real bot and the fake Telegram: the chat's last ten meetings, newest first,
 * each with its state in the chat's language, and a numbered 🔁 button for every meeting whose
 * audio can be sent again; pressing it sends the audio again (once per minute, however often it
 * is pressed). Another chat's meetings never show.
 */
import { describe, expect, it } from "vitest";
import {
  type DeliveryState,
  insertDeliveryIfAbsent,
  updateDelivery,
  upsertMeeting,
} from "../../src/delivery/delivery.repository.js";
import { chatHistory, meetingState } from "../../src/ops/history.composer.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";
import { type OpsHarness, startOpsHarness } from "./harness.js";

const CHAT = 4242;
const USER = 4242;
const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });

const closeAfterTest = closeAfterEachTest<OpsHarness>();

async function setup(locale = "en"): Promise<{ b: OpsHarness; user: ZoomUser }> {
  const b = closeAfterTest(await startOpsHarness());
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "Europe/Berlin" });
  b.tg.addUser({ id: USER, first_name: "Ann", language_code: locale });
  await b.connect({ user, chatId: CHAT, telegramUserId: USER, locale });
  return { b, user };
}

async function send(b: OpsHarness, text: string, chatId = CHAT): Promise<string> {
  const before = b.tg.messages(chatId).length;
  await b.app.bot.handleUpdate(b.tg.userSends({ chatId, from: USER, text }) as never);
  const reply = b.tg
    .messages(chatId)
    .slice(before)
    .find((m) => m.method === "sendMessage");
  return reply?.text ?? "";
}

/** A meeting with one audio delivery in `state`, reached us at `minute` past noon. */
async function seed(
  b: OpsHarness,
  n: number,
  state: DeliveryState,
  opts: { chatId?: number; lastError?: string } = {},
) {
  const db = b.app.services.db.kysely;
  const uuid = `seeded-${n}==`;
  const at = Date.UTC(2026, 0, 15, 12, n, 0);
  await upsertMeeting(
    db,
    {
      meetingUuid: uuid,
      zoomUserId: "someone",
      meetingNumber: null,
      topic: `Meeting ${n}`,
      startTime: new Date(at - 3_600_000).toISOString(),
      timezone: "UTC",
      durationMinutes: 30,
      hostEmail: null,
      shareUrl: null,
    },
    at,
  );
  const chatId = opts.chatId ?? CHAT;
  await insertDeliveryIfAbsent(
    db,
    { meetingUuid: uuid, fileId: `f${n}`, chatId, kind: "audio", requestedAt: at },
    at,
  );
  const row = await db
    .selectFrom("deliveries")
    .select("id")
    .where("meeting_uuid", "=", uuid)
    .where("chat_id", "=", chatId)
    .executeTakeFirstOrThrow();
  await updateDelivery(
    db,
    Number(row.id),
    { state, ...(opts.lastError ? { lastError: opts.lastError } : {}) },
    at,
  );
  return Number(row.id);
}

describe(`/history on ${TEST_DIALECT}`, () => {
  it("says so when nothing has arrived yet", async () => {
    const { b } = await setup();
    expect(await send(b, "/history")).toBe(
      "No recordings yet. They'll show up here once Zoom sends the first one.",
    );
  });

  it("lists the last ten meetings, newest first, with their state and a resend button where one makes sense", async () => {
    const { b } = await setup();
    const states: DeliveryState[] = [
      "delivered",
      "failed",
      "pending",
      "pending",
      "downloading",
      "uploading",
      "skipped",
      "delivered",
    ];
    const ids: number[] = [];
    for (let n = 1; n <= 12; n++) {
      const state = states[(n - 1) % states.length]!;
      ids[n] = await seed(b, n, state, n === 4 ? { lastError: "zoom.rate_limited: slow down" } : {});
    }
    await seed(b, 30, "delivered", { chatId: 5151 }); // another chat's meeting
    const text = await send(b, "/history");
    expect(text.split("\n")).toEqual([
      "🗂 Recent recordings:",
      "",
      "1. Meeting 12 — Jan 15, 2026, 11:12 AM UTC: received",
      "2. Meeting 11 — Jan 15, 2026, 11:11 AM UTC: received",
      "3. Meeting 10 — Jan 15, 2026, 11:10 AM UTC: failed",
      "4. Meeting 9 — Jan 15, 2026, 11:09 AM UTC: delivered",
      "5. Meeting 8 — Jan 15, 2026, 11:08 AM UTC: delivered",
      "6. Meeting 7 — Jan 15, 2026, 11:07 AM UTC: skipped (the chat was told why)",
      "7. Meeting 6 — Jan 15, 2026, 11:06 AM UTC: sending to Telegram",
      "8. Meeting 5 — Jan 15, 2026, 11:05 AM UTC: downloading",
      "9. Meeting 4 — Jan 15, 2026, 11:04 AM UTC: waiting, will retry later",
      "10. Meeting 3 — Jan 15, 2026, 11:03 AM UTC: received",
      "",
      "Tap a number to get that recording's audio again.",
    ]);
    const reply = b.tg.messages(CHAT).at(-1)!;
    const keyboard = (
      reply.replyMarkup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }
    ).inline_keyboard;
    expect(keyboard.flat()).toEqual([
      { text: "🔁 3", callback_data: `card:resend:${ids[10]}` },
      { text: "🔁 4", callback_data: `card:resend:${ids[9]}` },
      { text: "🔁 5", callback_data: `card:resend:${ids[8]}` },
    ]);
    expect(reply.parseMode).toBeUndefined();
  });

  it("speaks the chat's language", async () => {
    const { b } = await setup("de");
    await seed(b, 1, "delivered");
    const text = await send(b, "/history");
    expect(text).toContain("🗂 Letzte Aufzeichnungen:");
    expect(text).toContain("1. Meeting 1 – 15.01.2026, 11:01 UTC: zugestellt");
  });

  it("resends a delivered recording's audio from its button, once per minute", async () => {
    const { b, user } = await setup();
    const meeting = b.zoom.addMeeting({
      uuid: "history/Resend==",
      hostUserId: user.id,
      topic: "Quarterly <review> & plans",
      start_time: "2026-01-15T09:00:00Z",
      duration: 1,
      files: [{ file_type: "M4A", recording_type: "audio_only", path: audio() }],
    });
    expect((await b.post(b.zoom.buildEvent("recording.completed", meeting.uuid))).status).toBe(200);
    await b.settle();
    const audioSends = () => b.tg.sent.filter((s) => s.method === "sendAudio" && s.chatId === CHAT);
    expect(audioSends()).toHaveLength(1);

    const text = await send(b, "/history");
    expect(text).toContain("1. Quarterly <review> & plans — Jan 15, 2026, 10:00 AM GMT+1: delivered");
    const reply = b.tg.messages(CHAT).at(-1)!;
    const button = (reply.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> })
      .inline_keyboard[0]![0]!;
    expect(button.callback_data).toMatch(/^card:resend:\d+$/);

    for (let i = 0; i < 3; i++) {
      await b.app.bot.handleUpdate(
        b.tg.userPresses({
          chatId: CHAT,
          from: USER,
          messageId: reply.messageId,
          data: button.callback_data,
        }) as never,
      );
    }
    expect(b.tg.callbackAnswers.map((a) => a.text)).toEqual(Array(3).fill("The audio is on its way."));
    await b.settle(["deliver-recording", "resend-part"]);
    expect(audioSends()).toHaveLength(2);
    // Sent again by Telegram's file_id: no second upload.
    const firstAudio = audioSends()[0]?.message.audio as { file_id: string } | undefined;
    expect(audioSends()[1]?.fields.audio).toBe(firstAudio?.file_id);
    expect(audioSends()[1]?.files).toEqual([]);

    // A button pressed in another chat (a forwarded message) acts on nothing.
    b.tg.addChat({ id: 5151, type: "private", first_name: "Eve" });
    await b.app.bot.handleUpdate(
      b.tg.userPresses({ chatId: 5151, from: USER, messageId: 1, data: button.callback_data }) as never,
    );
    expect(b.tg.callbackAnswers.at(-1)?.text).toBe("This recording is no longer available.");
  });

  it("derives a meeting's state from its audio, else from all its parts", () => {
    const d = (kind: string, state: string, last_error: string | null = null) => ({
      id: 1,
      kind,
      state,
      last_error,
    });
    expect(meetingState([d("audio", "delivered"), d("transcript", "failed")])).toBe("delivered");
    expect(meetingState([d("audio", "delivered"), d("video", "failed")])).toBe("failed");
    expect(meetingState([d("transcript", "pending", "x")])).toBe("waiting");
    expect(meetingState([d("audio", "skipped")])).toBe("skipped");
    expect(meetingState([])).toBe("delivered");
  });

  it("chatHistory keeps to one chat and at most ten meetings", async () => {
    const { b } = await setup();
    for (let n = 1; n <= 11; n++) await seed(b, n, "delivered");
    await seed(b, 20, "delivered", { chatId: 5151 });
    const entries = await chatHistory(b.app.services.db.kysely, CHAT);
    expect(entries).toHaveLength(10);
    expect(entries.map((e) => e.meetingUuid)).not.toContain("seeded-20==");
    expect(entries[0]?.meetingUuid).toBe("seeded-11==");
  });
});
