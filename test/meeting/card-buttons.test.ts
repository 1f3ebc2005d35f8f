/**
 * The card's buttons through the bot: "resend audio" and "get transcript" re-send by Telegram
 * file_id (no new download or upload), a failed audio goes back through the delivery pipeline,
 * and a press from another chat or on the wrong kind of delivery acts on nothing.
 */
import { afterEach, expect, it } from "vitest";
import { findDeliveries } from "../../src/delivery/delivery.repository.js";
import { TEST_DIALECT } from "../support/db.js";
import { testAudioForFile } from "../support/each-test.js";
import { type MeetingHarness, startMeetingHarness } from "./harness.js";

let bench: MeetingHarness;
afterEach(async () => {
  await bench?.close();
});

const audio = testAudioForFile({ seconds: 4, bitrateKbps: 32 });
const UUID = "buttons-uuid==";
const VTT =
  "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nAnna Keller: The release moves to Thursday after the migration.\n";

async function deliverMeeting(env: Record<string, string> = {}) {
  bench = await startMeetingHarness({ env });
  bench.addRecording({ uuid: UUID, topic: "Retro", audio: audio(), vtt: VTT });
  await bench.post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A", "TRANSCRIPT"] }));
  await bench.settle();
}

function buttons(): Array<{ text: string; callback_data: string }> {
  const markup = bench.cards()[0]?.replyMarkup as {
    inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
  };
  return markup?.inline_keyboard.flat() ?? [];
}

it(`resends the audio and the transcript by file_id, once per minute however often pressed (${TEST_DIALECT})`, async () => {
  await deliverMeeting();
  const card = bench.cards()[0]!;
  const [resend, transcript] = buttons();
  expect(resend?.callback_data).toMatch(/^card:resend:\d+$/);
  expect(transcript?.callback_data).toMatch(/^card:transcript:\d+$/);
  const uploadsBefore = bench.tg.sent.filter((s) => s.files.length > 0).length;

  await bench.press(card.messageId, resend!.callback_data);
  await bench.press(card.messageId, resend!.callback_data);
  await bench.press(card.messageId, transcript!.callback_data);
  expect(bench.tg.callbackAnswers.map((a) => a.text)).toEqual([
    "The audio is on its way.",
    "The audio is on its way.",
    "The transcript is on its way.",
  ]);
  await bench.settle();

  const audios = bench.messages().filter((m) => m.method === "sendAudio");
  expect(audios).toHaveLength(2);
  expect((audios[1]?.api.audio as { file_id?: string } | undefined)?.file_id).toBe(
    (audios[0]?.api.audio as { file_id?: string } | undefined)?.file_id,
  );
  expect(audios[1]?.caption).toContain("🎙 Retro");
  const documents = bench.messages().filter((m) => m.method === "sendDocument");
  expect(documents).toHaveLength(2);
  expect(documents[1]?.caption).toBe("📝 Transcript: Retro");
  // Nothing was uploaded again.
  expect(bench.tg.sent.filter((s) => s.files.length > 0)).toHaveLength(uploadsBefore);

  // A minute later the button works again.
  bench.clock.advance(60_000);
  await bench.press(card.messageId, resend!.callback_data);
  await bench.settle();
  expect(bench.messages().filter((m) => m.method === "sendAudio")).toHaveLength(3);
});

it("acts on nothing for a press from another chat or on the wrong kind of delivery", async () => {
  await deliverMeeting();
  const card = bench.cards()[0]!;
  const [resend, transcript] = buttons();
  const audioId = resend!.callback_data.split(":")[2];
  bench.tg.addChat({ id: 777, type: "private", first_name: "Mallory" });
  await bench.press(card.messageId, resend!.callback_data, 777);
  await bench.press(card.messageId, `card:transcript:${audioId}`);
  await bench.press(card.messageId, "card:resend:999999999");
  await bench.press(card.messageId, `${transcript!.callback_data.replace("transcript", "resend")}`);
  expect(bench.tg.callbackAnswers.map((a) => a.text)).toEqual([
    "This recording is no longer available.",
    "The transcript isn't available for this meeting.",
    "This recording is no longer available.",
    "This recording is no longer available.",
  ]);
  const sentBefore = bench.tg.sent.length;
  await bench.settle();
  expect(bench.tg.sent.length).toBe(sentBefore);
});

it("a failed audio goes back through the delivery pipeline from the resend button", async () => {
  // The first delivery fails for good (a 400 is final), then the button sends it again.
  bench = await startMeetingHarness({ env: { JOB_MAX_ATTEMPTS: "1" } });
  bench.addRecording({ uuid: UUID, topic: "Retro", audio: audio() });
  bench.tg.inject("sendAudio", {
    kind: "status",
    status: 400,
    description: "Bad Request: wrong file identifier",
  });
  await bench.post(bench.zoom.buildEvent("recording.completed", UUID));
  await bench.settle();
  const [failed] = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["audio"]);
  expect(failed?.state).toBe("failed");
  expect(bench.cards()[0]?.text).toContain("🎧 Audio: ✗ failed");
  const [resend] = buttons();
  expect(resend?.callback_data).toBe(`card:resend:${failed?.id}`);

  await bench.press(bench.cards()[0]!.messageId, resend!.callback_data);
  await bench.settle();
  const [again] = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["audio"]);
  expect(again?.state).toBe("delivered");
  expect(bench.messages().filter((m) => m.method === "sendAudio")).toHaveLength(1);
  expect(bench.cards()[0]?.text).toContain("🎧 Audio: ✓ done");
  expect(bench.cards()).toHaveLength(1);
});
