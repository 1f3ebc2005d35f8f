/**
 * `npm run demo`: Zoomgram end to end on this machine, before you create any Zoom app or bot.
 *
 * It starts the bundled fake Zoom and fake Telegram (test/fakes/), runs the real service against
 * them (HTTP server, long-polling bot, job worker, a throwaway SQLite database), and plays one
 * meeting: a Telegram user sends /connect, presses its login button (Telegram signs who pressed),
 * confirms on Zoomgram's page and approves the app in "Zoom"; "Zoom" records a
 * meeting and sends its webhooks — recording.completed, recording.transcript_completed,
 * meeting.summary_completed — signed like the real ones. A second meeting gets no transcript from
 * Zoom: the bundled fake speech-to-text server (STT_API_URL) transcribes its audio and the fake
 * summary API (SUMMARY_API_URL) lists its decisions and action items. Then it prints what the chat
 * received.
 *
 * Nothing leaves the machine: every URL points at 127.0.0.1. Needs only `npm ci`.
 */
import { join } from "node:path";
import pino from "pino";
import { type App, createApp } from "../src/app.js";
import { createLogger } from "../src/observability/logger.js";
import { continueUrlOf, pressConnectButton } from "../test/connect/harness.js";
import { type FakeSpeech, startFakeSpeech } from "../test/fakes/fake-speech.js";
import type { StoredMessage } from "../test/fakes/fake-telegram.js";
import type { FakeZoom } from "../test/fakes/fake-zoom.js";
import { type FakeSummaryApi, startFakeSummaryApi } from "../test/meeting/fake-summary-api.js";
import { testConfig } from "../test/support/config.js";
import { makeTestAudio } from "../test/support/media.js";
import {
  type Fakes,
  freePort,
  makeMediaDir,
  postSignedWebhook,
  processEnv,
  serviceEnv,
  startFakes,
} from "../test/support/world.js";

const CHAT = 501;
const TOPIC = "Weekly product sync";
const MEETING_UUID = "dEmO/Meeting+uuid==";
/** The second meeting (its topic passes the demo's "product sync" filter): no Zoom transcript. */
const STT_TOPIC = "Onboarding product sync";
const STT_UUID = "dEmO/NoTranscript+uuid==";
/** What the fake speech-to-text server "hears" in the second meeting's audio. */
const SPOKEN = [
  "We looked at both onboarding designs and agreed to ship the shorter one.",
  "Carol will update the mock-ups by Friday, and Bob writes the migration guide.",
  "We still don't know whether the old flow needs a deprecation notice.",
];
const STT_SUMMARY = JSON.stringify({
  overview: "The team chose the shorter onboarding design.",
  key_points: ["Both onboarding designs were compared."],
  decisions: ["Ship the shorter onboarding design."],
  action_items: [
    { task: "Update the mock-ups", owner: "Carol", due: "Friday" },
    { task: "Write the migration guide", owner: "Bob", due: null },
  ],
  open_questions: ["Does the old flow need a deprecation notice?"],
});
const TIMEOUT_MS = 90_000;
const VTT = `WEBVTT

1
00:00:01.000 --> 00:00:05.000
Ann Lee: Good morning everyone, let's go through the release plan.

2
00:00:05.500 --> 00:00:10.000
Bob Stone: The beta goes out on Thursday; the changelog is ready.

3
00:00:10.500 --> 00:00:15.000
Ann Lee: Great. Then we announce it on Monday and collect feedback for a week.
`;

const say = (line = "") => process.stdout.write(`${line}\n`);

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const dir = makeMediaDir("zoomgram-demo-");
  let fakes: Fakes | undefined;
  let speech: FakeSpeech | undefined;
  let summaryApi: FakeSummaryApi | undefined;
  let app: App | undefined;
  try {
    say("Zoomgram demo: the real service against a fake Zoom and a fake Telegram on 127.0.0.1.");
    say();
    fakes = await startFakes();
    const { zoom, tg } = fakes;
    // One piece (15 s of audio, pieces of up to 10 minutes): it "says" the whole script.
    speech = await startFakeSpeech({
      segmentsFor: (request) =>
        request.index === 0 ? SPOKEN.map((text, i) => ({ start: 1 + i * 5, end: 5 + i * 5, text })) : [],
    });
    summaryApi = await startFakeSummaryApi(STT_SUMMARY);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = testConfig(
      processEnv(
        serviceEnv({
          zoom,
          tg,
          databaseUrl: `sqlite:${join(dir.path, "zoomgram.db")}`,
          mediaDir: join(dir.path, "media"),
          env: {
            ZOOM_REDIRECT: `${base}/zoom/callback`,
            HOST: "127.0.0.1",
            PORT: String(port),
            JOB_POLL_INTERVAL_MS: "200",
            STT_API_URL: speech.url,
            STT_WAIT_MINUTES: "0",
            SUMMARY_API_URL: summaryApi.url,
            LOG_LEVEL: "warn",
          },
        }),
      ),
    );
    // Warnings and errors go to stderr; stdout is the story.
    app = await createApp(config, { web: true, worker: true }, { logger: quietLogger(config) });
    await app.start();

    // 1. A Telegram user connects their Zoom account.
    const ann = zoom.addUser({
      email: "ann@example.com",
      first_name: "Ann",
      last_name: "Lee",
      timezone: "Europe/Berlin",
    });
    tg.addUser({ id: CHAT, first_name: "Ann", language_code: "en" });
    say(`1. Ann opens the bot and sends /connect.`);
    const typed: Array<{ messageId: number; text: string }> = [];
    const annSends = (text: string, replyTo?: number) => {
      const update = tg?.userSends({ chatId: CHAT, from: CHAT, text, ...(replyTo ? { replyTo } : {}) });
      const message = update?.message as { message_id: number } | undefined;
      if (message) typed.push({ messageId: message.message_id, text });
    };
    annSends("/connect");
    await tg.waitForSent((s) => s.chatId === CHAT && loginButtonUrl(s.replyMarkup) !== undefined, TIMEOUT_MS);
    say(`2. She taps "Connect Zoom" (Telegram signs who she is), confirms on Zoomgram's page`);
    say(`   and approves Zoomgram in (fake) Zoom.`);
    // Telegram opens the login_url button's link with Ann's signed identity added.
    const opened = pressConnectButton({ tg }, CHAT, CHAT);
    const confirmation = await fetch(opened);
    if (confirmation.status !== 200)
      throw new Error(`the confirmation page answered HTTP ${confirmation.status}`);
    // "Continue to Zoom": Zoom's consent, then back to the callback.
    const page = await fetch(continueUrlOf(await confirmation.text()), { redirect: "follow" });
    if (page.status !== 200) throw new Error(`the connect flow ended with HTTP ${page.status}`);
    await tg.waitForSent((s) => s.chatId === CHAT && (s.text ?? "").startsWith("✅"), TIMEOUT_MS);

    // 2. She chooses what arrives: /settings, one message with buttons, edited in place.
    say(`3. She sends /settings, taps "Topic contains…" and replies "product sync":`);
    say(`   only meetings whose topic contains it will arrive here.`);
    annSends("/settings");
    const panel = await tg.waitForSent(
      (s) => s.chatId === CHAT && (s.text ?? "").startsWith("⚙️"),
      TIMEOUT_MS,
    );
    tg.userPresses({ chatId: CHAT, from: CHAT, messageId: panel.messageId, data: "zg:set:topic:contains" });
    const question = await tg.waitForSent(
      (s) => s.chatId === CHAT && (s.replyMarkup as { force_reply?: boolean })?.force_reply === true,
      TIMEOUT_MS,
    );
    annSends("product sync", question.messageId);
    await tg.waitForSent((s) => s.chatId === CHAT && (s.text ?? "").startsWith("✅ Saved"), TIMEOUT_MS);

    // 3. Zoom records a meeting and tells Zoomgram, as it would: three signed webhooks.
    const audio = await makeTestAudio({ seconds: 20, bitrateKbps: 64 });
    zoom.addMeeting({
      uuid: MEETING_UUID,
      hostUserId: ann.id,
      topic: TOPIC,
      start_time: new Date(Date.now() - 30 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      duration: 1,
      files: [
        { file_type: "M4A", recording_type: "audio_only", path: audio },
        { file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: VTT },
      ],
    });
    zoom.setSummary(MEETING_UUID, {
      summary_overview: "The team agreed on the beta release plan.",
      summary_details: [{ label: "Release", summary: "Beta ships Thursday; announcement on Monday." }],
      next_steps: ["Bob publishes the changelog.", "Ann collects feedback for a week."],
    });
    say(`4. Ann records "${TOPIC}" to the cloud; Zoom sends recording.completed,`);
    say(`   then recording.transcript_completed and meeting.summary_completed.`);
    const webhookAt = Date.now();
    for (const event of [
      zoom.buildEvent("recording.completed", MEETING_UUID),
      zoom.buildEvent("recording.transcript_completed", MEETING_UUID),
      zoom.buildSummaryCompletedEvent(MEETING_UUID, "rivet"),
    ]) {
      const response = await postSignedWebhook(`${base}/webhooks/zoom`, event, config.zoom.webhookSecret);
      if (response.status !== 200) throw new Error(`the webhook was answered ${response.status}`);
    }

    // 4. Wait until every part of the meeting reached the chat.
    const db = app.services.db.kysely;
    const parts = await waitFor("the meeting's audio, transcript and summary", async () => {
      const rows = await db
        .selectFrom("deliveries")
        .select(["kind", "state"])
        .where("meeting_uuid", "=", MEETING_UUID)
        .execute();
      const settled = rows.filter((r) => ["delivered", "failed", "skipped"].includes(r.state));
      const kinds = new Set(rows.map((r) => r.kind));
      const complete = kinds.has("audio") && kinds.has("transcript") && kinds.has("summary");
      return complete && settled.length === rows.length ? rows : undefined;
    });
    const deliveredIn = ((Date.now() - webhookAt) / 1000).toFixed(1);
    // Let the meeting card's last edit land before printing.
    await waitFor("the meeting card", () =>
      tg.messages(CHAT).some((m) => (m.text ?? "").includes("✅")) ? true : undefined,
    ).catch(() => undefined);

    // 5. A meeting Zoom makes no transcript for: speech to text takes over.
    const sttParts = await meetingWithoutTranscript(
      zoom,
      ann.id,
      async (event) => {
        const response = await postSignedWebhook(`${base}/webhooks/zoom`, event, config.zoom.webhookSecret);
        if (response.status !== 200) throw new Error(`the webhook was answered ${response.status}`);
      },
      db,
    );
    await waitFor("the second meeting card", () =>
      tg.messages(CHAT).filter((m) => /^🎥 [^\n]*\n✅/.test(m.text ?? "")).length >= 2 ? true : undefined,
    ).catch(() => undefined);

    say();
    say("The chat, oldest message first:");
    say();
    const chat = [
      ...tg.messages(CHAT).map((m) => ({ messageId: m.messageId, line: render(m) })),
      ...typed.map((m) => ({ messageId: m.messageId, line: `  Ann: ${m.text}` })),
    ].sort((a, b) => a.messageId - b.messageId);
    for (const entry of chat) say(entry.line);
    say();
    const failed = [...parts, ...sttParts].filter((p) => p.state !== "delivered");
    if (failed.length > 0) {
      say(`✗ Not everything was delivered: ${failed.map((p) => `${p.kind} ${p.state}`).join(", ")}.`);
      return 1;
    }
    say(
      `✓ Speech to text: "${STT_TOPIC}" had no Zoom transcript; ${speech.requests.length} audio piece(s) were transcribed and summarized with decisions and action items.`,
    );
    say(
      `✓ Delivered: the audio, transcript and summary of "${TOPIC}" reached the chat ${deliveredIn} s after Zoom's webhook.`,
    );
    say(
      `  (${((Date.now() - started) / 1000).toFixed(1)} s in all.) Next: docs/deploy.md sets it up for real.`,
    );
    return 0;
  } finally {
    await app?.stop().catch((error) => process.stderr.write(`stopping: ${String(error)}\n`));
    await fakes?.close();
    await speech?.close();
    await summaryApi?.close();
    dir.remove();
  }
}

/** A second meeting, audio only: recording.completed, then wait until all of it settled. */
async function meetingWithoutTranscript(
  zoom: FakeZoom,
  hostUserId: string,
  post: (event: unknown) => Promise<void>,
  db: App["services"]["db"]["kysely"],
) {
  const audio = await makeTestAudio({ seconds: 15, bitrateKbps: 64 });
  zoom.addMeeting({
    uuid: STT_UUID,
    hostUserId,
    topic: STT_TOPIC,
    start_time: new Date(Date.now() - 20 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    duration: 1,
    files: [{ file_type: "M4A", recording_type: "audio_only", path: audio }],
  });
  say(`5. Ann records "${STT_TOPIC}"; this account makes no Zoom transcript, so only`);
  say(`   recording.completed comes. STT_API_URL points at a (fake) speech-to-text server.`);
  await post(zoom.buildEvent("recording.completed", STT_UUID));
  return waitFor("the second meeting's audio, transcript and summary", async () => {
    const rows = await db
      .selectFrom("deliveries")
      .select(["kind", "state"])
      .where("meeting_uuid", "=", STT_UUID)
      .execute();
    const kinds = new Set(rows.map((r) => r.kind));
    const settled = rows.every((r) => ["delivered", "failed", "skipped"].includes(r.state));
    return kinds.has("audio") && kinds.has("transcript") && kinds.has("summary") && settled
      ? rows
      : undefined;
  });
}

/** The app's own redacting logger, warnings and errors only, on stderr. */
function quietLogger(config: { telegram: { botToken: string }; zoom: { clientSecret: string } }) {
  return createLogger({
    level: "warn",
    secrets: [config.telegram.botToken, config.zoom.clientSecret],
    destination: pino.destination({ dest: 2, sync: true }),
  });
}

function loginButtonUrl(markup: unknown): string | undefined {
  const rows = (markup as { inline_keyboard?: Array<Array<{ login_url?: { url: string } }>> } | undefined)
    ?.inline_keyboard;
  return rows?.flat().find((b) => b.login_url)?.login_url?.url;
}

function buttons(markup: unknown): string {
  const rows = (markup as { inline_keyboard?: Array<Array<{ text: string }>> } | undefined)?.inline_keyboard;
  const labels = rows?.flat().map((b) => `[${b.text}]`) ?? [];
  return labels.length > 0 ? `\n      ${labels.join(" ")}` : "";
}

function indent(text: string): string {
  return text.split("\n").join("\n      ");
}

function render(m: StoredMessage): string {
  if (m.method === "user") return `  Ann: ${m.text ?? ""}`;
  const who = "  Bot:";
  const edited = m.edits.length > 0 ? ` (edited ${m.edits.length}×)` : "";
  if (m.files.length > 0) {
    const files = m.files
      .filter((f) => f.field !== "thumbnail")
      .map((f) => `${f.filename ?? f.field} (${kb(f.size)})`)
      .join(", ");
    const kind = m.method === "sendAudio" ? "🎧 audio" : m.method === "sendDocument" ? "📄 file" : m.method;
    const caption = m.caption ? `\n      ${indent(m.caption)}` : "";
    return `${who} ${kind}: ${files}${caption}${buttons(m.replyMarkup)}`;
  }
  return `${who}${edited} ${indent(m.text ?? m.caption ?? "")}${buttons(m.replyMarkup)}`;
}

const kb = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`);

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
