import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  getChatDestination,
  getChatSettings,
  pauseChatDestination,
  setChatDestination,
  topicPasses,
  updateChatSettings,
} from "../../src/settings/chat-settings.repository.js";
import { defaultChatSettings } from "../../src/settings/default-chat-settings.js";
import { testConfig } from "../support/config.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

describe("chat settings", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("a chat that never chose gets the environment defaults", async () => {
    const defaults = defaultChatSettings(testConfig());
    expect(defaults).toEqual({
      parts: { audio: true, video: false, transcript: true, summary: true, chat: false },
      topicFilter: { mode: "all", phrase: null },
      trashAfterDelivery: false,
    });
    expect(await getChatSettings(t.db.kysely, -100, defaults)).toEqual(defaults);
    const trashing = defaultChatSettings(testConfig({ ZOOM_TRASH_AFTER_DELIVERY: "true" }));
    expect((await getChatSettings(t.db.kysely, -100, trashing)).trashAfterDelivery).toBe(true);
  });

  it("stores each choice per chat; what was not chosen keeps following the defaults", async () => {
    const defaults = defaultChatSettings(testConfig());
    await updateChatSettings(t.db.kysely, -100, { parts: { video: true, audio: false } }, 1000);
    await updateChatSettings(
      t.db.kysely,
      -100,
      { topicFilter: { mode: "contains", phrase: "  Standup " } },
      2000,
    );
    const chosen = await getChatSettings(t.db.kysely, -100, defaults);
    expect(chosen).toEqual({
      parts: { audio: false, video: true, transcript: true, summary: true, chat: false },
      topicFilter: { mode: "contains", phrase: "Standup" },
      trashAfterDelivery: false,
    });
    // The operator turns trash on later: this chat never chose, so it follows.
    const later = defaultChatSettings(testConfig({ ZOOM_TRASH_AFTER_DELIVERY: "true" }));
    expect((await getChatSettings(t.db.kysely, -100, later)).trashAfterDelivery).toBe(true);
    await updateChatSettings(t.db.kysely, -100, { trashAfterDelivery: false }, 3000);
    expect((await getChatSettings(t.db.kysely, -100, later)).trashAfterDelivery).toBe(false);
    // Another chat is untouched.
    expect(await getChatSettings(t.db.kysely, -200, defaults)).toEqual(defaults);
  });

  it("an empty phrase means all meetings", async () => {
    const defaults = defaultChatSettings(testConfig());
    await updateChatSettings(t.db.kysely, 5, { topicFilter: { mode: "excludes", phrase: "   " } }, 1);
    expect((await getChatSettings(t.db.kysely, 5, defaults)).topicFilter).toEqual({
      mode: "all",
      phrase: null,
    });
  });

  it("topic filter: contains / does not contain, case-insensitive", () => {
    expect(topicPasses({ mode: "all", phrase: null }, "anything")).toBe(true);
    expect(topicPasses({ mode: "contains", phrase: "standup" }, "Daily STANDUP")).toBe(true);
    expect(topicPasses({ mode: "contains", phrase: "standup" }, "Retro")).toBe(false);
    expect(topicPasses({ mode: "excludes", phrase: "private" }, "Private 1:1")).toBe(false);
    expect(topicPasses({ mode: "excludes", phrase: "private" }, "All hands")).toBe(true);
    expect(topicPasses({ mode: "excludes", phrase: "private" }, null)).toBe(true);
  });

  it("destination: this chat by default; a topic or channel once set; a pause until set again", async () => {
    expect(await getChatDestination(t.db.kysely, 7)).toEqual({
      chatId: null,
      threadId: null,
      title: null,
      pausedReason: null,
    });
    await setChatDestination(t.db.kysely, 7, { chatId: -1001234567890123, threadId: null, title: "News" }, 1);
    await pauseChatDestination(t.db.kysely, 7, "bot was kicked", 2);
    expect(await getChatDestination(t.db.kysely, 7)).toEqual({
      chatId: -1001234567890123,
      threadId: null,
      title: "News",
      pausedReason: "bot was kicked",
    });
    await setChatDestination(t.db.kysely, 7, { chatId: null, threadId: 42, title: null }, 3);
    expect(await getChatDestination(t.db.kysely, 7)).toEqual({
      chatId: null,
      threadId: 42,
      title: null,
      pausedReason: null,
    });
  });
});
