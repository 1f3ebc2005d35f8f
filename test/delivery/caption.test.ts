/**
 * The audio caption: plain text in the chat's language with the start in the Zoom user's zone,
 * user text cleaned but never escaped into markup, a summary line when one is stored, and never
 * more than Telegram's 1024 characters.
 */
import { describe, expect, it } from "vitest";
import { buildCaption, CAPTION_LIMIT } from "../../src/delivery/caption.js";
import { reasonKeyFor } from "../../src/delivery/failure.js";
import { createTranslator } from "../../src/i18n/translator.js";

const translator = createTranslator({ onWarning: (w) => expect.fail(w) });

describe("buildCaption", () => {
  it("shows topic, start in the user's zone and language, and duration", () => {
    expect(
      buildCaption(translator, {
        locale: "de",
        topic: "Wochenrunde",
        startTime: "2026-07-01T08:00:00Z",
        timeZone: "Europe/Berlin",
        durationSec: 3900,
      }),
    ).toBe("🎙 Wochenrunde\n🗓 Beginn: 01.07.2026, 10:00 MESZ\n⏱ Dauer: 1 Std. 5 Min.");
  });

  it("keeps markup characters as they are (no parse_mode) and strips control and bidi characters", () => {
    const caption = buildCaption(translator, {
      locale: "en",
      topic: "Q2 <b>plan</b> & \u202Egnp.exe\u0007\n\nnext",
      startTime: null,
    });
    expect(caption).toBe("🎙 Q2 <b>plan</b> & gnp.exe next");
  });

  it("falls back to the localized untitled name and to UTC for an unknown zone", () => {
    const caption = buildCaption(translator, {
      locale: "en",
      topic: "   ",
      startTime: "2026-03-01T08:00:00Z",
      timeZone: "Mars/Olympus",
    });
    expect(caption).toBe("🎙 Untitled meeting\n🗓 Started: Mar 1, 2026, 8:00 AM UTC");
  });

  it("adds the first line of a stored summary and the part label", () => {
    const caption = buildCaption(translator, {
      locale: "en",
      topic: "Retro",
      summaryText:
        "## Key takeaways\n- The team agreed to ship 2.4 on Friday. Anna writes the notes.\n- More",
      part: { index: 2, total: 3 },
    });
    expect(caption).toBe(
      "Part 2/3\n🎙 Retro\n🧠 The team agreed to ship 2.4 on Friday. Anna writes the notes.",
    );
  });

  it("stays within 1024 characters whatever the topic and summary", () => {
    const caption = buildCaption(translator, {
      locale: "ru",
      topic: "Очень длинная тема 👨‍👩‍👧‍👦 ".repeat(200),
      startTime: "2026-03-01T08:00:00Z",
      timeZone: "Europe/Moscow",
      durationSec: 7200,
      summaryText: "Итог. ".repeat(1000),
      part: { index: 1, total: 9 },
    });
    expect(caption.length).toBeLessThanOrEqual(CAPTION_LIMIT);
    expect(caption).toMatch(/^Часть 1\/9\n🎙 Очень длинная тема/);
    expect(caption).toContain("⏱ Длительность: 2 ч");
    // Graphemes are never torn apart.
    expect(caption).not.toMatch(/\u200D(?!\p{Extended_Pictographic})/u);
  });
});

describe("reasonKeyFor", () => {
  it("maps stored `code: message` errors to plain-word reasons", () => {
    expect(reasonKeyFor("download.html: Zoom answered the download with an HTML page")).toBe(
      "reason-download-corrupted",
    );
    expect(reasonKeyFor("zoom.rate_limited: Zoom rate-limited get meeting recordings")).toBe(
      "reason-zoom-rate-limited",
    );
    expect(reasonKeyFor("zoom.refresh_rejected: …")).toBe("reason-zoom-access-rejected");
    expect(reasonKeyFor("telegram.unavailable: …")).toBe("reason-telegram-unreachable");
    expect(reasonKeyFor("TypeError: x is undefined")).toBe("reason-unknown");
    expect(reasonKeyFor("lease expired on the last attempt (the worker died or hung)")).toBe(
      "reason-unknown",
    );
  });
});
