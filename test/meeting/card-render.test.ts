import { describe, expect, it } from "vitest";
import {
  applyProgress,
  CALLBACK_DATA_MAX_BYTES,
  type CardState,
  emptyCardState,
  parseCardState,
  renderMeetingCard,
} from "../../src/delivery/meeting-card.render.js";
import type { PartProgress } from "../../src/delivery/progress.js";
import { createTranslator } from "../../src/i18n/translator.js";

const translator = createTranslator({ onWarning: (m) => expect.fail(m) });
const meeting = { topic: "Weekly sync", startTime: "2026-03-01T09:00:00Z", timeZone: "Europe/Berlin" };

function event(part: PartProgress["part"], status: PartProgress["status"], detail?: string): PartProgress {
  return { meetingUuid: "u", chatId: 1, part, status, ...(detail ? { detail } : {}) };
}

function apply(...events: PartProgress[]): CardState {
  return events.reduce((s, e) => applyProgress(s, e, 1000), emptyCardState());
}

describe("renderMeetingCard", () => {
  it("shows the title in the chat's language and the Zoom user's zone, then one line per part", () => {
    const card = renderMeetingCard({
      state: apply(event("received", "done")),
      meeting,
      buttons: {},
      locale: "en",
      translator,
    });
    expect(card.text).toBe(
      [
        "🎥 Weekly sync · Mar 1, 2026, 10:00 AM GMT+1",
        "📥 Recording received",
        "🎧 Audio: waiting",
        "📝 Transcript: waiting",
        "🧠 Summary: waiting",
      ].join("\n"),
    );
    expect(card.keyboard).toEqual([]);
  });

  it("shows Zoom's chat file only once its delivery started, and waits for it before all done", () => {
    const render = (state: CardState) =>
      renderMeetingCard({ state, meeting, buttons: {}, locale: "en", translator }).text;
    const parts = [event("audio", "done"), event("transcript", "done"), event("summary", "done")];
    expect(render(apply(...parts))).not.toContain("💬");
    const working = apply(...parts, event("chat", "working"));
    expect(render(working)).toContain("🧠 Summary: ✓ done\n💬 Meeting chat: in progress…");
    expect(render(working)).not.toContain("All done");
    const done = apply(...parts, event("chat", "done"), event("chat", "working"));
    expect(render(done)).toContain("💬 Meeting chat: ✓ done");
    expect(render(done)).toContain("✅ All done");
    // Stored and read back with the rest of the card.
    expect(parseCardState(JSON.stringify(done)).chatFile).toEqual({ status: "done" });
  });

  it("walks received → downloading → uploading → audio ✓ → all done", () => {
    const render = (state: CardState) =>
      renderMeetingCard({
        state,
        meeting,
        buttons: { audioDeliveryId: 7, transcriptDeliveryId: 8 },
        locale: "en",
        translator,
      });
    const downloading = apply(event("audio", "working", "downloading"));
    expect(render(downloading).text).toContain("⬇️ Downloading from Zoom…\n🎧 Audio: in progress…");
    const uploading = apply(event("audio", "working", "uploading 2/3"));
    expect(render(uploading).text).toContain("⬆️ Sending to Telegram…");
    const audioDone = apply(event("audio", "done"));
    expect(render(audioDone).text).not.toMatch(/Downloading|Sending|All done/);
    expect(render(audioDone).text).toContain("🎧 Audio: ✓ done");
    const all = apply(event("audio", "done"), event("transcript", "done"), event("summary", "done"));
    const text = render(all).text;
    expect(text).toContain("✅ All done");
    expect(text).toContain("📝 Transcript: ✓ done");
    expect(render(all).keyboard).toEqual([
      [
        { text: "🔁 Resend audio", callback_data: "card:resend:7" },
        { text: "📄 Get transcript", callback_data: "card:transcript:8" },
      ],
    ]);
  });

  it("says what failed and why, in plain words, and never shows free text from a job", () => {
    const failed = apply(
      event("audio", "done"),
      event("transcript", "failed", "reason-recording-not-found"),
      event("summary", "failed", "ECONNRESET at socket 42"),
    );
    const text = renderMeetingCard({ state: failed, meeting, buttons: {}, locale: "en", translator }).text;
    expect(text).toContain("⚠️ Finished, but not everything could be delivered");
    expect(text).toContain(
      "📝 Transcript: ✗ failed: the recording was deleted in Zoom or can no longer be found",
    );
    expect(text).toContain("🧠 Summary: ✗ failed: an unexpected error occurred");
    expect(text).not.toContain("ECONNRESET");
  });

  it("renders German throughout with /language de (dates by Intl in the user's zone)", () => {
    const state = apply(
      event("audio", "done"),
      event("transcript", "unavailable"),
      event("summary", "waiting"),
    );
    const text = renderMeetingCard({
      state,
      meeting,
      buttons: { audioDeliveryId: 1 },
      locale: "de",
      translator,
    }).text;
    expect(text.split("\n")).toEqual([
      "🎥 Weekly sync · 01.03.2026, 10:00 MEZ",
      "⏳ Wartet, neuer Versuch später",
      "🎧 Audio: ✓ fertig",
      "📝 Transkript: nicht verfügbar",
      "🧠 Zusammenfassung: ⏳ wartet, neuer Versuch später",
    ]);
  });

  it("keeps a hostile topic on one line and never lets it reorder the card", () => {
    const card = renderMeetingCard({
      state: emptyCardState(),
      meeting: { topic: "a\u202Eevil\nline\ttwo\u0000 <b>", startTime: null, timeZone: null },
      buttons: {},
      locale: "en",
      translator,
    });
    expect(card.text.split("\n")[0]).toBe("🎥 aevil line two <b>");
  });

  it("names an untitled meeting and keeps callback data far under 64 bytes", () => {
    const card = renderMeetingCard({
      state: apply(event("audio", "failed", "reason-zoom-unreachable")),
      meeting: { topic: "   ", startTime: "not a date", timeZone: "Mars/Olympus" },
      buttons: { audioDeliveryId: Number.MAX_SAFE_INTEGER },
      locale: "en",
      translator,
    });
    expect(card.text.split("\n")[0]).toBe("🎥 Untitled meeting");
    for (const button of card.keyboard.flat()) {
      expect(Buffer.byteLength(button.callback_data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    }
  });
});

describe("card state", () => {
  it("never pulls a delivered part back to working (a duplicate or retried job)", () => {
    const state = apply(
      event("audio", "done"),
      event("audio", "working", "downloading"),
      event("audio", "pending"),
    );
    expect(state.parts.audio).toEqual({ status: "done" });
    // A settled state may still replace another settled one (e.g. a resend that failed).
    expect(applyProgress(state, event("audio", "failed", "reason-unknown"), 0).parts.audio.status).toBe(
      "failed",
    );
  });

  it("reads stored JSON leniently: garbage or unknown statuses start from waiting", () => {
    expect(parseCardState("{not json").parts.audio.status).toBe("pending");
    expect(parseCardState('{"parts":{"audio":{"status":"exploded"}}}').parts.audio.status).toBe("pending");
    const round = apply(event("received", "done"), event("summary", "failed", "reason-unknown"));
    expect(parseCardState(JSON.stringify(round))).toEqual(round);
  });
});

describe("a recording changed in Zoom", () => {
  const render = (state: CardState) =>
    renderMeetingCard({ state, meeting, buttons: {}, locale: "en", translator }).text;

  it("says it was trashed or deleted under the parts, and the meeting is not 'all done'", () => {
    const trashed = apply(
      event("audio", "done"),
      event("transcript", "unavailable"),
      event("summary", "unavailable"),
      event("zoom", "done", "trashed"),
    );
    const text = render(trashed);
    expect(text).toContain("⚠️ Finished, but not everything could be delivered");
    expect(text).not.toContain("All done");
    expect(
      text.endsWith(
        "\n\n🗑 The recording was moved to the trash in Zoom before it could be delivered; restore it in Zoom within 30 days to receive it.",
      ),
    ).toBe(true);
    expect(render(applyProgress(trashed, event("zoom", "done", "deleted"), 2000))).toContain(
      "deleted permanently in Zoom",
    );
  });

  it("replaces the line when it is restored, and keeps it across a stored round trip", () => {
    const recovered = apply(event("zoom", "done", "trashed"), event("zoom", "done", "recovered"));
    expect(render(recovered)).toContain(
      "The recording was restored in Zoom; what was missing is on its way.",
    );
    expect(render(recovered)).not.toContain("moved to the trash");
    expect(parseCardState(JSON.stringify(recovered)).zoom).toBe("recovered");
    // An unknown detail changes nothing.
    expect(apply(event("zoom", "done", "exploded")).zoom).toBeUndefined();
  });
});
