/**
 * Issue 16 end to end, through the fakes (Zoom, Telegram, the speech-to-text server, the summary
 * API): a meeting Zoom makes no transcript for reaches the chat with a transcript transcribed from
 * its audio (several pieces, stitched with their offsets) and a summary of decisions, action items
 * and open questions; a Zoom transcript that comes later makes no second document; one that comes
 * within STT_WAIT_MINUTES leaves speech to text idle.
 */
import { afterEach, describe, expect, it } from "vitest";
import { findDeliveries, findMeeting } from "../../src/delivery/delivery.repository.js";
import { features } from "../../src/features.js";
import { createSpeechFeature } from "../../src/speech/speech.feature.js";
import { type FakeSpeech, startFakeSpeech } from "../fakes/fake-speech.js";
import { type FakeSummaryApi, startFakeSummaryApi } from "../meeting/fake-summary-api.js";
import { type MeetingHarness, startMeetingHarness } from "../meeting/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { testAudioForFile } from "../support/each-test.js";

const UUID = "sttMeeting0000000000==";
const SPOKEN = [
  "Let's decide on the release date for version 2.4.",
  "We agreed to release version 2.4 on Thursday.",
  "Ben will write the release notes by Wednesday.",
];
const SUMMARY_JSON = JSON.stringify({
  overview: "The team set the release date for version 2.4.",
  key_points: ["The migration passed on staging."],
  decisions: ["Release version 2.4 on Thursday."],
  action_items: [
    { task: "Write the release notes", owner: "Ben", due: "Wednesday" },
    { task: "Tell the customers", owner: null, due: null },
  ],
  open_questions: ["Who updates the staging database?"],
});
const VTT = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nAnna Keller: Zoom's own transcript.\n";

const audio = testAudioForFile({ seconds: 14, bitrateKbps: 32 });

let bench: MeetingHarness;
let speech: FakeSpeech;
let summaryApi: FakeSummaryApi;
let waits: number[];
afterEach(async () => {
  await bench?.close();
  await speech?.close();
  await summaryApi?.close();
});

async function setup(
  options: {
    transcriptHidden?: boolean;
    withTranscript?: boolean;
    env?: Record<string, string>;
    /** Without SUMMARY_API_URL: the built-in extractive summary. */
    offline?: boolean;
    /** What Zoom's transcript file holds (default a one-cue VTT). */
    zoomVtt?: string;
  } = {},
) {
  let said = 0;
  speech = await startFakeSpeech({
    segmentsFor: () => [{ start: 0.2, end: 3, text: SPOKEN[said++] ?? `Piece ${said}.` }],
  });
  summaryApi = await startFakeSummaryApi(SUMMARY_JSON);
  waits = [];
  bench = await startMeetingHarness({
    env: {
      STT_API_URL: speech.url,
      STT_WAIT_MINUTES: "10",
      ...(options.offline ? {} : { SUMMARY_API_URL: summaryApi.url }),
      ...options.env,
    },
    // A tiny piece limit (20 kB: 5 s of 24 kbit/s Opus) makes 14 s of audio need three pieces.
    features: features.map((f) =>
      f.name === "speech"
        ? {
            name: "speech",
            build: (services) =>
              createSpeechFeature(services, {
                maxPieceBytes: 20_000,
                sleep: async (ms) => {
                  waits.push(ms);
                },
              }),
          }
        : f,
    ),
  });
  bench.addRecording({
    uuid: UUID,
    topic: "Weekly sync",
    duration: 1,
    audio: audio(),
    ...(options.withTranscript ? { vtt: options.zoomVtt ?? VTT } : {}),
  });
  if (options.transcriptHidden) {
    const transcript = bench.zoom.meeting(UUID)?.files.find((f) => f.file_type === "TRANSCRIPT");
    bench.zoom.setFileHidden(UUID, transcript!.id, true);
  }
}

async function post(body: Record<string, unknown>) {
  const response = await bench.post(body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

const byMethod = (method: string) => bench.messages().filter((m) => m.method === method);
const documents = () => byMethod("sendDocument");
const summaries = () => byMethod("sendMessage").filter((m) => m.text?.startsWith("🧠 "));

describe(`speech to text on ${TEST_DIALECT}`, () => {
  it("a meeting without a Zoom transcript gets one from its audio, in pieces, and an actionable summary", async () => {
    await setup();
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(60_000);
    expect(byMethod("sendAudio")).toHaveLength(1);
    expect(speech.requests).toHaveLength(0); // Zoom gets STT_WAIT_MINUTES to send its own
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: waiting");

    speech.rateLimit(1, 9);
    await bench.settle(15 * 60_000);

    // 14 s in 5 s pieces; the rate-limited first upload was repeated after the server's retry-after.
    expect(speech.requests).toHaveLength(4);
    expect(waits).toEqual([9_000]);
    for (const request of speech.requests) {
      expect(request.fields).toMatchObject({
        model: "whisper-1",
        language: "en",
        response_format: "verbose_json",
      });
      expect(request.file.contentType).toBe("audio/ogg");
      expect(request.file.head.subarray(0, 4).toString("latin1")).toBe("OggS");
      expect(request.file.bytes).toBeLessThanOrEqual(20_000);
    }
    expect(speech.requests[2]?.fields.prompt).toContain(SPOKEN[0]);

    const [doc] = documents();
    expect(documents()).toHaveLength(1);
    expect(doc?.caption).toBe("📝 Transcript (speech to text): Weekly sync");
    expect(doc?.files[0]?.filename).toBe("2026-03-01 Weekly sync - Transcript.txt");
    const meeting = await findMeeting(bench.app.services.db.kysely, UUID);
    // Each piece's segment shifted by the piece's offset: 0 s, 5 s, 10 s.
    expect(meeting?.speech_transcript).toContain(`00:00:00.200 --> 00:00:03.000\n${SPOKEN[0]}`);
    expect(meeting?.speech_transcript).toContain(`00:00:05.200 --> 00:00:08.000\n${SPOKEN[1]}`);
    expect(meeting?.speech_transcript).toContain(`00:00:10.200 --> 00:00:13.000\n${SPOKEN[2]}`);

    const [summary] = summaries();
    expect(summary?.text).toContain("Generated automatically from the transcript");
    expect(summary?.text).toContain("Decisions\n• Release version 2.4 on Thursday.");
    expect(summary?.text).toContain(
      "Action items\n• Ben: Write the release notes (Wednesday)\n• Tell the customers",
    );
    expect(summary?.text).toContain("Open questions\n• Who updates the staging database?");
    const asked = summaryApi.requests[0]?.body as { messages: Array<{ content: string }> };
    expect(asked.messages[1]?.content).toContain(SPOKEN[2]);

    const card = bench.cards()[0]?.text ?? "";
    expect(card).toContain("📝 Transcript: ✓ done (speech to text)");
    expect(card).toContain("✅ All done");
    const text = await bench.app.services.metrics.registry.getSingleMetricAsString(
      "zoomgram_speech_minutes_total",
    );
    expect(text).toMatch(/zoomgram_speech_minutes_total 0\.23/);
    const failures = await bench.app.services.metrics.registry.getSingleMetricAsString(
      "zoomgram_speech_failures_total",
    );
    expect(failures).not.toContain('cause="rate_limited"'); // retried in time: not a failure
    expect(bench.tg.internalErrors).toEqual([]);
  });

  it("a Zoom transcript that comes after ours makes no second document", async () => {
    await setup({ withTranscript: true, transcriptHidden: true });
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(15 * 60_000);
    expect(documents()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);

    const transcript = bench.zoom.meeting(UUID)?.files.find((f) => f.file_type === "TRANSCRIPT");
    bench.zoom.setFileHidden(UUID, transcript!.id, false);
    await post(bench.zoom.buildEvent("recording.transcript_completed", UUID));
    await bench.settle();
    expect(documents()).toHaveLength(1);
    expect(summaries()).toHaveLength(1);
    const rows = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["transcript"]);
    expect(rows.map((r) => [r.file_id, r.state, r.detail])).toEqual([
      ["speech-to-text", "delivered", "stt"],
      [transcript!.id, "skipped", "transcript already sent"],
    ]);
    expect(bench.cards()[0]?.text).toContain("✓ done (speech to text)");
  });

  it("a Zoom transcript within STT_WAIT_MINUTES leaves speech to text idle; the card says Zoom", async () => {
    await setup({ withTranscript: true });
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(60_000);
    await post(bench.zoom.buildEvent("recording.transcript_completed", UUID));
    await bench.settle(15 * 60_000);
    expect(speech.requests).toHaveLength(0);
    expect(documents()).toHaveLength(1);
    expect(documents()[0]?.caption).toBe("📝 Transcript: Weekly sync");
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: ✓ done (Zoom)");
  });

  it("speech to text that keeps failing marks the transcript failed and still settles the summary", async () => {
    await setup({ env: { JOB_MAX_ATTEMPTS: "2" } });
    speech.fail(500, 100);
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(24 * 3_600_000 - 60_000);
    expect(documents()).toHaveLength(0);
    const card = bench.cards()[0]?.text ?? "";
    expect(card).toContain("📝 Transcript: ✗");
    expect(card).toContain("speech to text couldn't transcribe the audio");
    expect(card).toContain("🧠 Summary: not available");
    const failures = await bench.app.services.metrics.registry.getSingleMetricAsString(
      "zoomgram_speech_failures_total",
    );
    expect(failures).toContain('cause="server"');
    expect(failures).toContain('cause="meeting"} 1');
  });

  it("Zoom lists a ready transcript whose webhook never came: that one is delivered, nothing transcribed", async () => {
    await setup({ withTranscript: true });
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(15 * 60_000);
    expect(speech.requests).toHaveLength(0);
    expect(documents()).toHaveLength(1);
    expect(documents()[0]?.caption).toBe("📝 Transcript: Weekly sync");
    const rows = await findDeliveries(bench.app.services.db.kysely, UUID, bench.chatId, ["transcript"]);
    expect(rows.map((r) => r.state)).toEqual(["delivered"]);
  });

  it("without a summary API the transcript from speech to text still gets the built-in summary", async () => {
    await setup({ offline: true });
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A"] }));
    await bench.settle(15 * 60_000);
    expect(documents()).toHaveLength(1);
    const [summary] = summaries();
    expect(summary?.text).toContain("Key points\n• ");
    expect(summary?.text).toContain("release");
    expect(summary?.text).not.toContain("Speaking time");
    expect(summaryApi.requests).toHaveLength(0);
  });

  it("a Zoom transcript with nothing in it is replaced by speech to text at once", async () => {
    await setup({ withTranscript: true, zoomVtt: "WEBVTT\n\n" });
    await post(bench.zoom.buildEvent("recording.completed", UUID, { fileTypes: ["M4A", "TRANSCRIPT"] }));
    await bench.settle(60_000);
    expect(speech.requests.length).toBeGreaterThanOrEqual(3);
    expect(documents()).toHaveLength(1);
    expect(documents()[0]?.caption).toBe("📝 Transcript (speech to text): Weekly sync");
    expect(summaries()[0]?.text).toContain("Decisions\n• Release version 2.4 on Thursday.");
    expect(bench.cards()[0]?.text).toContain("📝 Transcript: ✓ done (speech to text)");
  });
});
