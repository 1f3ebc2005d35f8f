/**
 * The meeting test world (test/support/world.ts): one connected Zoom user, Anna, delivering to
 * one private chat, the fake Telegram keeping uploaded files, and helpers to read the chat, speak
 * in it and press its buttons. `settle()` runs every job kind within a horizon (default 10
 * minutes; the 24 h parts timeout stays in the future unless asked for).
 */
import type { Update } from "grammy/types";
import { expect } from "vitest";
import type { AppDeps } from "../../src/app.js";
import type { Env } from "../../src/config.js";
import type { Feature } from "../../src/features.js";
import { setChatLocale } from "../../src/telegram/chat.repository.js";
import type { StoredMessage } from "../fakes/fake-telegram.js";
import type { AddMeetingInput, FakeMeeting, ZoomUser } from "../fakes/fake-zoom.js";
import { addRecording } from "../support/recordings.js";
import { startWorld, type World } from "../support/world.js";

export interface MeetingHarness extends Omit<World, "post" | "settle"> {
  user: ZoomUser;
  chatId: number;
  /** Signs `body` like Zoom and posts it to POST /webhooks/zoom; resolves with the response. */
  post(body: Record<string, unknown>): Promise<Response>;
  /**
   * Posts `body` like `post` (it must be acknowledged with 200) and answers what the inbox
   * processor decided for it: the result on its audit row (`accepted`, `ignored`, `duplicate`, …).
   */
  postForResult(body: Record<string, unknown>): Promise<string>;
  /**
   * Runs jobs until the queue is quiet, moving the clock to each next due job (retries, paced card
   * edits, "still processing" re-checks) within `horizonMs` of now (default 10 minutes).
   */
  settle(horizonMs?: number): Promise<void>;
  /**
   * A finished recording of Anna's meeting, started 2026-03-01 09:00 UTC unless `start_time` says
   * otherwise: the M4A at `audio`, and a Zoom transcript when `vtt` is given.
   */
  addRecording(input: RecordingInput): FakeMeeting;
  /** The chat's bot messages (current state, edits applied). */
  messages(): StoredMessage[];
  /** The meeting cards in the chat: plain messages whose first line is a card title. */
  cards(): StoredMessage[];
  setLocale(locale: string): Promise<void>;
  /** The chat's user sends `text` (a command) and the bot handles it. */
  say(text: string): Promise<void>;
  /** The chat's user presses an inline button with `data` under message `messageId`. */
  press(messageId: number, data: string, chatId?: number): Promise<void>;
}

export type RecordingInput = Omit<AddMeetingInput, "hostUserId" | "start_time" | "files"> & {
  start_time?: string;
  audio: string;
  vtt?: string;
};

export interface MeetingHarnessOptions {
  env?: Env;
  deps?: AppDeps;
  features?: readonly Feature[];
  /** Scope the fake Zoom grants (e.g. without `meeting:read:summary`). */
  scope?: string;
  chatId?: number;
}

export async function startMeetingHarness(options: MeetingHarnessOptions = {}): Promise<MeetingHarness> {
  const world = await startWorld({
    start: Date.UTC(2026, 2, 1, 10, 0, 0),
    zoom: options.scope ? { scope: options.scope } : {},
    telegram: { keepFiles: true },
    ...(options.env ? { env: options.env } : {}),
    deps: { ...(options.features ? { features: options.features } : {}), ...options.deps },
  });
  const { app, tg, clock } = world;
  const chatId = options.chatId ?? 4242;
  const user = world.zoom.addUser({
    email: "anna@example.com",
    first_name: "Anna",
    last_name: "Keller",
    timezone: "Europe/Berlin",
  });
  tg.addUser({ id: chatId, first_name: "Anna", language_code: "en" });
  await world.connect({
    user,
    chatId,
    fakeChat: { type: "private", first_name: "Anna" },
    telegramUser: { first_name: "Anna", language_code: "en" },
    chat: { type: "private" },
  });

  return {
    ...world,
    user,
    chatId,
    addRecording: (input) => addRecording(world.zoom, user, { start_time: "2026-03-01T09:00:00Z", ...input }),
    post: (body) => world.post(body),
    async postForResult(body) {
      const response = await world.post(body);
      expect(response.status).toBe(200);
      const audit = await world.db.kysely
        .selectFrom("webhook_events")
        .select("result")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      return audit.result;
    },
    settle: (horizonMs = 10 * 60_000) => world.settle({ horizonMs, maxRounds: 200 }),
    messages: () => tg.messages(chatId),
    cards: () => tg.messages(chatId).filter((m) => m.method === "sendMessage" && /^🎥 /.test(m.text ?? "")),
    setLocale: (locale) => setChatLocale(world.db.kysely, chatId, locale as never, clock.now()),
    say: (text) => app.bot.handleUpdate(tg.userSends({ chatId, from: chatId, text }) as unknown as Update),
    press: (messageId, data, inChat = chatId) =>
      app.bot.handleUpdate(
        tg.userPresses({ chatId: inChat, from: chatId, messageId, data }) as unknown as Update,
      ),
  };
}
