/**
 * /settings through the fakes (issue #15 items 1, 2 and 7): one message edited in place, in the
 * chat's language; administrators only in groups; parts, topic filter (buttons, reply, one-line
 * command), trash after delivery, language; /status shows the choices; /connect in a forum topic
 * makes the topic the destination; a channel or group picked with request_chat is checked.
 */
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { getChatDestination, getChatSettings } from "../../src/settings/chat-settings.repository.js";
import { defaultChatSettings } from "../../src/settings/default-chat-settings.js";
import { REQUEST_CHANNEL, REQUEST_GROUP } from "../../src/settings/destination.composer.js";
import { type ConnectHarness, seedConnection, startConnectHarness } from "../connect/harness.js";
import { closeAfterEachTest } from "../support/each-test.js";

const closeAfterTest = closeAfterEachTest<ConnectHarness>();

const ADA = { id: 1001, first_name: "Ada", language_code: "en" };
const BOB = { id: 2002, first_name: "Bob", language_code: "en" };
const GROUP = -100777;
const FORUM = -100888;
const CHANNEL = -100999;

async function setup() {
  const b = closeAfterTest(await startConnectHarness());
  b.tg.addUser(ADA);
  b.tg.addUser(BOB);
  b.tg.addChat({ id: ADA.id, type: "private", first_name: "Ada" });
  b.tg.addChat({ id: BOB.id, type: "private", first_name: "Bob" });
  b.tg.addChat({ id: GROUP, type: "supergroup", title: "Team", admins: [ADA.id], members: [ADA.id, BOB.id] });
  b.tg.addChat({ id: FORUM, type: "supergroup", title: "Forum", isForum: true, admins: [ADA.id] });
  b.tg.addChat({ id: CHANNEL, type: "channel", title: "Recordings", admins: [ADA.id] });
  return b;
}

const send = (
  b: ConnectHarness,
  chatId: number,
  from: number,
  text: string,
  extra: { threadId?: number; replyTo?: number } = {},
) => b.app.bot.handleUpdate(b.tg.userSends({ chatId, from, text, ...extra }) as unknown as Update);

const press = (b: ConnectHarness, chatId: number, from: number, messageId: number, data: string) =>
  b.app.bot.handleUpdate(b.tg.userPresses({ chatId, from, messageId, data }) as unknown as Update);

const share = (b: ConnectHarness, chatId: number, from: number, requestId: number, sharedChatId: number) =>
  b.app.bot.handleUpdate(b.tg.userSharesChat({ chatId, from, requestId, sharedChatId }) as unknown as Update);

/** Ada sends /settings in her private chat and presses `data` under it; answers the settings message's id. */
async function openSettingsAndPress(b: ConnectHarness, data: string): Promise<number> {
  await send(b, ADA.id, ADA.id, "/settings");
  const id = b.tg.messages(ADA.id)[0]?.messageId ?? 0;
  await press(b, ADA.id, ADA.id, id, data);
  return id;
}

function buttons(
  b: ConnectHarness,
  chatId: number,
  messageId: number,
): Array<{ text: string; callback_data?: string }> {
  const message = b.tg.messages(chatId).find((m) => m.messageId === messageId);
  const markup = message?.replyMarkup as
    | { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> }
    | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

const settingsOf = (b: ConnectHarness, chatId: number) =>
  getChatSettings(b.app.services.db.kysely, chatId, defaultChatSettings(b.app.services.config));

describe("/settings", () => {
  it("shows the defaults and edits the one message in place as toggles are pressed", async () => {
    const b = await setup();
    await send(b, ADA.id, ADA.id, "/settings");
    const [message] = b.tg.messages(ADA.id);
    expect(message?.text).toContain("⚙️ Settings for this chat");
    expect(message?.text).toContain("What arrives: Audio, Transcript, Summary");
    expect(message?.text).toContain("Which meetings: all");
    expect(message?.text).toContain("kept in Zoom's cloud");
    expect(message?.text).toContain("recover it in Zoom for 30 days");
    expect(message?.text).toContain("Deliveries go to: this chat");
    const id = message?.messageId ?? 0;
    expect(buttons(b, ADA.id, id).map((x) => x.text)).toEqual([
      "✅ Audio",
      "⬜ Video",
      "✅ Transcript",
      "✅ Summary",
      "⬜ Zoom chat",
      "• All meetings",
      "Topic contains…",
      "Topic doesn't contain…",
      "🗑 Trash after delivery: off",
      "📣 Deliver to a channel or group…",
      "🌐 Language",
    ]);

    await press(b, ADA.id, ADA.id, id, "zg:set:part:video");
    await press(b, ADA.id, ADA.id, id, "zg:set:part:audio");
    await press(b, ADA.id, ADA.id, id, "zg:set:part:chat");
    await press(b, ADA.id, ADA.id, id, "zg:set:trash");
    expect(b.tg.messages(ADA.id)).toHaveLength(1);
    const edited = b.tg.messages(ADA.id)[0];
    expect(edited?.edits).toHaveLength(4);
    expect(edited?.text).toContain("What arrives: Video, Transcript, Summary, Zoom chat");
    expect(edited?.text).toContain("moved to Zoom's trash");
    expect(buttons(b, ADA.id, id).map((x) => x.text)).toContain("🗑 Trash after delivery: on");
    expect(await settingsOf(b, ADA.id)).toEqual({
      parts: { audio: false, video: true, transcript: true, summary: true, chat: true },
      topicFilter: { mode: "all", phrase: null },
      trashAfterDelivery: true,
    });
    // Pressing the selected "All meetings" again changes nothing and is not an error.
    await press(b, ADA.id, ADA.id, id, "zg:set:topic:all");
    expect(b.tg.callbackAnswers).toHaveLength(5);
  });

  it("topic filter: a reply to the prompt, or one line", async () => {
    const b = await setup();
    const id = await openSettingsAndPress(b, "zg:set:topic:contains");
    const prompt = b.tg.messages(ADA.id).at(-1);
    expect(prompt?.text).toBe("Reply to this message with the phrase a meeting's topic must contain.");
    expect(prompt?.replyMarkup).toMatchObject({ force_reply: true });
    await send(b, ADA.id, ADA.id, "Standup", { replyTo: prompt?.messageId ?? 0 });
    expect(b.tg.messages(ADA.id).at(-1)?.text).toBe("✅ Saved. 🎯 Which meetings: topic contains “Standup”");
    expect((await settingsOf(b, ADA.id)).topicFilter).toEqual({ mode: "contains", phrase: "Standup" });

    await send(b, ADA.id, ADA.id, "/settings topic excludes 1:1 private");
    expect((await settingsOf(b, ADA.id)).topicFilter).toEqual({ mode: "excludes", phrase: "1:1 private" });
    await send(b, ADA.id, ADA.id, "/settings topic all");
    expect((await settingsOf(b, ADA.id)).topicFilter).toEqual({ mode: "all", phrase: null });
    await send(b, ADA.id, ADA.id, "/settings nonsense");
    expect(b.tg.messages(ADA.id).at(-1)?.text).toContain("/settings topic contains <phrase>");
    // An ordinary reply to some other bot message is not a phrase.
    await send(b, ADA.id, ADA.id, "hello", { replyTo: id });
    expect((await settingsOf(b, ADA.id)).topicFilter.mode).toBe("all");
  });

  it("in a group only administrators: others get a polite refusal, by command, button and reply", async () => {
    const b = await setup();
    await send(b, GROUP, BOB.id, "/settings");
    expect(b.tg.messages(GROUP).at(-1)?.text).toBe(
      "Only admins of this group can do that. Please ask a group admin to send the command.",
    );
    await send(b, GROUP, ADA.id, "/settings");
    const id = b.tg.messages(GROUP).at(-1)?.messageId ?? 0;
    await press(b, GROUP, BOB.id, id, "zg:set:part:video");
    expect(b.tg.callbackAnswers.at(-1)).toMatchObject({
      showAlert: true,
      text: "Only admins of this group can do that. Please ask a group admin to send the command.",
    });
    await press(b, GROUP, ADA.id, id, "zg:set:topic:excludes");
    const prompt = b.tg.messages(GROUP).at(-1)?.messageId ?? 0;
    await send(b, GROUP, BOB.id, "secret", { replyTo: prompt });
    expect((await settingsOf(b, GROUP)).topicFilter.mode).toBe("all");
    expect((await settingsOf(b, GROUP)).parts.video).toBe(false);
    await send(b, GROUP, ADA.id, "secret", { replyTo: prompt });
    expect((await settingsOf(b, GROUP)).topicFilter).toEqual({ mode: "excludes", phrase: "secret" });
  });

  it("language from the settings message: the same choice as /language, and the message re-renders in it", async () => {
    const b = await setup();
    const id = await openSettingsAndPress(b, "zg:set:lang");
    expect(buttons(b, ADA.id, id).map((x) => x.callback_data)).toContain("zg:set:lang:de");
    await press(b, ADA.id, ADA.id, id, "zg:set:lang:de");
    const text = b.tg.messages(ADA.id)[0]?.text ?? "";
    expect(text).toContain("⚙️ Einstellungen für diesen Chat");
    expect(text).toContain("Sprache: Deutsch");
    const user = await b.app.services.db.kysely
      .selectFrom("users")
      .select("locale")
      .where("telegram_user_id", "=", ADA.id)
      .executeTakeFirst();
    expect(user?.locale).toBe("de");
    // Deutsch from now on, also in /settings' replies.
    await send(b, ADA.id, ADA.id, "/settings bogus");
    expect(b.tg.messages(ADA.id).at(-1)?.text).toContain("Meetings nach Thema auswählen");
  });

  it("/status shows the active choices", async () => {
    const b = await setup();
    const user = b.zoom.addUser({ email: "ada@example.com" });
    await seedConnection(b, { user, chatId: ADA.id, telegramUserId: ADA.id });
    await send(b, ADA.id, ADA.id, "/settings topic contains Standup");
    await send(b, ADA.id, ADA.id, "/status");
    const status = b.tg.messages(ADA.id).at(-1)?.text ?? "";
    expect(status).toContain("⚙️ Settings (change them with /settings):");
    expect(status).toContain("What arrives: Audio, Transcript, Summary");
    expect(status).toContain("topic contains “Standup”");
    expect(status).toContain("After delivery: kept in Zoom's cloud");
    expect(status).toContain("Deliveries go to: this chat");
  });

  it("the menu lists /settings after /status", async () => {
    const b = await setup();
    await b.app.registerCommands();
    const names = (b.tg.commands() ?? []).map((c) => c.command);
    expect(names.indexOf("settings")).toBeGreaterThan(names.indexOf("status"));
    expect(b.tg.commands()?.find((c) => c.command === "settings")?.description).toBe(
      "Choose what arrives here, from which meetings, and where",
    );
  });
});

describe("destinations", () => {
  it("/connect in a forum topic makes that topic the destination; in General, General", async () => {
    const b = await setup();
    const topic = b.tg.addTopic(FORUM, "Zoom recordings");
    await send(b, FORUM, ADA.id, "/connect", { threadId: topic });
    expect(await getChatDestination(b.app.services.db.kysely, FORUM)).toMatchObject({
      chatId: null,
      threadId: topic,
    });
    const replies = b.tg.sent.filter((s) => s.chatId === FORUM);
    expect(replies.every((s) => s.threadId === topic)).toBe(true);
    expect(replies.at(-1)?.text).toBe("📌 Recordings will be posted in this topic.");
    await send(b, FORUM, ADA.id, "/settings", { threadId: topic });
    expect(b.tg.messages(FORUM).at(-1)?.text).toContain(
      "Deliveries go to: the topic where /connect was sent",
    );
    await send(b, FORUM, ADA.id, "/connect");
    expect(await getChatDestination(b.app.services.db.kysely, FORUM)).toMatchObject({
      chatId: null,
      threadId: null,
    });
    // Not an administrator: nothing changes.
    await send(b, FORUM, BOB.id, "/connect", { threadId: topic });
    expect((await getChatDestination(b.app.services.db.kysely, FORUM)).threadId).toBeNull();
  });

  it("a channel picked with request_chat in a private chat, after checking rights", async () => {
    const b = await setup();
    const id = await openSettingsAndPress(b, "zg:set:dest:pick");
    const pick = b.tg.messages(ADA.id).at(-1);
    expect(pick?.text).toContain("Pick the channel or group");
    const keyboard = pick?.replyMarkup as {
      keyboard: Array<Array<{ text: string; request_chat?: unknown }>>;
    };
    expect(keyboard.keyboard.flat()).toEqual([
      {
        text: "📣 Pick a channel",
        request_chat: { request_id: REQUEST_CHANNEL, chat_is_channel: true, request_title: true },
      },
      {
        text: "👥 Pick a group",
        request_chat: {
          request_id: REQUEST_GROUP,
          chat_is_channel: false,
          bot_is_member: true,
          request_title: true,
        },
      },
      { text: "Cancel" },
    ]);

    // The bot may not post: said plainly, nothing stored.
    b.tg.setBotMembership(CHANNEL, { status: "administrator", canPostMessages: false });
    await share(b, ADA.id, ADA.id, REQUEST_CHANNEL, CHANNEL);
    expect(b.tg.messages(ADA.id).at(-1)?.text).toBe(
      "I can't post in Recordings. Make me an administrator there with the right to post messages, then pick it again.",
    );
    b.tg.setBotMembership(CHANNEL, { status: "left" });
    await press(b, ADA.id, ADA.id, id, "zg:set:dest:pick");
    await share(b, ADA.id, ADA.id, REQUEST_CHANNEL, CHANNEL);
    expect(b.tg.messages(ADA.id).at(-1)?.text).toContain("I'm not in Recordings.");
    expect((await getChatDestination(b.app.services.db.kysely, ADA.id)).chatId).toBeNull();

    b.tg.setBotMembership(CHANNEL, { status: "administrator", canPostMessages: true });
    await press(b, ADA.id, ADA.id, id, "zg:set:dest:pick");
    await share(b, ADA.id, ADA.id, REQUEST_CHANNEL, CHANNEL);
    expect(b.tg.messages(ADA.id).at(-1)?.text).toBe("✅ Recordings of this chat now go to Recordings.");
    expect(b.tg.messages(ADA.id).at(-1)?.replyMarkup).toEqual({ remove_keyboard: true });
    expect(await getChatDestination(b.app.services.db.kysely, ADA.id)).toEqual({
      chatId: CHANNEL,
      threadId: null,
      title: "Recordings",
      pausedReason: null,
    });
    await press(b, ADA.id, ADA.id, id, "zg:set:back");
    expect(b.tg.messages(ADA.id)[0]?.text).toContain("Deliveries go to: Recordings");
    await press(b, ADA.id, ADA.id, id, "zg:set:dest:here");
    expect((await getChatDestination(b.app.services.db.kysely, ADA.id)).chatId).toBeNull();
  });

  it("someone who does not administer the channel is refused", async () => {
    const b = await setup();
    await send(b, BOB.id, BOB.id, "/settings");
    const id = b.tg.messages(BOB.id)[0]?.messageId ?? 0;
    await press(b, BOB.id, BOB.id, id, "zg:set:dest:pick");
    await share(b, BOB.id, BOB.id, REQUEST_CHANNEL, CHANNEL);
    expect(b.tg.messages(BOB.id).at(-1)?.text).toBe(
      "You aren't an administrator of Recordings, so I won't send recordings there for you.",
    );
    expect((await getChatDestination(b.app.services.db.kysely, BOB.id)).chatId).toBeNull();
  });

  it("a group's destination is picked in the administrator's private chat; the group is told", async () => {
    const b = await setup();
    await send(b, GROUP, ADA.id, "/settings");
    const id = b.tg.messages(GROUP).at(-1)?.messageId ?? 0;
    await press(b, GROUP, ADA.id, id, "zg:set:dest:pick");
    expect(b.tg.callbackAnswers.at(-1)?.text).toBe(
      "I've sent you a private message: pick the channel or group there.",
    );
    expect(b.tg.messages(ADA.id).at(-1)?.text).toContain("recordings of Team");
    await share(b, ADA.id, ADA.id, REQUEST_CHANNEL, CHANNEL);
    expect(b.tg.messages(ADA.id).at(-1)?.text).toBe("✅ Recordings of Team now go to Recordings.");
    expect((await getChatDestination(b.app.services.db.kysely, GROUP)).chatId).toBe(CHANNEL);
    expect((await getChatDestination(b.app.services.db.kysely, ADA.id)).chatId).toBeNull();
    expect(b.tg.messages(GROUP).at(-1)?.text).toContain("posted to Recordings");

    // Someone who never opened a private chat with the bot is told to do so first.
    b.tg.blockChat(ADA.id, "Forbidden: bot can't initiate conversation with a user");
    await press(b, GROUP, ADA.id, id, "zg:set:dest:pick");
    expect(b.tg.callbackAnswers.at(-1)).toMatchObject({
      showAlert: true,
      text: "Please open a private chat with me and press Start first, then press this button again.",
    });
  });

  it("Cancel removes the picker and changes nothing", async () => {
    const b = await setup();
    await openSettingsAndPress(b, "zg:set:dest:pick");
    await send(b, ADA.id, ADA.id, "Cancel");
    expect(b.tg.messages(ADA.id).at(-1)).toMatchObject({
      text: "OK, nothing changed.",
      replyMarkup: { remove_keyboard: true },
    });
  });
});
