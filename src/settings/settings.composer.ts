/**
 * /settings (issue #15): one inline-keyboard message, edited in place on each press, in the chat's
 * language. Parts to deliver, which meetings (all, or the topic contains / does not contain a
 * phrase), trash after delivery, where deliveries go (src/settings/destination.composer.ts) and
 * the language (the same choice /language makes). In a group only administrators may change
 * anything; everyone else gets a polite refusal.
 *
 * The topic phrase comes as a reply to the bot's prompt (recognised by the prompt's text in any
 * language, so nothing is kept in memory and a restart loses nothing) or in one line:
 * `/settings topic contains <phrase>`, `/settings topic excludes <phrase>`, `/settings topic all`.
 */
import { Composer, GrammyError, type InlineKeyboard } from "grammy";
import { chooseLanguage, languageKeyboard } from "../connect/language.composer.js";
import { isLocale, type Locale, SUPPORTED_LOCALES } from "../i18n/locales.js";
import type { Services } from "../services.js";
import { isChatAdminOrAlert, isChatAdminOrReply } from "../telegram/chat-admin.js";
import type { BotContext } from "../telegram/context.js";
import {
  type ChatSettingsPatch,
  getChatDestination,
  getChatSettings,
  PART_NAMES,
  type PartName,
  setChatDestination,
  TOPIC_PHRASE_MAX,
  type TopicFilterMode,
  updateChatSettings,
} from "./chat-settings.repository.js";
import { defaultChatSettings } from "./default-chat-settings.js";
import { SETTINGS_PREFIX, settingsKeyboard, settingsLines, settingsText } from "./settings-view.js";

const CALLBACK = /^zg:set:(part|topic|trash|dest|lang|back)(?::([a-z]+))?$/;
const TOPIC_COMMAND = /^topic\s+(all|contains|excludes|not)\b\s*(.*)$/is;

export interface SettingsComposerDeps {
  /** Starts picking a channel or group (destination.composer.ts). */
  pickDestination(ctx: BotContext, chat: { id: number; type: string; title?: string }): Promise<void>;
}

export function createSettingsComposer(services: Services, deps: SettingsComposerDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("settings", async (ctx) => {
    const chat = ctx.chat;
    if (!chat || chat.type === "channel") return;
    if (!(await isChatAdminOrReply(ctx))) return;
    const args = ctx.match.trim();
    if (args === "") {
      const { text, keyboard } = await view(services, ctx, chat.id);
      await ctx.reply(text, { reply_markup: keyboard });
      return;
    }
    const topic = parseTopicCommand(args);
    if (!topic) {
      await ctx.reply(ctx.t("settings-topic-usage"));
      return;
    }
    await saveTopicFilter(services, ctx, chat.id, topic.mode, topic.phrase);
  });

  composer.callbackQuery(CALLBACK, async (ctx) => {
    const chat = ctx.chat;
    if (!chat) {
      await ctx.answerCallbackQuery();
      return;
    }
    if (!(await isChatAdminOrAlert(ctx))) return;
    const [, action, value] = ctx.match;
    if ((await applyPress(services, deps, ctx, chat, { action, value, userId: ctx.from.id })) === "answered")
      return;
    await ctx.answerCallbackQuery();
    // Re-renders the settings message the press came from (an unchanged message is fine).
    const { text, keyboard } = await view(services, ctx, chat.id);
    await editIgnoringUnchanged(ctx, text, keyboard);
  });

  // A reply to the topic prompt: the phrase.
  composer.on("message:text", async (ctx, next) => {
    const mode = promptMode(services, ctx);
    if (!mode) return next();
    if (!(await isChatAdminOrReply(ctx))) return;
    const phrase = ctx.message.text.trim().slice(0, TOPIC_PHRASE_MAX);
    if (phrase === "" || phrase.startsWith("/")) return next();
    await saveTopicFilter(services, ctx, ctx.chat.id, mode, phrase);
  });
  return composer;
}

/** The settings message of a chat: its text and keyboard, from the stored settings and destination. */
async function view(services: Services, ctx: BotContext, chatId: number) {
  const db = services.db.kysely;
  const [settings, destination] = await Promise.all([
    getChatSettings(db, chatId, defaultChatSettings(services.config)),
    getChatDestination(db, chatId),
  ]);
  const t = ctx.t.bind(ctx);
  return {
    text: settingsText(t, settings, destination, ctx.locale ?? "en"),
    keyboard: settingsKeyboard(t, settings, destination),
    settings,
    destination,
  };
}

/** `/settings topic all|contains|excludes <phrase>`; undefined when it says something else. */
function parseTopicCommand(args: string): { mode: TopicFilterMode; phrase: string } | undefined {
  const topic = TOPIC_COMMAND.exec(args);
  if (!topic) return undefined;
  const word = (topic[1] ?? "").toLowerCase();
  const mode: TopicFilterMode = word === "all" ? "all" : word === "contains" ? "contains" : "excludes";
  const phrase = (topic[2] ?? "").trim();
  if (mode !== "all" && phrase === "") return undefined;
  return { mode, phrase };
}

async function saveTopicFilter(
  services: Services,
  ctx: BotContext,
  chatId: number,
  mode: TopicFilterMode,
  phrase: string,
): Promise<void> {
  await updateChatSettings(
    services.db.kysely,
    chatId,
    { topicFilter: { mode, phrase } },
    services.clock.now(),
  );
  const { settings, destination } = await view(services, ctx, chatId);
  const [, filterLine] = settingsLines(ctx.t.bind(ctx), settings, destination);
  await ctx.reply(ctx.t("settings-topic-saved", { filter: filterLine ?? "" }));
}

/**
 * One button press on the settings message. "refresh" when the message should be re-rendered;
 * "answered" when the press already answered and showed something else (a prompt, a picker).
 */
async function applyPress(
  services: Services,
  deps: SettingsComposerDeps,
  ctx: BotContext,
  chat: { id: number; type: string; title?: string },
  press: { action: string | undefined; value: string | undefined; userId: number },
): Promise<"refresh" | "answered"> {
  const { action, value } = press;
  const db = services.db.kysely;
  const now = services.clock.now();
  switch (action) {
    case "part": {
      if (!isPart(value)) break;
      const current = await getChatSettings(db, chat.id, defaultChatSettings(services.config));
      const patch: ChatSettingsPatch = { parts: { [value]: !current.parts[value] } };
      await updateChatSettings(db, chat.id, patch, now);
      break;
    }
    case "topic": {
      if (value === "all") {
        await updateChatSettings(db, chat.id, { topicFilter: { mode: "all", phrase: null } }, now);
        break;
      }
      if (value !== "contains" && value !== "excludes") break;
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t(`settings-topic-prompt-${value}`), {
        reply_markup: { force_reply: true, selective: true },
      });
      return "answered";
    }
    case "trash": {
      const current = await getChatSettings(db, chat.id, defaultChatSettings(services.config));
      await updateChatSettings(db, chat.id, { trashAfterDelivery: !current.trashAfterDelivery }, now);
      break;
    }
    case "dest": {
      if (value === "pick") {
        await deps.pickDestination(ctx, chat);
        return "answered";
      }
      await setChatDestination(db, chat.id, { chatId: null, threadId: null, title: null }, now);
      break;
    }
    case "lang": {
      if (value !== undefined && isLocale(value)) {
        await chooseLanguage(services, ctx, chat, press.userId, value);
        break;
      }
      await ctx.answerCallbackQuery();
      const keyboard = languageKeyboard(`${SETTINGS_PREFIX}lang:`)
        .row()
        .text(ctx.t("settings-button-back"), `${SETTINGS_PREFIX}back`);
      await editIgnoringUnchanged(ctx, ctx.t("language-prompt"), keyboard);
      return "answered";
    }
    default:
      break;
  }
  return "refresh";
}

function isPart(value: string | undefined): value is PartName {
  return (PART_NAMES as readonly string[]).includes(value ?? "");
}

/** The topic mode whose prompt (in any language) this message replies to, if it replies to one. */
function promptMode(services: Services, ctx: BotContext): "contains" | "excludes" | undefined {
  const replied = ctx.message?.reply_to_message;
  if (!replied?.text || replied.from?.id !== ctx.me.id) return undefined;
  for (const mode of ["contains", "excludes"] as const) {
    const prompts = SUPPORTED_LOCALES.map((locale: Locale) =>
      services.translator.t(locale, `settings-topic-prompt-${mode}`),
    );
    if (prompts.includes(replied.text)) return mode;
  }
  return undefined;
}

async function editIgnoringUnchanged(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  try {
    await ctx.editMessageText(text, { reply_markup: keyboard });
  } catch (error) {
    if (error instanceof GrammyError && error.description.includes("message is not modified")) return;
    throw error;
  }
}
