/**
 * The bot side of issue #3 through the fakes: /start, /help, /status (live users/me, recent
 * deliveries, pending jobs), /disconnect (confirm, revoke seen by the fake Zoom, local deletion
 * even when Zoom is unreachable), deauthorization (data gone at once, chat told, idempotent),
 * /language, the command menu, and webhook mode's secret header.
 */
import type { Update } from "grammy/types";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { deauthorizeZoomUser } from "../../src/connect/deauthorize.js";
import { SUPPORTED_LOCALES } from "../../src/i18n/locales.js";
import { testConfig } from "../support/config.js";
import { type ConnectHarness, seedConnection, startConnectHarness } from "./harness.js";

let bench: ConnectHarness | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

const ADA = { id: 1001, first_name: "Ada", language_code: "en" };
const GROUP = -100777;
const BOB = 2002;

async function setup(options: { connected?: boolean; expired?: boolean } = {}) {
  bench = await startConnectHarness();
  const b = bench;
  const user = b.zoom.addUser({ email: "ada@example.com", timezone: "Europe/Berlin" });
  b.tg.addUser(ADA);
  b.tg.addUser({ id: BOB, first_name: "Bob" });
  b.tg.addChat({ id: ADA.id, type: "private", first_name: "Ada" });
  b.tg.addChat({ id: GROUP, type: "supergroup", title: "Team", admins: [ADA.id], members: [ADA.id, BOB] });
  if (options.connected) {
    await seedConnection(b, {
      user,
      chatId: ADA.id,
      telegramUserId: ADA.id,
      expired: options.expired ?? false,
    });
  }
  return { b, user };
}

async function send(b: ConnectHarness, chatId: number, from: number, text: string) {
  await b.app.bot.handleUpdate(b.tg.userSends({ chatId, from, text }) as unknown as Update);
}

async function press(b: ConnectHarness, chatId: number, from: number, messageId: number, data: string) {
  await b.app.bot.handleUpdate(b.tg.userPresses({ chatId, from, messageId, data }) as unknown as Update);
}

const lastText = (b: ConnectHarness, chatId: number) => b.tg.messages(chatId).at(-1)?.text;

function buttons(
  b: ConnectHarness,
  chatId: number,
): Array<{ text: string; callback_data?: string; url?: string }> {
  const markup = b.tg.messages(chatId).at(-1)?.replyMarkup as
    | { inline_keyboard: Array<Array<{ text: string; callback_data?: string }>> }
    | undefined;
  return markup?.inline_keyboard.flat() ?? [];
}

/** A meeting of the user with one delivery of each state of interest, a card, an event, and jobs. */
async function seedUserData(b: ConnectHarness, zoomUserId: string, meetingUuid: string, chatId: number) {
  const db = b.app.services.db.kysely;
  const now = b.clock.now();
  await db
    .insertInto("meetings")
    .values({
      meeting_uuid: meetingUuid,
      zoom_user_id: zoomUserId,
      meeting_number: "123",
      topic: `Weekly sync ${meetingUuid}`,
      start_time: "2026-01-14T09:00:00Z",
      timezone: "Europe/Berlin",
      duration_minutes: 30,
      host_email: "ada@example.com",
      share_url: null,
      summary_text: null,
      summary_source: null,
      received_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto("recordings")
    .values({
      meeting_uuid: meetingUuid,
      file_id: "f1",
      file_type: "M4A",
      recording_type: "audio_only",
      file_extension: "M4A",
      file_size: 1000,
      status: "completed",
      recording_start: null,
      recording_end: null,
      play_url: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const [fileId, state] of [
    ["f1", "delivered"],
    ["transcript", "pending"],
  ] as const) {
    await db
      .insertInto("deliveries")
      .values({
        meeting_uuid: meetingUuid,
        file_id: fileId,
        chat_id: chatId,
        kind: fileId === "f1" ? "audio" : "transcript",
        state,
        detail: null,
        message_ids: null,
        telegram_file_id: null,
        bytes: null,
        attempts: 0,
        last_error: null,
        requested_at: now,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  await db
    .insertInto("meeting_cards")
    .values({
      meeting_uuid: meetingUuid,
      chat_id: chatId,
      message_id: 5,
      state: "{}",
      last_text: null,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto("webhook_events")
    .values({
      received_at: now,
      event: "recording.completed",
      meeting_uuid: meetingUuid,
      zoom_user_id: zoomUserId,
      request_id: null,
      result: "accepted",
      download_token_enc: null,
      payload: "{}",
    })
    .execute();
  for (const state of ["queued", "retry", "completed"] as const) {
    await db
      .insertInto("jobs")
      .values({
        kind: "deliver-recording",
        payload: JSON.stringify({ meetingUuid, chatId, zoomUserId, requestedAt: now }),
        state,
        priority: 0,
        attempts: 0,
        max_attempts: 8,
        run_at: now,
        locked_by: null,
        lease_expires_at: null,
        last_error: null,
        dedupe_key: `${meetingUuid}:${state}`,
        created_at: now,
        updated_at: now,
        finished_at: null,
      })
      .execute();
  }
}

async function countRows(b: ConnectHarness, meetingUuid: string) {
  const db = b.app.services.db.kysely;
  const n = async (q: Promise<unknown[]>) => (await q).length;
  return {
    meetings: await n(
      db.selectFrom("meetings").select("id").where("meeting_uuid", "=", meetingUuid).execute(),
    ),
    recordings: await n(
      db.selectFrom("recordings").select("id").where("meeting_uuid", "=", meetingUuid).execute(),
    ),
    deliveries: await n(
      db.selectFrom("deliveries").select("id").where("meeting_uuid", "=", meetingUuid).execute(),
    ),
    cards: await n(
      db.selectFrom("meeting_cards").select("chat_id").where("meeting_uuid", "=", meetingUuid).execute(),
    ),
    events: await n(
      db.selectFrom("webhook_events").select("id").where("meeting_uuid", "=", meetingUuid).execute(),
    ),
    jobs: (await db.selectFrom("jobs").select(["state", "payload"]).orderBy("id").execute())
      .filter((j) => j.payload.includes(meetingUuid))
      .map((j) => j.state),
  };
}

describe("/start and /help", () => {
  it("/start says what Zoomgram does and how to begin, or whom the chat is connected as", async () => {
    const { b } = await setup();
    await send(b, ADA.id, ADA.id, "/start");
    expect(lastText(b, ADA.id)).toContain("send /connect");
    await seedConnection(b, {
      user: b.zoom.addUser({ email: "x@example.com" }),
      chatId: ADA.id,
      telegramUserId: ADA.id,
    });
    await send(b, ADA.id, ADA.id, "/start");
    expect(lastText(b, ADA.id)).toContain("connected to Zoom as x@example.com");
    await send(b, ADA.id, ADA.id, "/help");
    expect(lastText(b, ADA.id)).toContain("/disconnect — stop deliveries and disconnect Zoom");
  });
});

describe("/status", () => {
  it("not connected: says so and how to connect", async () => {
    const { b } = await setup();
    await send(b, ADA.id, ADA.id, "/status");
    expect(lastText(b, ADA.id)).toBe(
      "This chat isn't connected to Zoom yet. Send /connect to connect your Zoom account, and your cloud recordings will arrive here.",
    );
  });

  it("connected: email, since when, a live users/me with latency, recent deliveries, pending jobs", async () => {
    const { b, user } = await setup({ connected: true, expired: true });
    await seedUserData(b, user.id, "meeting-1", ADA.id);
    await send(b, ADA.id, ADA.id, "/status");
    const text = lastText(b, ADA.id) ?? "";
    expect(text).toContain("📊 Zoomgram status");
    expect(text).toContain("🔗 Connected to Zoom as ada@example.com");
    expect(text).toContain("📅 Connected since Jan 15, 2026, 1:00 PM GMT+1");
    expect(text).toMatch(/🟢 Zoom is reachable \(\d+ ms\)/);
    expect(text).toContain("• Weekly sync meeting-1 — Jan 14, 2026, 10:00 AM GMT+1 — delivered");
    expect(text).toContain("• Weekly sync meeting-1 — Jan 14, 2026, 10:00 AM GMT+1 — received");
    expect(text).toContain("⏳ 2 tasks are waiting in the queue.");
    // The live check really went to Zoom (after refreshing the expired token once).
    expect(b.zoom.requests.filter((r) => r.route === "users_me")).toHaveLength(1);
    expect(b.zoom.stats.refreshes).toBe(1);
  });

  it("says when Zoom can't be reached right now", async () => {
    const { b } = await setup({ connected: true });
    b.zoom.inject("users_me", { kind: "status", status: 503 });
    await send(b, ADA.id, ADA.id, "/status");
    const text = lastText(b, ADA.id) ?? "";
    expect(text).toContain("🔴 Zoom can't be reached right now: Zoom couldn't be reached");
    expect(text).toContain("No recordings delivered yet.");
    expect(text).toContain("⏳ Nothing is waiting in the queue.");
  });

  it("a revoked grant shows up: the refresh is refused, the connection breaks, the chat is told to /connect", async () => {
    const { b, user } = await setup({ connected: true, expired: true });
    b.zoom.grantTokens(user.id); // rotated out by a newer authorization
    await send(b, ADA.id, ADA.id, "/status");
    const texts = b.tg.messages(ADA.id).map((m) => m.text ?? "");
    expect(texts.some((t) => t.includes("has stopped working") && t.includes("/connect"))).toBe(true);
    expect(texts.at(-1)).toContain("Zoom refused our access; please send /connect to connect again");
    const row = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("broken");
  });
});

describe("/disconnect", () => {
  it("asks, then revokes at Zoom, deletes tokens and the user's data, and confirms", async () => {
    const { b, user } = await setup({ connected: true });
    await seedUserData(b, user.id, "meeting-1", ADA.id);
    await send(b, ADA.id, ADA.id, "/disconnect");
    expect(lastText(b, ADA.id)).toBe(
      "Disconnect the Zoom account ada@example.com from this chat? New recordings will no longer be delivered.",
    );
    const [yes, no] = buttons(b, ADA.id);
    expect(yes?.text).toBe("Yes, disconnect");
    expect(no?.text).toBe("Cancel");
    const confirmMessage = b.tg.messages(ADA.id).at(-1)!.messageId;

    await press(b, ADA.id, ADA.id, confirmMessage, yes!.callback_data!);
    expect(b.zoom.revocations).toHaveLength(1);
    expect(b.zoom.revocations[0]?.userId).toBe(user.id);
    expect(lastText(b, ADA.id)).toContain("Disconnected. Zoomgram no longer has access to your Zoom account");
    expect(b.tg.callbackAnswers).toHaveLength(1);
    expect(await b.app.services.db.kysely.selectFrom("zoom_connections").selectAll().execute()).toEqual([]);
    expect(await countRows(b, "meeting-1")).toEqual({
      meetings: 0,
      recordings: 0,
      deliveries: 0,
      cards: 0,
      events: 0,
      jobs: ["cancelled", "cancelled", "completed"],
    });
    // The token the fake revoked no longer works there either.
    expect(b.zoom.stats.refreshes).toBe(0);

    // The app_deauthorized that Zoom sends after a revoke finds nothing and says nothing.
    const sentBefore = b.tg.sent.length;
    expect(
      await deauthorizeZoomUser(b.app.services, { zoomUserId: user.id, reason: "deauthorized" }),
    ).not.toHaveProperty("chatId");
    expect(b.tg.sent.length).toBe(sentBefore);
  });

  it("still deletes locally when Zoom can't be reached, and says so", async () => {
    const { b } = await setup({ connected: true });
    b.zoom.inject("revoke", { kind: "reset" }, 2);
    await send(b, ADA.id, ADA.id, "/disconnect");
    const [yes] = buttons(b, ADA.id);
    await press(b, ADA.id, ADA.id, b.tg.messages(ADA.id).at(-1)!.messageId, yes!.callback_data!);
    expect(lastText(b, ADA.id)).toContain("Disconnected here, but Zoom couldn't be reached");
    expect(b.zoom.revocations).toHaveLength(0);
    expect(await b.app.services.db.kysely.selectFrom("zoom_connections").selectAll().execute()).toEqual([]);
  });

  it("cancel changes nothing; nothing to disconnect is said plainly; a forged button for another chat does nothing", async () => {
    const { b, user } = await setup({ connected: true });
    await send(b, ADA.id, ADA.id, "/disconnect");
    const [yes, no] = buttons(b, ADA.id);
    await press(b, ADA.id, ADA.id, b.tg.messages(ADA.id).at(-1)!.messageId, no!.callback_data!);
    expect(lastText(b, ADA.id)).toBe("OK, nothing changed. You're still connected.");

    // The same connection id pressed from the group (whose admin Ada is) is not that chat's.
    await send(b, GROUP, ADA.id, "/disconnect");
    expect(lastText(b, GROUP)).toBe("There's nothing to disconnect: this chat isn't connected to Zoom.");
    await press(b, GROUP, ADA.id, b.tg.messages(GROUP).at(-1)!.messageId, yes!.callback_data!);
    expect(b.zoom.revocations).toHaveLength(0);
    const rows = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .select("zoom_user_id")
      .execute();
    expect(rows).toEqual([{ zoom_user_id: user.id }]);
  });

  it("in a group only an administrator may disconnect", async () => {
    const { b, user } = await setup();
    await seedConnection(b, { user, chatId: GROUP, telegramUserId: ADA.id });
    await send(b, GROUP, BOB, "/disconnect");
    expect(lastText(b, GROUP)).toBe(
      "Only admins of this group can do that. Please ask a group admin to send the command.",
    );
    await send(b, GROUP, ADA.id, "/disconnect");
    const [yes] = buttons(b, GROUP);
    await press(b, GROUP, BOB, b.tg.messages(GROUP).at(-1)!.messageId, yes!.callback_data!);
    expect(b.tg.callbackAnswers.at(-1)).toMatchObject({ showAlert: true });
    expect(b.zoom.revocations).toHaveLength(0);
    await press(b, GROUP, ADA.id, b.tg.messages(GROUP).at(-1)!.messageId, yes!.callback_data!);
    expect(b.zoom.revocations).toHaveLength(1);
  });
});

describe("deauthorization", () => {
  it("deletes the user's tokens and data at once, cancels their jobs, tells the chat, and is idempotent", async () => {
    const { b, user } = await setup({ connected: true });
    const other = b.zoom.addUser({ email: "grace@example.com" });
    await seedConnection(b, { user: other, chatId: GROUP, telegramUserId: ADA.id });
    await seedUserData(b, user.id, "meeting-ada", ADA.id);
    await seedUserData(b, other.id, "meeting-grace", GROUP);

    const result = await deauthorizeZoomUser(b.app.services, { zoomUserId: user.id, reason: "deauthorized" });
    expect(result.chatId).toBe(ADA.id);
    expect(result.removed).toMatchObject({ connections: 1, meetings: 1, deliveries: 2, jobsCancelled: 2 });
    expect(lastText(b, ADA.id)).toBe(
      "Zoomgram was removed from the Zoom account connected to this chat, so deliveries have stopped and we've deleted your tokens and data. Send /connect if you'd like to use Zoomgram again.",
    );
    expect(await countRows(b, "meeting-ada")).toMatchObject({
      meetings: 0,
      deliveries: 0,
      cards: 0,
      events: 0,
    });
    // Another user's data is untouched.
    expect(await countRows(b, "meeting-grace")).toEqual({
      meetings: 1,
      recordings: 1,
      deliveries: 2,
      cards: 1,
      events: 1,
      jobs: ["queued", "retry", "completed"],
    });
    // Nothing can act for the user any more.
    const tokens = b.app.services.tokens;
    expect(await tokens.getAccessToken(user.id).catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unauthorized",
    });

    const messages = b.tg.sent.length;
    expect(
      await deauthorizeZoomUser(b.app.services, { zoomUserId: user.id, reason: "deauthorized" }),
    ).toEqual({
      removed: {
        connections: 0,
        meetings: 0,
        recordings: 0,
        deliveries: 0,
        meetingCards: 0,
        webhookEvents: 0,
        jobsCancelled: 0,
      },
    });
    expect(b.tg.sent.length).toBe(messages);
  });
});

describe("/language", () => {
  it("stores the choice for the user and the chat and answers in the new language from then on", async () => {
    const { b } = await setup();
    await send(b, ADA.id, ADA.id, "/language");
    const choices = buttons(b, ADA.id);
    expect(choices.map((c) => c.callback_data)).toEqual(SUPPORTED_LOCALES.map((l) => `zg:lang:${l}`));
    await press(b, ADA.id, ADA.id, b.tg.messages(ADA.id).at(-1)!.messageId, "zg:lang:de");
    expect(lastText(b, ADA.id)).toBe("✅ Erledigt! Ab jetzt spreche ich Deutsch.");
    const db = b.app.services.db.kysely;
    expect(
      (
        await db
          .selectFrom("users")
          .select("locale")
          .where("telegram_user_id", "=", ADA.id)
          .executeTakeFirst()
      )?.locale,
    ).toBe("de");
    expect(
      (await db.selectFrom("chats").select("locale").where("chat_id", "=", ADA.id).executeTakeFirst())
        ?.locale,
    ).toBe("de");
    await send(b, ADA.id, ADA.id, "/status");
    expect(lastText(b, ADA.id)).toContain("/connect");
    expect(lastText(b, ADA.id)).not.toContain("isn't connected");
  });

  it("in a group only an administrator changes the group's language", async () => {
    const { b } = await setup();
    await send(b, GROUP, ADA.id, "/language");
    const message = b.tg.messages(GROUP).at(-1)!.messageId;
    await press(b, GROUP, BOB, message, "zg:lang:fr");
    expect(b.tg.callbackAnswers.at(-1)).toMatchObject({ showAlert: true });
    await press(b, GROUP, ADA.id, message, "zg:lang:fr");
    expect(lastText(b, GROUP)).toContain("Français");
    await send(b, GROUP, BOB, "/help");
    expect(lastText(b, GROUP)).toContain("/connect");
    expect(lastText(b, GROUP)).not.toContain("How delivery works");
  });
});

describe("command menu and webhook mode", () => {
  it("registers the commands with localized descriptions for every locale", async () => {
    const { b } = await setup();
    await b.app.registerCommands();
    const english = b.tg.commands(undefined, undefined);
    expect(english?.map((c) => c.command)).toEqual([
      "start",
      "help",
      "connect",
      "status",
      "settings",
      "history",
      "import",
      "disconnect",
      "language",
    ]);
    expect(b.tg.commands(undefined, "ru")?.find((c) => c.command === "connect")?.description).not.toBe(
      english?.find((c) => c.command === "connect")?.description,
    );
    for (const locale of SUPPORTED_LOCALES) expect(b.tg.commands(undefined, locale)).toHaveLength(9);
  });

  it("webhook mode takes updates at POST /telegram/webhook only with the secret header", async () => {
    bench = await startConnectHarness({
      env: {
        TELEGRAM_WEBHOOK_URL: "https://bot.example.com/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET: "hook_secret_123_hook_secret_123_hook",
      },
    });
    const b = bench;
    b.tg.addChat({ id: ADA.id, type: "private", first_name: "Ada" });
    const update = {
      update_id: 1,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: ADA.id, type: "private", first_name: "Ada" },
        from: { id: ADA.id, is_bot: false, first_name: "Ada" },
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    const post = (headers: Record<string, string>) =>
      b.app.http.request("/telegram/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong" })).status).toBe(401);
    expect(b.tg.sent).toHaveLength(0);
    expect(
      (await post({ "x-telegram-bot-api-secret-token": "hook_secret_123_hook_secret_123_hook" })).status,
    ).toBe(200);
    expect(lastText(b, ADA.id)).toContain("Zoomgram delivers your Zoom cloud recordings");
  });

  it("polling mode has no webhook route", async () => {
    const app = await createApp(
      testConfig(),
      { web: true, worker: false },
      { disablePolling: true, ffmpeg: null },
    );
    try {
      expect((await app.http.request("/telegram/webhook", { method: "POST", body: "{}" })).status).toBe(404);
    } finally {
      await app.stop();
    }
  });
});
