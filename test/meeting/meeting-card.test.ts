/**
 * The live meeting card against the fake Telegram and a real database: one card per meeting even
 * when jobs (and processes) report at once, edits paced per chat with the injected clock, no
 * edit for an unchanged text, and a card that cannot be edited replaced rather than duplicated.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMeetingCards } from "../../src/delivery/meeting-card.js";
import { insertMeetingIfNew } from "../../src/delivery/meeting-parts.repository.js";
import type { PartProgress } from "../../src/delivery/progress.js";
import { features } from "../../src/features.js";
import { type MeetingHarness, startMeetingHarness } from "./harness.js";

let bench: MeetingHarness;
const UUID = "card/+uuid==";

beforeEach(async () => {
  bench = await startMeetingHarness({ features: features.filter((f) => f.name === "delivery") });
  await insertMeetingIfNew(bench.app.services.db.kysely, {
    meeting: { uuid: UUID, id: "81234567890", topic: "Weekly sync", start_time: "2026-03-01T09:00:00Z" },
    zoomUserId: bench.user.id,
    now: bench.clock.now(),
  });
});
afterEach(async () => {
  await bench.close();
});

const ev = (
  part: PartProgress["part"],
  status: PartProgress["status"],
  detail?: string,
  meetingUuid = UUID,
) => ({
  meetingUuid,
  chatId: bench.chatId,
  part,
  status,
  ...(detail ? { detail } : {}),
});
const publish = (...args: Parameters<typeof ev>) => bench.app.services.progress.publish(ev(...args));
const cardRow = () =>
  bench.app.services.db.kysely
    .selectFrom("meeting_cards")
    .selectAll()
    .where("meeting_uuid", "=", UUID)
    .executeTakeFirstOrThrow();
const sendsOfCards = () =>
  bench.tg.sent.filter((s) => s.method === "sendMessage" && /^🎥 /.test(s.text ?? ""));

describe("meeting card", () => {
  it("sends one card on the first event and edits it on settled parts, rendering the whole state", async () => {
    await publish("received", "done");
    expect(bench.cards()).toHaveLength(1);
    const card = bench.cards()[0]!;
    expect(card.text).toBe(
      "🎥 Weekly sync · Mar 1, 2026, 10:00 AM GMT+1\n📥 Recording received\n🎧 Audio: waiting\n📝 Transcript: waiting\n🧠 Summary: waiting",
    );
    expect(bench.tg.sent[0]?.fields.disable_notification).toBe("true");

    await publish("audio", "done");
    await publish("transcript", "done");
    await publish("summary", "done");
    const [only] = bench.cards();
    expect(bench.cards()).toHaveLength(1);
    expect(only?.edits.map((e) => e.text?.split("\n").slice(1, 2)[0])).toEqual([
      "🎧 Audio: ✓ done",
      "🎧 Audio: ✓ done",
      "✅ All done",
    ]);
    expect(only?.text).toContain("🧠 Summary: ✓ done");
    const row = await cardRow();
    expect(row.last_text).toBe(only?.text);
    expect(Number(row.message_id)).toBe(only?.messageId);
  });

  it("paces edits to one per 3 s per chat, coalescing bursts; settled parts edit at once", async () => {
    await publish("received", "done");
    const card = () => bench.cards()[0]!;
    bench.clock.advance(500);
    await publish("audio", "working", "downloading");
    bench.clock.advance(500);
    await publish("audio", "working", "uploading 1/2");
    bench.clock.advance(500);
    await publish("audio", "working", "uploading 2/2");
    expect(card().edits).toHaveLength(0); // inside the window: stored, not shown yet
    await bench.drain(); // the refresh is not due yet
    expect(card().edits).toHaveLength(0);

    bench.clock.advance(1500); // 3 s after the card was sent
    await bench.drain();
    expect(card().edits).toHaveLength(1);
    expect(card().text).toContain("⬆️ Sending to Telegram…");

    bench.clock.advance(100);
    await publish("audio", "done"); // settled: edits at once, despite the window
    expect(card().edits).toHaveLength(2);
    expect(card().text).toContain("🎧 Audio: ✓ done");

    // Another meeting in the same chat shares the chat's pace.
    await insertMeetingIfNew(bench.app.services.db.kysely, {
      meeting: { uuid: "other", id: "1", topic: "Other", start_time: "2026-03-01T11:00:00Z" },
      zoomUserId: bench.user.id,
      now: bench.clock.now(),
    });
    await publish("received", "done", undefined, "other");
    bench.clock.advance(1000);
    await publish("audio", "working", "downloading", "other");
    const other = () => bench.cards().find((m) => m.text?.includes("Other"))!;
    expect(other().edits).toHaveLength(0);
    bench.clock.advance(2000);
    await bench.drain();
    expect(other().edits).toHaveLength(1);
    expect(bench.tg.calls.filter((c) => c.method === "editMessageText" && c.status !== 200)).toEqual([]);
  });

  it("does not edit when the rendered text is unchanged", async () => {
    await publish("received", "done");
    bench.clock.advance(5000);
    await publish("received", "done");
    await publish("audio", "pending");
    bench.clock.advance(5000);
    await bench.drain();
    expect(bench.cards()[0]?.edits).toEqual([]);
    expect(bench.tg.calls.filter((c) => c.method === "editMessageText")).toEqual([]);
  });

  it("creates exactly one card when two processes report the same meeting at the same moment", async () => {
    // Two card services = two worker processes: each has its own in-process queue, so only the
    // database (insert-or-ignore, then the creation claim) keeps them from both sending a card.
    const a = createMeetingCards(bench.app.services);
    const b = createMeetingCards(bench.app.services);
    await Promise.all([
      a.onProgress(ev("received", "done")),
      b.onProgress(ev("transcript", "working")),
      a.onProgress(ev("audio", "working", "downloading")),
      b.onProgress(ev("summary", "pending")),
    ]);
    expect(sendsOfCards()).toHaveLength(1);
    bench.clock.advance(3000);
    await bench.drain();
    expect(bench.cards()).toHaveLength(1);
    // Whatever the interleaving, the card ends up showing every stored part.
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: in progress…");
    expect(bench.cards()[0]?.text).toContain("⬇️ Downloading from Zoom…");
  });

  it("replaces a deleted card once, even when two processes notice at the same time", async () => {
    await publish("received", "done");
    const first = bench.cards()[0]!.messageId;
    await bench.app.services.telegram.deleteMessage(bench.chatId, first);
    const a = createMeetingCards(bench.app.services);
    const b = createMeetingCards(bench.app.services);
    await Promise.all([a.onProgress(ev("audio", "done")), b.onProgress(ev("transcript", "done"))]);
    expect(sendsOfCards()).toHaveLength(2); // the original and exactly one replacement
    const cards = bench.cards();
    expect(cards).toHaveLength(1);
    expect(cards[0]?.messageId).not.toBe(first);
    expect(Number((await cardRow()).message_id)).toBe(cards[0]?.messageId);
    bench.clock.advance(3000);
    await bench.drain();
    expect(bench.cards()[0]?.text).toContain("🎧 Audio: ✓ done");
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: ✓ done");
  });

  it("replaces a card Telegram will no longer edit and removes the stale one", async () => {
    await publish("received", "done");
    const first = bench.cards()[0]!.messageId;
    bench.tg.inject("editMessageText", {
      kind: "status",
      status: 400,
      description: "Bad Request: message can't be edited",
    });
    await publish("audio", "done");
    const cards = bench.cards();
    expect(cards).toHaveLength(1);
    expect(cards[0]?.messageId).not.toBe(first);
    expect(cards[0]?.text).toContain("🎧 Audio: ✓ done");
  });

  it("waits as long as Telegram asks after a 429, then shows the latest state", async () => {
    await publish("received", "done");
    bench.tg.inject("editMessageText", { kind: "429", retryAfter: 7 });
    await publish("audio", "done");
    expect(bench.cards()[0]?.edits).toHaveLength(0);
    bench.clock.advance(6000);
    await bench.drain();
    expect(bench.cards()[0]?.edits).toHaveLength(0);
    bench.clock.advance(1000);
    await bench.drain();
    expect(bench.cards()[0]?.edits).toHaveLength(1);
    expect(bench.cards()[0]?.text).toContain("🎧 Audio: ✓ done");
  });

  it("retries the first send after a failure instead of never showing a card", async () => {
    bench.tg.inject("sendMessage", { kind: "500" });
    await publish("received", "done");
    expect(bench.cards()).toHaveLength(0);
    bench.clock.advance(10_000);
    await bench.drain();
    expect(bench.cards()).toHaveLength(1);
  });
});
