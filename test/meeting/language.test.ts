/**
 * `/language de` turns everything that follows German: the audio caption, the meeting card, the
 * transcript file and its header, the summary, and the connect pages. Dates and durations come
 * from Intl in the chat's locale and the Zoom user's time zone (Europe/Berlin here).
 */

import { afterEach, expect, it } from "vitest";
import { continueUrlOf } from "../support/connect-link.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";
import { type MeetingHarness, startMeetingHarness } from "./harness.js";

let bench: MeetingHarness;
afterEach(async () => {
  await bench?.close();
});

const VTT =
  "WEBVTT\n\n1\n00:00:01.000 --> 00:00:09.000\nAnna Keller: Wir veröffentlichen die Version am Donnerstag nach der Migration.\n";

it(`/language de makes the next caption, card, transcript, summary and connect page German (${TEST_DIALECT})`, async () => {
  bench = await startMeetingHarness();
  bench.addRecording({
    uuid: "lang-uuid==",
    topic: "Planung",
    duration: 30,
    audio: await makeTestAudio({ seconds: 4, bitrateKbps: 32 }),
    vtt: VTT,
  });

  await bench.say("/language de");
  expect(bench.messages().at(-1)?.text).toBe("✅ Erledigt! Ab jetzt spreche ich Deutsch.");

  await bench.post(
    bench.zoom.buildEvent("recording.completed", "lang-uuid==", { fileTypes: ["M4A", "TRANSCRIPT"] }),
  );
  await bench.settle();

  const audioMessage = bench.messages().find((m) => m.method === "sendAudio");
  expect(audioMessage?.caption).toBe("🎙 Planung\n🗓 Beginn: 01.03.2026, 10:00 MEZ\n⏱ Dauer: 4 Sek.");
  const transcript = bench.messages().find((m) => m.method === "sendDocument");
  expect(transcript?.caption).toBe("📝 Transkript: Planung");
  expect(transcript?.files[0]?.filename).toBe("2026-03-01 Planung - Transkript.txt");
  const summary = bench.messages().find((m) => m.text?.startsWith("🧠 "));
  expect(summary?.text).toContain("🧠 Zusammenfassung: Planung\nAutomatisch aus dem Transkript erstellt");
  expect(summary?.text).toContain("Redezeit\n• Anna Keller: 8 Sek. (100\u00A0%)");
  const [card] = bench.cards();
  expect(card?.text).toBe(
    [
      "🎥 Planung · 01.03.2026, 10:00 MEZ",
      "✅ Alles fertig",
      "🎧 Audio: ✓ fertig",
      "📝 Transkript: ✓ fertig (Zoom)",
      "🧠 Zusammenfassung: ✓ fertig",
    ].join("\n"),
  );
  expect(card?.replyMarkup).toMatchObject({
    inline_keyboard: [[{ text: "🔁 Audio erneut senden" }, { text: "📄 Transkript abrufen" }]],
  });

  // The connect flow started from this chat now shows its pages in German.
  await bench.say("/connect");
  const sent = bench.messages().at(-1);
  const link = new URL(
    bench.tg.pressLoginButton({ chatId: bench.chatId, messageId: sent?.messageId ?? 0, from: bench.chatId }),
  );
  bench.zoom.setNextAuthorization(bench.user.id);
  const start = await bench.app.http.request(`${link.pathname}${link.search}`);
  const confirmation = await start.text();
  expect(start.status).toBe(200);
  expect(confirmation).toContain("Weiter zu Zoom");
  const atZoom = await fetch(continueUrlOf(confirmation), { redirect: "manual" });
  const back = new URL(atZoom.headers.get("location") ?? "");
  const page = await bench.app.http.request(`${back.pathname}${back.search}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('lang="de"');
  expect(html).toContain("Zoom ist verbunden");
});

it("a bare /language still offers the buttons, and an unknown code changes nothing", async () => {
  bench = await startMeetingHarness();
  await bench.say("/language");
  expect(bench.messages().at(-1)?.text).toBe("🌐 Choose your language:");
  await bench.say("/language xx");
  expect(bench.messages().at(-1)?.text).toBe("🌐 Choose your language:");
  const row = await bench.app.services.db.kysely
    .selectFrom("chats")
    .select("locale")
    .where("chat_id", "=", bench.chatId)
    .executeTakeFirstOrThrow();
  expect(row.locale).toBe("en");
});
