/**
 * The speech-to-text client against the fake server: URL forms, what it sends, every
 * response_format read into segments, retries on 429/5xx honouring retry-after (the injected sleep
 * records the waits), and the errors a job turns into a reschedule or a failure.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  createSpeechClient,
  modelsUrl,
  parseRetryAfterHeader,
  SpeechApiError,
  transcriptionsUrl,
} from "../../src/stt/speech-client.js";
import { stitchPieces } from "../../src/stt/stitch.js";
import { parseTranscription } from "../../src/stt/transcription-format.js";
import { parseVtt } from "../../src/transcript/vtt.js";
import { writeVtt } from "../../src/transcript/write-vtt.js";
import { type FakeSpeech, startFakeSpeech } from "../fakes/fake-speech.js";
import { closingAfterEachTest } from "../support/each-test.js";

const dir = mkdtempSync(join(tmpdir(), "zoomgram-stt-"));
const piece = join(dir, "piece-001.ogg");
writeFileSync(piece, Buffer.from("OggS fake audio"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeSpeech;
const startFake = closingAfterEachTest(startFakeSpeech);

const SEGMENTS = [
  { start: 0.5, end: 2, text: "We ship on Friday." },
  { start: 2, end: 4.25, text: "Ben writes the notes." },
];

function client(options: Partial<Parameters<typeof createSpeechClient>[0]> = {}) {
  const waits: number[] = [];
  const c = createSpeechClient({
    url: fake.url,
    model: "whisper-1",
    sleep: async (ms) => {
      waits.push(ms);
    },
    now: () => Date.UTC(2026, 2, 1),
    ...options,
  });
  return { c, waits };
}

const input = { path: piece, contentType: "audio/ogg", durationMs: 5_000 };

describe("speech-to-text client", () => {
  it("appends /audio/transcriptions to a base URL and keeps a full one", () => {
    expect(transcriptionsUrl("https://api.openai.com/v1").href).toBe(
      "https://api.openai.com/v1/audio/transcriptions",
    );
    expect(transcriptionsUrl("http://speaches:8000/v1/").href).toBe(
      "http://speaches:8000/v1/audio/transcriptions",
    );
    expect(transcriptionsUrl("http://w:8080/v1/audio/transcriptions").href).toBe(
      "http://w:8080/v1/audio/transcriptions",
    );
    expect(modelsUrl("http://w:8080/v1/audio/transcriptions?x=1").href).toBe("http://w:8080/v1/models");
    expect(modelsUrl("https://api.openai.com/v1").href).toBe("https://api.openai.com/v1/models");
  });

  it("sends file, model, language, prompt, verbose_json with segment timestamps and the key", async () => {
    fake = await startFake({ apiKey: "sk-1", segmentsFor: () => SEGMENTS });
    const { c } = client({ apiKey: "sk-1" });
    const result = await c.transcribe({ ...input, language: "de", prompt: "Vorher." });
    expect(result).toEqual({
      language: "de",
      attempts: 1,
      segments: [
        { startMs: 500, endMs: 2000, text: "We ship on Friday." },
        { startMs: 2000, endMs: 4250, text: "Ben writes the notes." },
      ],
    });
    expect(fake.requests[0]).toMatchObject({
      authorization: "Bearer sk-1",
      fields: { model: "whisper-1", language: "de", prompt: "Vorher.", response_format: "verbose_json" },
      granularities: ["segment"],
      file: { filename: "piece-001.ogg", contentType: "audio/ogg", bytes: 15 },
    });
  });

  it.each(["json", "text", "srt", "vtt", "verbose_json"] as const)(
    "reads response_format %s",
    async (format) => {
      fake = await startFake({ segmentsFor: () => SEGMENTS });
      const { c } = client({ responseFormat: format });
      const { segments } = await c.transcribe(input);
      expect(fake.requests[0]?.fields.response_format).toBe(format);
      if (format === "json" || format === "text") {
        expect(segments).toEqual([
          { startMs: 0, endMs: 5000, text: "We ship on Friday. Ben writes the notes." },
        ]);
      } else {
        expect(segments.map((s) => [s.startMs, s.endMs, s.text])).toEqual([
          [500, 2000, "We ship on Friday."],
          [2000, 4250, "Ben writes the notes."],
        ]);
      }
    },
  );

  it("retries 429 after the server's retry-after and 5xx with backoff", async () => {
    fake = await startFake();
    fake.rateLimit(1, 7);
    fake.fail(503);
    const { c, waits } = client();
    const result = await c.transcribe(input);
    expect(result.attempts).toBe(3);
    expect(waits).toEqual([7_000, 2_000]);
    expect(fake.requests).toHaveLength(3);
  });

  it("gives up after its attempts with a retryable error that carries the delay", async () => {
    fake = await startFake();
    fake.rateLimit(5, 30);
    const { c, waits } = client({ maxAttempts: 3 });
    const error = await c.transcribe(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechApiError);
    expect(error).toMatchObject({ code: "http", status: 429, retryAfterMs: 30_000, retryable: true });
    expect(waits).toEqual([30_000, 30_000]);
  });

  it("does not sleep through a retry-after longer than it may wait", async () => {
    fake = await startFake();
    fake.rateLimit(1, 3600);
    const { c, waits } = client();
    await expect(c.transcribe(input)).rejects.toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect(waits).toEqual([]);
  });

  it("413, 401 and an unknown model fail at once, not retryable", async () => {
    fake = await startFake({ maxFileBytes: 10, apiKey: "k" });
    const tooLarge = await client({ apiKey: "k" })
      .c.transcribe(input)
      .catch((e: unknown) => e);
    expect(tooLarge).toMatchObject({ code: "too_large", status: 413, retryable: false });
    const refused = await client({ apiKey: "wrong" })
      .c.transcribe(input)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "http", status: 401, retryable: false });
    expect((refused as Error).message).toContain("Incorrect API key provided");
    expect(fake.requests).toHaveLength(1);
  });

  it("an unreachable endpoint is retryable", async () => {
    fake = await startFake();
    const url = fake.url;
    await fake.close();
    const { c } = client({ url, maxAttempts: 1 });
    await expect(c.transcribe(input)).rejects.toMatchObject({ code: "unreachable", retryable: true });
  });

  it("reads retry-after as seconds or an HTTP date", () => {
    const now = Date.UTC(2026, 2, 1, 12, 0, 0);
    expect(parseRetryAfterHeader("20", now)).toBe(20_000);
    expect(parseRetryAfterHeader("1.5", now)).toBe(1_500);
    expect(parseRetryAfterHeader("Sun, 01 Mar 2026 12:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfterHeader("soon", now)).toBeUndefined();
    expect(parseRetryAfterHeader(null, now)).toBeUndefined();
  });

  it("refuses answers that are not what the format promises", () => {
    expect(parseTranscription("verbose_json", "<html>", 1000)).toBeUndefined();
    expect(parseTranscription("json", '{"nope":1}', 1000)).toBeUndefined();
    expect(parseTranscription("text", "  ", 1000)).toEqual({ segments: [] });
  });
});

describe("stitching pieces", () => {
  it("shifts each piece's segments by its offset, clamps to the piece and drops a repeat across the cut", () => {
    const cues = stitchPieces([
      {
        offsetMs: 300_000,
        durationMs: 120_000,
        segments: [
          { startMs: 0, endMs: 1_000, text: "Ben writes the notes." },
          { startMs: 1_000, endMs: 999_000, text: "Questions?" },
        ],
      },
      {
        offsetMs: 0,
        durationMs: 300_000,
        segments: [
          { startMs: 2_000, endMs: 5_000, text: "We ship on Friday." },
          { startMs: 299_000, endMs: 300_000, text: "Ben writes the notes." },
        ],
      },
    ]);
    expect(cues).toEqual([
      { startMs: 2_000, endMs: 5_000, text: "We ship on Friday." },
      { startMs: 299_000, endMs: 300_000, text: "Ben writes the notes." },
      { startMs: 301_000, endMs: 420_000, text: "Questions?" },
    ]);
  });

  it("round-trips through WebVTT, which the transcript renderer reads", () => {
    const cues = [
      { startMs: 2_000, endMs: 5_000, text: "We ship on Friday." },
      { startMs: 3_723_004, endMs: 3_724_000, speaker: "Ben", text: "Notes --> me." },
    ];
    const vtt = writeVtt(cues);
    expect(vtt).toContain("01:02:03.004 --> 01:02:04.000\nBen: Notes → me.");
    expect(parseVtt(vtt)).toEqual([cues[0], { ...cues[1], text: "Notes → me." }]);
  });
});
