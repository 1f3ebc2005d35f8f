/**
 * Issue #9 §3: topics and names with HTML, Markdown and control characters render safely in
 * captions, meeting cards and the connect pages.
 *
 * Properties over generated hostile text, in all six locales: captions stay within Telegram's
 * 1024 characters, cards within 4096 with callback data within 64 bytes, both well-formed UTF-16
 * with no control or bidi-override characters left (they are sent as plain text, without
 * parse_mode, so markup stays inert); a result page gets exactly the markup it has with a harmless
 * value (user text adds no tag). Then a meeting whose topic and host name are hostile is
 * delivered through the service and everything the fake Telegram received is checked the same way.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildCaption, CAPTION_LIMIT } from "../../src/delivery/caption.js";
import { emptyCardState, renderMeetingCard } from "../../src/delivery/meeting-card.render.js";
import { renderResultPage } from "../../src/i18n/html-page.js";
import { type Locale, SUPPORTED_LOCALES } from "../../src/i18n/locales.js";
import { createTranslator } from "../../src/i18n/translator.js";
import { meetingFileName } from "../../src/transcript/file-name.js";
import { type Harness, startHarness } from "../fault/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { makeTestAudio } from "../support/media.js";
import { nastyText } from "./arbitraries.js";

const SEED = Number(process.env.HOSTILE_SEED ?? 20260115);
const translator = createTranslator({ onWarning: () => {} });
const locale = fc.constantFrom(...SUPPORTED_LOCALES);
/** C0 (but \n), DEL, C1, and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const hostile = fc.oneof(
  nastyText(),
  fc.array(nastyText(), { maxLength: 6 }).map((parts) => parts.join(" ")),
  fc.string({ unit: "binary", minLength: 1000, maxLength: 3000 }),
);

/** A lone surrogate: text cut inside a character, which Telegram (UTF-8) cannot take. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function expectSafePlainText(text: string, max: number): void {
  expect(text.length).toBeLessThanOrEqual(max);
  expect(LONE_SURROGATE.test(text), JSON.stringify(text)).toBe(false);
  expect(UNSAFE.test(text), JSON.stringify(text)).toBe(false);
}

/** The page's tags, line and paragraph breaks aside (user text with newlines may add those, our own). */
const tags = (html: string) =>
  (html.match(/<[^>]*>/g) ?? []).filter((t) => !["<br>", "<p>", "</p>"].includes(t)).sort();

describe("hostile text renders safely", () => {
  it("captions: within 1024, well-formed, no control or bidi characters, in every locale", () => {
    fc.assert(
      fc.property(
        locale,
        hostile,
        fc.option(hostile, { nil: undefined }),
        fc.option(
          fc.record({ index: fc.integer({ min: 1, max: 99 }), total: fc.integer({ min: 1, max: 99 }) }),
          {
            nil: undefined,
          },
        ),
        (loc, topic, summary, part) => {
          const caption = buildCaption(translator, {
            locale: loc,
            topic,
            startTime: "2026-03-01T10:00:00Z",
            timeZone: "Europe/Berlin",
            durationSec: 3725,
            summaryText: summary ?? null,
            ...(part ? { part } : {}),
          });
          expectSafePlainText(caption, CAPTION_LIMIT);
        },
      ),
      { numRuns: 1500, seed: SEED },
    );
  });

  it("meeting cards: within 4096, well-formed, no control or bidi characters; callback data within 64 bytes", () => {
    const status = fc.constantFrom("pending", "working", "done", "failed", "unavailable", "waiting" as const);
    fc.assert(
      fc.property(
        locale,
        hostile,
        fc.tuple(status, status, status),
        fc.option(hostile, { nil: undefined }),
        (loc, topic, [audio, transcript, summary], detail) => {
          const state = emptyCardState();
          state.parts.audio = detail === undefined ? { status: audio } : { status: audio, detail };
          state.parts.transcript = { status: transcript };
          state.parts.summary = { status: summary };
          const card = renderMeetingCard({
            state,
            meeting: { topic, startTime: "2026-03-01T10:00:00Z", timeZone: "America/New_York" },
            buttons: { audioDeliveryId: 2 ** 31 - 1, transcriptDeliveryId: Number.MAX_SAFE_INTEGER },
            locale: loc,
            translator,
          });
          expectSafePlainText(card.text, 4096);
          for (const button of card.keyboard.flat()) {
            expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(64);
            expectSafePlainText(button.text, 64);
          }
        },
      ),
      { numRuns: 1500, seed: SEED + 1 },
    );
  });

  it("connect pages: user text adds no markup (the same tags as with a harmless value)", () => {
    const reference = Object.fromEntries(
      SUPPORTED_LOCALES.map((loc) => [
        loc,
        {
          connected: tags(
            renderResultPage(translator, { locale: loc, page: "connected", vars: { email: "a@b.c" } }),
          ),
          failed: tags(renderResultPage(translator, { locale: loc, page: "failed", vars: { ref: "ref-1" } })),
        },
      ]),
    ) as unknown as Record<Locale, { connected: string[]; failed: string[] }>;
    fc.assert(
      fc.property(locale, hostile, (loc, text) => {
        const connected = renderResultPage(translator, {
          locale: loc,
          page: "connected",
          vars: { email: text },
        });
        expect(tags(connected)).toEqual(reference[loc].connected);
        const failed = renderResultPage(translator, { locale: loc, page: "failed", vars: { ref: text } });
        expect(tags(failed)).toEqual(reference[loc].failed);
        expect(LONE_SURROGATE.test(connected)).toBe(false);
      }),
      { numRuns: 1500, seed: SEED + 2 },
    );
  });

  it("file names: no path, no quotes or control characters, a sane length", () => {
    fc.assert(
      fc.property(hostile, (topic) => {
        const name = meetingFileName(topic, "2026-03-01T10:00:00Z", "Europe/Berlin", {
          label: "",
          extension: "m4a",
        });
        expect(name).toMatch(/\.m4a$/);
        // (`;` may stay: the multipart layer replaces it, checked end to end below.)
        expect(/[/\\"\r\n:*?<>|\u0000-\u001F]/.test(name), JSON.stringify(name)).toBe(false);
        expect(name.startsWith(".")).toBe(false);
        expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      }),
      { numRuns: 1500, seed: SEED + 3 },
    );
  });
});

describe(`a hostile topic and host name through the service (${TEST_DIALECT})`, () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
  });

  it("everything the chat receives is plain text, within limits, with no control or bidi characters", async () => {
    h = await startHarness();
    const topic =
      '<b>Board</b> <a href="javascript:alert(1)">x</a> *bold* _it_ `code` [l](http://e.x) ||s|| \u202Egnp.exe\u202C\u0000\u0007\u001b[31m\r\n\u2028 ' +
      "👨‍👩‍👧‍👦".repeat(300);
    const user = h.zoom.addUser({
      email: "mallory@example.com",
      display_name: "<i>Mal</i>\u202Elory\u0008 *the* _host_",
      first_name: "<i>Mal</i>",
    });
    await h.connect({ user, chatId: 9400 });
    const audio = await makeTestAudio({ seconds: 4, bitrateKbps: 32 });
    h.zoom.addMeeting({
      uuid: "render-uuid==",
      hostUserId: user.id,
      topic,
      start_time: "2026-01-15T09:00:00Z",
      files: [
        { file_type: "M4A", recording_type: "audio_only", path: audio },
        {
          file_type: "TRANSCRIPT",
          recording_type: "audio_transcript",
          bytes: `WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\n<b>Mal</b>\u202E: <script>alert(1)</script> *hi*\n`,
        },
      ],
    });
    expect((await h.postZoomWebhook(h.zoom.buildEvent("recording.completed", "render-uuid=="))).status).toBe(
      200,
    );
    await h.settle({ maxRounds: 20, minStepMs: 1, ifUnsettled: "return" });
    const audioSent = h.tg.sent.filter((s) => s.method === "sendAudio");
    expect(audioSent).toHaveLength(1);
    const everything = h.tg.messages(9400);
    expect(everything.length).toBeGreaterThanOrEqual(2); // the card and the audio, at least
    for (const message of everything) {
      // Plain text: Telegram parses no markup in it.
      expect(message.parseMode).toBeUndefined();
      if (message.text !== undefined) expectSafePlainText(message.text, 4096);
      if (message.caption !== undefined) expectSafePlainText(message.caption, CAPTION_LIMIT);
      for (const edit of message.edits) if (edit.text !== undefined) expectSafePlainText(edit.text, 4096);
      for (const file of message.files) {
        expect(/[/\\"\r\n;\u0000-\u001F]/.test(file.filename ?? ""), file.filename).toBe(false);
      }
    }
    const fields = audioSent[0]?.fields ?? {};
    for (const key of ["title", "performer"]) {
      if (fields[key] !== undefined) expectSafePlainText(fields[key] as string, 300);
    }
    expect(fields.performer).toContain("Mal");
  });
});
