/**
 * Fault matrix, Telegram's side (issue #9 §2): 429, 413, 403, `migrate_to_chat_id`, 5xx and an
 * upload that hangs. One test per row, through the real app and the fakes, each ending in a
 * delivery or a plain message (or, for a chat that blocked the bot, a paused chat and an
 * operator alert); test/fault/matrix.ts checks the rest.
 */
import { describe, expect, it } from "vitest";
import { findChat } from "../../src/telegram/chat.repository.js";
import { TEST_DIALECT } from "../support/db.js";
import { addRecording } from "../support/recordings.js";
import {
  announce,
  announceAndFinish,
  announceUntilDead,
  announceUntilRetry,
  expectDeliveredOnce,
  finish,
  recordingJobs,
  rowsForEachTest,
  settle,
  settleAndFinish,
} from "./matrix.js";

const startRow = rowsForEachTest();

describe(`fault matrix: Telegram (${TEST_DIALECT})`, () => {
  it("Telegram 429: waits retry_after, then delivers once", async () => {
    const row = await startRow();
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "429", retryAfter: 90 }, 2);
    const { job, startedAt } = await announceUntilRetry(row);
    expect(Number(job?.run_at)).toBeGreaterThanOrEqual(startedAt + 90_000);
    const out = await settleAndFinish(row);
    expectDeliveredOnce(out);
    expect(h.tg.calls.filter((c) => c.method === "sendAudio" && c.status === 429)).toHaveLength(2);
  });

  it("Telegram 413: the next rung (a smaller re-encode) is delivered; the refused file is never sent again", async () => {
    const row = await startRow();
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "413" }, 1);
    const out = await announceAndFinish(row);
    expectDeliveredOnce(out);
    expect(out.uploads[0]?.files[0]?.sha256).not.toBe(row.audioSha);
    const rung = JSON.parse(out.deliveries[0]?.detail ?? "{}") as { rung?: string; attempted?: string[] };
    expect(rung.rung).toBe("transcode");
    expect(rung.attempted).toEqual(["direct"]);
    expect(h.tg.calls.filter((c) => c.method === "sendAudio")).toHaveLength(2);
  });

  it("Telegram 413 on every rung: ends with Zoom's link and the reason, not a loop", async () => {
    const row = await startRow();
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "413" }, 1000);
    const out = await announceAndFinish(row);
    expect(out.uploads).toHaveLength(0);
    const rung = JSON.parse(out.deliveries[0]?.detail ?? "{}") as { rung?: string };
    expect(rung.rung).toBe("link");
    const share = row.meeting.share_url;
    expect(out.texts.some((t) => t.includes(share))).toBe(true);
    // direct, transcode, split: each refused once, none retried.
    expect(h.tg.calls.filter((c) => c.method === "sendAudio" && c.status === 413).length).toBeLessThanOrEqual(
      3,
    );
  });

  it("Telegram 403 (bot blocked): the chat is paused at once, no retry storm, the operator hears of it", async () => {
    const row = await startRow({ env: { ADMIN_CHAT_ID: "-100999" } });
    const { h } = row;
    h.tg.addChat({ id: -100999, type: "supergroup", title: "Ops" });
    h.tg.inject("sendAudio", { kind: "403" }, 1000);
    await announce(row);
    await settle(h);
    await h.app.services.alerts.settle();
    const out = await finish(row);
    expect(out.uploads).toHaveLength(0);
    expect((await findChat(h.db.kysely, row.chatId))?.status).toBe("paused");
    expect(h.tg.calls.filter((c) => c.method === "sendAudio")).toHaveLength(1);
    const [job] = await recordingJobs(row);
    expect(job?.attempts).toBe(1);
    expect(h.tg.sent.some((s) => s.chatId === -100999 && /deliver-recording/.test(s.text ?? ""))).toBe(true);
    // The next recording for that chat does not even try Telegram.
    addRecording(h.zoom, row.user, { uuid: "fault/second==", topic: "Next", audio: row.audioPath });
    expect((await h.postZoomWebhook(h.zoom.buildEvent("recording.completed", "fault/second=="))).status).toBe(
      200,
    );
    await settle(h);
    expect(h.tg.calls.filter((c) => c.method === "sendAudio")).toHaveLength(1);
  });

  it("400 migrate_to_chat_id: the chat moves and the recording is delivered in the supergroup", async () => {
    const row = await startRow({ chatId: -4001 });
    const { h } = row;
    h.tg.migrateChat(-4001, -1004001);
    await announce(row);
    const out = await settleAndFinish(row, [-4001, -1004001]);
    expectDeliveredOnce(out);
    expect(out.uploads[0]?.chatId).toBe(-1004001);
    expect((await findChat(h.db.kysely, -4001))?.status).toBe("migrated");
    const connection = await h.db.kysely.selectFrom("zoom_connections").select("chat_id").executeTakeFirst();
    expect(Number(connection?.chat_id)).toBe(-1004001);
  });

  it("Telegram 5xx: backs off, sends the whole file again, delivers once", async () => {
    const row = await startRow();
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "500" }, 2);
    const out = await announceAndFinish(row);
    expectDeliveredOnce(out);
    // Every attempt carried the whole file.
    const tries = h.tg.calls.filter((c) => c.method === "sendAudio");
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((c) => c.bytesReceived)).size).toBe(1);
  });

  it("Telegram 5xx that never ends: bounded attempts, then the chat is told", async () => {
    const row = await startRow();
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "500" }, 1000);
    await announceUntilDead(row, "reason-telegram-unreachable");
  });

  it("a hung upload: the job's deadline aborts it, the retry delivers once", async () => {
    // The deadline is real time (the worker's timer): long enough for a normal attempt under load.
    const row = await startRow({ env: { JOB_TIMEOUT_SECONDS: "3" } });
    const { h } = row;
    h.tg.inject("sendAudio", { kind: "hang" }, 1);
    const out = await announceAndFinish(row);
    expectDeliveredOnce(out);
    const [job] = await recordingJobs(row);
    expect(job?.attempts).toBeGreaterThanOrEqual(2);
    expect(job?.last_error).toMatch(/^job\.timeout/);
    expect(h.tg.calls.filter((c) => c.method === "sendAudio" && c.fault === "hang")).toHaveLength(1);
  });
});
