/**
 * /import through the fakes: past recordings of a period are listed month by month (one month per
 * request, every page), the ones the chat already has are skipped, the rest are delivered oldest
 * first through the normal pipeline (same card, same de-duplication), with one progress message
 * edited in place. A second /import while one runs is refused, the cancel button stops the run,
 * groups need an admin, a 429 waits as Zoom says, and a run carries on after a crash or an expired
 * page token.
 */
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { findActiveBackfillRun, findBackfillRun } from "../../src/backfill/backfill.repository.js";
import { BACKFILL_STEP_JOB } from "../../src/backfill/backfill-jobs.js";
import { runBackfillStep } from "../../src/backfill/backfill-step.job.js";
import type { Job } from "../../src/jobs/queue.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { type OpsHarness as OpsBench, startOpsHarness as startOpsBench } from "../ops/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { closeAfterEachTest, testAudioForFile } from "../support/each-test.js";

const CHAT = 4242;
const audio = testAudioForFile({ seconds: 4, bitrateKbps: 48 });

const closeAfterTest = closeAfterEachTest<OpsBench>();

async function setup(): Promise<{ b: OpsBench; user: ZoomUser }> {
  const b = closeAfterTest(await startOpsBench());
  const user = b.zoom.addUser({ email: "host@example.com", timezone: "UTC" });
  await b.connect({ user, chatId: CHAT });
  return { b, user };
}

function addMeeting(b: OpsBench, user: ZoomUser, uuid: string, start: string) {
  return b.zoom.addMeeting({
    uuid,
    hostUserId: user.id,
    topic: `Topic ${uuid}`,
    start_time: start,
    duration: 30,
    files: [{ file_type: "M4A", recording_type: "audio_only", path: audio() }],
  });
}

async function send(b: OpsBench, text: string, from = CHAT, chatId = CHAT) {
  await b.app.bot.handleUpdate(b.tg.userSends({ chatId, from, text }) as unknown as Update);
}

async function press(b: OpsBench, messageId: number, data: string, from = CHAT, chatId = CHAT) {
  await b.app.bot.handleUpdate(b.tg.userPresses({ chatId, from, messageId, data }) as unknown as Update);
}

const ALL_KINDS = [BACKFILL_STEP_JOB, "deliver-recording", "deliver-transcript", "meeting-card-refresh"];

/** Audio topics in the order they reached the chat. */
const deliveredTopics = (b: OpsBench) =>
  b.tg.sent
    .filter((s) => s.method === "sendAudio" && s.chatId === CHAT)
    .map((s) => /Topic (\S+)/.exec(s.caption ?? "")?.[1]);

const progressMessage = (b: OpsBench) =>
  b.tg.messages(CHAT).find((m) => m.edits.length > 0 && /Import|📥|✅|⏹/.test(m.text ?? ""));

/** Drives a run's steps by hand (page size 2, so every month has pages) with deliveries in between. */
async function driveByHand(
  b: OpsBench,
  runId: number,
  options: { pageSize?: number; maxSteps?: number } = {},
) {
  // The worker's own step job stays out of the way.
  await b.app.services.db.kysely
    .updateTable("jobs")
    .set({ state: "cancelled" })
    .where("kind", "=", BACKFILL_STEP_JOB)
    .execute();
  const job = { attempts: 1 } as Job;
  for (let step = 0; step < (options.maxSteps ?? 200); step++) {
    const outcome = await runBackfillStep(
      b.app.services,
      runId,
      { signal: new AbortController().signal, job },
      { pageSize: options.pageSize ?? 2 },
    );
    await b.settle(["deliver-recording"], 100);
    if (!outcome) return step;
    b.clock.set(Math.max(b.clock.now(), outcome.rescheduleAt));
  }
  return undefined;
}

describe(`/import on ${TEST_DIALECT}`, () => {
  it("delivers a period's past recordings oldest first, skipping what the chat has, one month per list call", async () => {
    const { b, user } = await setup();
    const uuids = [
      ["nov-a==", "2025-11-03T09:00:00Z"],
      ["nov-b==", "2025-11-20T09:00:00Z"],
      ["nov-c==", "2025-11-25T09:00:00Z"],
      ["dec-a==", "2025-12-10T09:00:00Z"],
      ["dec-b==", "2025-12-31T23:00:00Z"],
      ["jan-a==", "2026-01-05T09:00:00Z"],
      ["oct-x==", "2025-10-30T09:00:00Z"], // before the period
    ].map(([uuid, start]) => addMeeting(b, user, uuid!, start!).uuid);
    // One the chat already received through its webhook.
    expect((await b.post(b.zoom.buildEvent("recording.completed", "dec-a=="))).status).toBe(200);
    await b.settle();
    expect(deliveredTopics(b)).toEqual(["dec-a=="]);

    await send(b, "/import 2025-11-01 2026-01-14");
    const run = await findActiveBackfillRun(b.app.services.db.kysely, CHAT);
    expect(run).toMatchObject({ fromDay: "2025-11-01", toDay: "2026-01-14", state: "listing" });
    expect(await driveByHand(b, run!.id)).toBeDefined();

    expect(deliveredTopics(b)).toEqual(["dec-a==", "nov-a==", "nov-b==", "nov-c==", "dec-b==", "jan-a=="]);
    expect(uuids).toContain("oct-x==");
    // Listed month by month, every range at most a month, pages followed.
    const lists = b.zoom.requests.filter((r) => r.route === "list_recordings");
    const ranges = lists.map((r) => {
      const q = new URL(r.path, "http://x").searchParams;
      return [q.get("from"), q.get("to"), q.has("next_page_token")];
    });
    expect(ranges).toEqual([
      ["2025-11-01", "2025-11-30", false],
      ["2025-11-01", "2025-11-30", true],
      ["2025-12-01", "2025-12-31", false],
      ["2026-01-01", "2026-01-14", false],
    ]);
    // The same card and pipeline as a webhook: one audio per meeting, the audit row says why.
    const audit = await b.app.services.db.kysely
      .selectFrom("webhook_events")
      .select(["meeting_uuid", "request_id", "payload"])
      .where("request_id", "=", `backfill:${run!.id}`)
      .execute();
    expect(audit.map((a) => a.meeting_uuid).sort()).toEqual([
      "dec-b==",
      "jan-a==",
      "nov-a==",
      "nov-b==",
      "nov-c==",
    ]);
    for (const a of audit) expect(a.payload).not.toMatch(/password|passcode|pwd=|download_access_token/);

    const progress = progressMessage(b);
    expect(progress?.text).toContain("✅ Import finished (2025-11-01 – 2026-01-14).");
    expect(progress?.text).toContain("Found: 6 · Delivered: 5 · Skipped (already here): 1");
    expect(progress?.replyMarkup).toEqual({ inline_keyboard: [] });
    expect((await findBackfillRun(b.app.services.db.kysely, run!.id))?.state).toBe("done");
    // A finished run forgets which meetings it found.
    const items = await b.app.services.db.kysely.selectFrom("backfill_items").selectAll().execute();
    expect(items).toEqual([]);

    // Again: everything is skipped, nothing is sent twice.
    await send(b, "/import 2025-11-01 2026-01-14");
    await b.settle(ALL_KINDS, 400);
    expect(deliveredTopics(b)).toHaveLength(6);
    expect(b.tg.messages(CHAT).at(-1)?.text).toContain("Found: 6 · Delivered: 0 · Skipped (already here): 6");
  });

  it("runs through the worker, paced, and a second /import while it runs says so", async () => {
    const { b, user } = await setup();
    addMeeting(b, user, "one==", "2025-12-01T10:00:00Z");
    addMeeting(b, user, "two==", "2025-12-02T10:00:00Z");
    await send(b, "/import 60d");
    const first = b.tg.messages(CHAT).at(-1);
    expect(first?.text).toContain("📥 Importing recordings from 2025-11-17 to 2026-01-15");
    expect(first?.replyMarkup).toMatchObject({ inline_keyboard: [[{ text: "⏹ Cancel import" }]] });

    await send(b, "/import 30d");
    expect(b.tg.messages(CHAT).at(-1)?.text).toContain(
      "An import is already running in this chat (2025-11-17 – 2026-01-15)",
    );

    const startedAt = b.clock.now();
    await b.settle(ALL_KINDS, 400);
    expect(deliveredTopics(b)).toEqual(["one==", "two=="]);
    // Steps are paced: two one-month list calls at least a second apart.
    const lists = b.zoom.requests.filter((r) => r.route === "list_recordings").map((r) => r.at);
    expect(lists).toHaveLength(2);
    for (let i = 1; i < lists.length; i++) expect(lists[i]! - lists[i - 1]!).toBeGreaterThanOrEqual(1000);
    expect(b.clock.now()).toBeGreaterThan(startedAt);
    expect(b.tg.messages(CHAT).find((m) => m.messageId === first?.messageId)?.text).toContain(
      "Found: 2 · Delivered: 2",
    );
    expect(await findActiveBackfillRun(b.app.services.db.kysely, CHAT)).toBeUndefined();
  });

  it("the cancel button stops the run; nothing more is queued", async () => {
    const { b, user } = await setup();
    for (const [i, day] of ["05", "06", "07"].entries())
      addMeeting(b, user, `c${i}==`, `2025-12-${day}T10:00:00Z`);
    await send(b, "/import 2025-12-01 2025-12-31");
    const message = b.tg.messages(CHAT).at(-1)!;
    const run = await findActiveBackfillRun(b.app.services.db.kysely, CHAT);
    // List, then the first meeting is queued and delivered.
    await driveByHand(b, run!.id, { maxSteps: 3 });
    expect(deliveredTopics(b)).toEqual(["c0=="]);

    await press(b, message.messageId, `bf:cancel:${run!.id}`);
    expect(b.tg.callbackAnswers.at(-1)?.text).toBe("Import cancelled.");
    const shown = b.tg.messages(CHAT).find((m) => m.messageId === message.messageId);
    expect(shown?.text).toContain("⏹ Import cancelled (2025-12-01 – 2025-12-31)");
    expect(shown?.replyMarkup).toEqual({ inline_keyboard: [] });
    expect(await driveByHand(b, run!.id)).toBe(0);
    expect(deliveredTopics(b)).toEqual(["c0=="]);
    // A second press: nothing to cancel. A new /import may start.
    await press(b, message.messageId, `bf:cancel:${run!.id}`);
    expect(b.tg.callbackAnswers.at(-1)?.text).toBe("There is no import to cancel.");
    await send(b, "/import 2025-12-01 2025-12-31");
    expect(await findActiveBackfillRun(b.app.services.db.kysely, CHAT)).toBeDefined();
  });

  it("in a group only an admin may import or cancel; bad arguments and no connection are explained", async () => {
    const b = closeAfterTest(await startOpsBench());
    const user = b.zoom.addUser({ email: "host@example.com" });
    const GROUP = -100500;
    await b.connect({ user, chatId: GROUP, telegramUserId: 7 });
    b.tg.addUser({ id: 8, first_name: "Member" });
    await send(b, "/import 30d", 8, GROUP);
    expect(b.tg.messages(GROUP).at(-1)?.text).toBe(
      "Only admins of this group can do that. Please ask a group admin to send the command.",
    );
    await send(b, "/import yesterday", 7, GROUP);
    expect(b.tg.messages(GROUP).at(-1)?.text).toContain("How to import past recordings");
    await send(b, "/import 2025-02-30", 7, GROUP);
    expect(b.tg.messages(GROUP).at(-1)?.text).toContain("That date does not exist");
    await send(b, "/import 30d", 7, GROUP);
    const run = await findActiveBackfillRun(b.app.services.db.kysely, GROUP);
    expect(run).toBeDefined();
    const message = b.tg.messages(GROUP).at(-1)!;
    await press(b, message.messageId, `bf:cancel:${run!.id}`, 8, GROUP);
    expect(b.tg.callbackAnswers.at(-1)).toMatchObject({ showAlert: true });
    expect((await findBackfillRun(b.app.services.db.kysely, run!.id))?.state).toBe("listing");
    // A button of another chat's run does nothing here.
    b.tg.addChat({ id: 99, type: "private", first_name: "Else" });
    await send(b, "/import 30d", 99, 99);
    expect(b.tg.messages(99).at(-1)?.text).toContain("not connected to Zoom yet");
    await press(b, 1, `bf:cancel:${run!.id}`, 99, 99);
    expect((await findBackfillRun(b.app.services.db.kysely, run!.id))?.state).toBe("listing");
  });

  it("carries on after a crash and after its page token expired, delivering each meeting once", async () => {
    const { b, user } = await setup();
    for (const [i, day] of ["03", "04", "05", "06", "07"].entries())
      addMeeting(b, user, `r${i}==`, `2025-12-${day}T10:00:00Z`);
    await send(b, "/import 2025-12-01 2025-12-31");
    const run = (await findActiveBackfillRun(b.app.services.db.kysely, CHAT))!;
    // First page listed, then the process "dies" for 20 minutes: the stored page token expired.
    await driveByHand(b, run.id, { maxSteps: 1 });
    expect((await findBackfillRun(b.app.services.db.kysely, run.id))?.pageToken).toBeTruthy();
    b.clock.advance(20 * 60_000);
    // And a meeting was left mid-ingest by a crash after its deliveries were created.
    await driveByHand(b, run.id, { maxSteps: 6 });
    await b.app.services.db.kysely
      .updateTable("backfill_items")
      .set({ state: "ingesting" })
      .where("run_id", "=", run.id)
      .where("meeting_uuid", "=", "r0==")
      .execute();
    // The worker's job, left active by the dead process, is taken over once its lease expired.
    await b.app.services.db.kysely
      .updateTable("jobs")
      .set({ state: "active", locked_by: "dead-worker", lease_expires_at: b.clock.now() - 1 })
      .where("kind", "=", BACKFILL_STEP_JOB)
      .execute();
    await b.settle(ALL_KINDS, 400);

    expect(deliveredTopics(b)).toEqual(["r0==", "r1==", "r2==", "r3==", "r4=="]);
    const refused = b.zoom.requests.filter(
      (r) => r.route === "list_recordings" && r.path.includes("next_page_token"),
    );
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect((await findBackfillRun(b.app.services.db.kysely, run.id))?.state).toBe("done");
    expect(progressMessage(b)?.text).toContain("Found: 5 · Delivered: 5 · Skipped (already here): 0");
  });

  it("waits as long as Zoom's 429 says, without spending attempts", async () => {
    const { b, user } = await setup();
    addMeeting(b, user, "slow==", "2025-12-03T10:00:00Z");
    b.zoom.inject("list_recordings", { kind: "status", status: 429, retryAfter: "120" }, 3);
    await send(b, "/import 2025-12-01 2025-12-31");
    const before = b.clock.now();
    await b.settle(ALL_KINDS, 400);
    expect(deliveredTopics(b)).toEqual(["slow=="]);
    const lists = b.zoom.requests.filter((r) => r.route === "list_recordings").map((r) => r.at);
    expect(lists).toHaveLength(4);
    expect(lists[3]! - before).toBeGreaterThanOrEqual(3 * 120_000);
    const job = await b.app.services.db.kysely
      .selectFrom("jobs")
      .select(["state", "attempts"])
      .where("kind", "=", BACKFILL_STEP_JOB)
      .executeTakeFirst();
    expect(job).toMatchObject({ state: "completed", attempts: 1 });
  });
});
