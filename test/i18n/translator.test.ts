import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bot, type Context } from "grammy";
import { afterAll, describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../src/i18n/locales.js";
import { createTranslator, type TranslatorFlavor } from "../../src/i18n/translator.js";
import { fakeBotInfo } from "../fakes/fake-telegram.js";
import { tempDirForEachTest } from "../support/each-test.js";

/** Plausible values for every variable the messages use; a new variable must be added here. */
const SAMPLE_VARS = {
  email: "ann@example.com",
  minutes: 15,
  chat_title: "Design team",
  requester: "Ann Lee (@ann)",
  date: "Mar 1, 2026, 10:05 AM GMT+1",
  ms: 182,
  reason: "timeout after 10 s",
  topic: 'Weekly sync <Q1> & "plans"',
  state: "delivered",
  count: 3,
  seconds: 12,
  language: "🇩🇪 Deutsch",
  duration: "1 hr 5 min",
  host: "Ann Lee",
  index: 2,
  total: 3,
  size: "5.2 GB",
  limit: "4.1 GB",
  url: "https://zoom.us/rec/share/abc",
  chat_id: "-1001234567890",
  status: "✓ done",
  speaker: "Bob",
  share: "42%",
  kind: "deliver-recording",
  job_id: "job_01HXYZ",
  ref: "ERR-7F3A",
  summary: "The team agreed to ship on Friday.",
  from: "2025-11-01",
  to: "2026-01-14",
  found: 12,
  delivered: 9,
  skipped: 2,
  failed: 1,
  title: "Team recordings",
  phrase: "standup",
  parts: "Audio, Transcript",
  part: "Audio",
  label: "All meetings",
  filter: "Which meetings: all",
  chat: "Design team",
} as const;

/** Keys other parts of the product rely on; removing or renaming one breaks them. */
const REQUIRED_KEYS = [
  ...["start", "help", "connect", "status", "disconnect", "language", "history", "import"].map(
    (c) => `cmd-${c}`,
  ),
  "start-text",
  "help-text",
  "error-generic",
  "error-group-admin-only",
  "connect-prompt",
  "connect-button",
  "connect-already-connected",
  "connect-success",
  "connect-moved-away",
  "connect-broken",
  "status-connected",
  "status-connected-since",
  "status-zoom-reachable",
  "status-zoom-unreachable",
  "status-recent-header",
  "status-recent-item",
  "status-jobs-pending",
  "status-not-connected",
  "disconnect-done",
  "disconnect-done-local-only",
  "disconnect-nothing",
  "deauthorized",
  "language-prompt",
  "language-changed",
  "history-header",
  "history-item",
  "history-empty",
  ...["received", "downloading", "uploading", "delivered", "failed", "waiting"].map(
    (s) => `meeting-state-${s}`,
  ),
  "delivery-caption-topic",
  "delivery-caption-date",
  "delivery-caption-duration",
  "delivery-caption-host",
  "delivery-part",
  "delivery-too-large-to-download",
  "delivery-sent-as-link",
  "delivery-video-as-document",
  "delivery-failed",
  "delivery-chat-paused",
  "reason-zoom-unreachable",
  "reason-zoom-rate-limited",
  "reason-zoom-access-rejected",
  "reason-recording-not-found",
  "reason-download-corrupted",
  "reason-telegram-file-too-large",
  "reason-telegram-unreachable",
  "reason-unknown",
  "card-title",
  ...["received", "downloading"].map((s) => `card-stage-${s}`),
  ...["audio", "transcript", "summary"].map((s) => `card-line-${s}`),
  ...["pending", "in-progress", "done", "failed", "not-available"].map((s) => `card-status-${s}`),
  "card-button-resend-audio",
  "card-button-get-transcript",
  "transcript-caption",
  "transcript-title",
  "transcript-unknown-speaker",
  ...["title", "key-points", "next-steps", "speaking-time", "source-zoom", "source-generated"].map(
    (s) => `summary-${s}`,
  ),
  "admin-job-dead",
  "admin-webhook-verification-failures",
  ...[
    "link-invalid",
    "link-expired",
    "connected",
    "access-denied",
    "state-invalid",
    "failed",
    "rate-limited",
  ].flatMap((p) => [`page-${p}-title`, `page-${p}-body`]),
];

function quietTranslator(directory?: string) {
  const warnings: string[] = [];
  const translator = createTranslator({ directory, onWarning: (message) => warnings.push(message) });
  return { ...translator, warnings };
}

describe("createTranslator", () => {
  const translator = quietTranslator();

  it("loads the source keys, including every key the product relies on", () => {
    const keys = translator.keys();
    expect(keys.length).toBeGreaterThan(100);
    expect(keys).toEqual([...keys].sort());
    for (const key of REQUIRED_KEYS) expect(keys, key).toContain(key);
    expect(keys.every((key) => /^[a-z]+(-[a-z]+)*$/.test(key))).toBe(true);
  });

  it.each(SUPPORTED_LOCALES)("renders every key in %s without errors or leftover placeholders", (locale) => {
    translator.warnings.length = 0;
    for (const key of translator.keys()) {
      const text = translator.t(locale, key, SAMPLE_VARS);
      expect(text.trim(), `${locale} ${key}`).not.toBe("");
      expect(text, `${locale} ${key}`).not.toMatch(/[{}]/);
      // Unicode isolation marks would break Telegram entities.
      expect(text, `${locale} ${key}`).not.toMatch(/[\u2068\u2069]/);
    }
    expect(translator.warnings).toEqual([]);
  });

  it("keeps product names untranslated and user text verbatim", () => {
    for (const locale of SUPPORTED_LOCALES) {
      expect(translator.t(locale, "start-text")).toMatch(/Zoomgram/);
      expect(translator.t(locale, "connect-button")).toMatch(/Zoom/);
      expect(translator.t(locale, "delivery-failed", SAMPLE_VARS)).toContain(SAMPLE_VARS.topic);
    }
  });

  it("translates rather than copying English", () => {
    const english = translator.t("en", "help-text");
    for (const locale of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
      expect(translator.t(locale, "help-text")).not.toBe(english);
      expect(translator.t(locale, "connect-button")).not.toBe(translator.t("en", "connect-button"));
    }
  });

  it("chooses the Russian plural form (one/few/many)", () => {
    const link = (minutes: number) => translator.t("ru", "connect-prompt", { minutes });
    expect(link(1)).toContain("1 минуту");
    expect(link(3)).toContain("3 минуты");
    expect(link(5)).toContain("5 минут ");
    expect(link(21)).toContain("21 минуту");
    expect(link(15)).toContain("15 минут ");
    const jobs = (count: number) => translator.t("ru", "status-jobs-pending", { count });
    expect(jobs(0)).toBe("⏳ Очередь пуста.");
    expect(jobs(1)).toBe("⏳ В очереди 1 задача.");
    expect(jobs(4)).toBe("⏳ В очереди 4 задачи.");
    expect(jobs(11)).toBe("⏳ В очереди 11 задач.");
  });

  it("chooses English and German plurals", () => {
    expect(translator.t("en", "connect-prompt", { minutes: 1 })).toContain("valid for 1 minute and");
    expect(translator.t("en", "connect-prompt", { minutes: 15 })).toContain("valid for 15 minutes and");
    expect(translator.t("en", "status-jobs-pending", { count: 0 })).toBe(
      "⏳ Nothing is waiting in the queue.",
    );
    expect(translator.t("de", "status-jobs-pending", { count: 1 })).toBe(
      "⏳ 1 Aufgabe wartet in der Warteschlange.",
    );
    expect(translator.t("de", "admin-webhook-verification-failures", { count: 7, minutes: 10 })).toMatch(
      /^⚠️ 7 Zoom-Webhook-Anfragen haben in den letzten 10 Minuten /,
    );
  });

  it("shows a Date variable with the date, the time and UTC", () => {
    const text = translator.t("en", "status-connected-since", { date: new Date("2026-03-01T09:05:00Z") });
    expect(text.replace(/\s/g, " ")).toBe("📅 Connected since Mar 1, 2026, 9:05 AM UTC");
  });

  it("never crashes on what is missing: English text for an unknown locale, the key for an unknown key", () => {
    translator.warnings.length = 0;
    expect(translator.t("xx" as never, "connect-button")).toBe("Connect Zoom");
    expect(translator.t("de", "no-such-key")).toBe("no-such-key");
    expect(translator.warnings).toEqual([`i18n: unknown message "no-such-key"`]);
    // A missing variable is reported, not thrown.
    expect(translator.t("en", "connect-success")).toContain("Connected to Zoom as");
    expect(translator.warnings.at(-1)).toMatch(/Unknown variable: \$email/);
  });
});

describe("createTranslator with a partial locale", () => {
  const directory = mkdtempSync(join(tmpdir(), "zoomgram-i18n-"));
  writeFileSync(join(directory, "en.ftl"), "hello = Hello, { $name }!\nbye = Bye\n");
  writeFileSync(join(directory, "de.ftl"), "hello = Hallo, { $name }!\n");
  writeFileSync(join(directory, "README.txt"), "not a locale");
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("falls back to English for a key the locale lacks, and says so", () => {
    const translator = quietTranslator(directory);
    expect(translator.keys()).toEqual(["bye", "hello"]);
    expect(translator.t("de", "hello", { name: "Ann" })).toBe("Hallo, Ann!");
    expect(translator.t("de", "bye")).toBe("Bye");
    expect(translator.warnings).toEqual([`i18n: "bye" is missing in de, using en`]);
  });

  // A French file that defines `hello` twice: parsing it warns once, so the warnings count parses.
  const frenchDir = tempDirForEachTest("zoomgram-i18n-fr-");
  function translatorWithFrenchTwice() {
    const dir = frenchDir();
    writeFileSync(join(dir, "en.ftl"), "hello = Hello\n");
    writeFileSync(join(dir, "fr.ftl"), "hello = Bonjour\nhello = Salut\n");
    return quietTranslator(dir);
  }

  it("parses a locale when it is first spoken, English at once", () => {
    const translator = translatorWithFrenchTwice();
    expect(translator.t("en", "hello")).toBe("Hello");
    expect(translator.warnings).toEqual([]);
    expect(translator.t("fr", "hello")).toBe("Bonjour");
    expect(translator.warnings).toEqual([expect.stringMatching(/^i18n: fr\.ftl: /)]);
    translator.t("fr", "hello");
    expect(translator.warnings).toHaveLength(1);
  });

  it("keeps a locale rendered by a transient t only as long as that t (the bot menu)", () => {
    const translator = translatorWithFrenchTwice();
    const menu = translator.transient();
    expect(menu.t("fr", "hello")).toBe("Bonjour");
    expect(menu.t("fr", "hello")).toBe("Bonjour");
    expect(translator.warnings).toHaveLength(1);
    // The process's own t did not keep it: it parses fr (and warns) on its first use...
    expect(translator.t("fr", "hello")).toBe("Bonjour");
    expect(translator.warnings).toHaveLength(2);
    // ...and a later transient t uses the bundle the process keeps now.
    expect(translator.transient().t("fr", "hello")).toBe("Bonjour");
    expect(translator.warnings).toHaveLength(2);
  });

  it("refuses a directory without the English source", () => {
    const empty = mkdtempSync(join(tmpdir(), "zoomgram-i18n-empty-"));
    try {
      expect(() => createTranslator({ directory: empty })).toThrow(/no en\.ftl/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("the bot middleware", () => {
  type BotContext = Context & TranslatorFlavor;

  async function replyTo(
    languageCode: string | undefined,
    localeNegotiator?: (ctx: BotContext) => string,
    text = "/connect",
  ) {
    const translator = createTranslator<BotContext>({ onWarning: () => {}, localeNegotiator });
    const bot = new Bot<BotContext>("123:TEST", {
      botInfo: fakeBotInfo({ id: 123, first_name: "Zoomgram", username: "zoomgram_bot" }),
    });
    const sent: string[] = [];
    bot.api.config.use(async (_prev, method, payload) => {
      if (method === "sendMessage") sent.push((payload as { text: string }).text);
      return { ok: true, result: true } as never;
    });
    bot.use(translator.i18n);
    bot.command("connect", (ctx) => ctx.reply(ctx.t("connect-button")));
    bot.command("language", async (ctx) => {
      await ctx.reply(ctx.t("connect-button"));
      ctx.i18n.useLocale(ctx.match);
      await ctx.reply(ctx.t("connect-button"));
    });
    await bot.handleUpdate({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 42, type: "private", first_name: "Ann" },
        from: { id: 42, is_bot: false, first_name: "Ann", language_code: languageCode },
        text,
        entities: [
          { type: "bot_command", offset: 0, length: text.indexOf(" ") < 0 ? text.length : text.indexOf(" ") },
        ],
      },
    });
    return sent;
  }

  it("answers in the sender's Telegram language, regional variants included", async () => {
    expect(await replyTo("de")).toEqual(["Zoom verbinden"]);
    expect(await replyTo("pt-BR")).toEqual(["Conectar Zoom"]);
    expect(await replyTo("ja")).toEqual(["Connect Zoom"]);
    expect(await replyTo(undefined)).toEqual(["Connect Zoom"]);
  });

  it("lets a stored /language choice win over the Telegram language", async () => {
    expect(await replyTo("de", () => "fr")).toEqual(["Connecter Zoom"]);
  });

  it("speaks a locale chosen during the update from then on (a regional tag too)", async () => {
    expect(await replyTo("de", undefined, "/language fr")).toEqual(["Zoom verbinden", "Connecter Zoom"]);
    expect(await replyTo("de", undefined, "/language pt-BR")).toEqual(["Zoom verbinden", "Conectar Zoom"]);
  });
});
