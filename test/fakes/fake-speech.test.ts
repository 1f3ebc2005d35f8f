/**
 * The fake speech-to-text server against the OpenAI shape it imitates: multipart upload, every
 * response_format, errors as `{"error":{…}}`, 401, 413 over the limit, 429 with retry-after.
 */
import { describe, expect, it } from "vitest";
import { closingAfterEachTest } from "../support/each-test.js";
import { type FakeSpeech, OPENAI_MAX_FILE_BYTES, startFakeSpeech } from "./fake-speech.js";

let fake: FakeSpeech;
const startFake = closingAfterEachTest(startFakeSpeech);

const SEGMENTS = [
  { start: 0, end: 2.5, text: "We ship on Friday." },
  { start: 2.5, end: 61.25, text: "Ben writes the notes." },
];

function upload(fields: Record<string, string>, bytes = 100, headers: Record<string, string> = {}) {
  const form = new FormData();
  const audio = new Uint8Array(bytes);
  audio.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
  form.append("file", new Blob([audio], { type: "audio/ogg" }), "piece-001.ogg");
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return fetch(`${fake.url}/audio/transcriptions`, { method: "POST", body: form, headers });
}

describe("fake speech-to-text server", () => {
  it("parses the multipart upload and records fields, granularities and the file", async () => {
    fake = await startFake({ segmentsFor: () => SEGMENTS });
    const form = new FormData();
    form.append(
      "file",
      new Blob([new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2])], { type: "audio/ogg" }),
      "a b.ogg",
    );
    form.append("model", "whisper-1");
    form.append("language", "de");
    form.append("prompt", "Vorher gesagt.");
    form.append("response_format", "verbose_json");
    form.append("timestamp_granularities[]", "segment");
    form.append("timestamp_granularities[]", "word");
    const response = await fetch(`${fake.url}/audio/transcriptions`, {
      method: "POST",
      body: form,
      headers: { authorization: "Bearer k" },
    });
    expect(response.status).toBe(200);
    const [request] = fake.requests;
    expect(request?.fields).toEqual({
      model: "whisper-1",
      language: "de",
      prompt: "Vorher gesagt.",
      response_format: "verbose_json",
    });
    expect(request?.granularities).toEqual(["segment", "word"]);
    expect(request?.file).toMatchObject({ filename: "a b.ogg", contentType: "audio/ogg", bytes: 6 });
    expect(request?.file.head.subarray(0, 4).toString("latin1")).toBe("OggS");
    expect(request?.authorization).toBe("Bearer k");
    const body = (await response.json()) as {
      language: string;
      segments: Array<{ start: number; text: string }>;
    };
    expect(body.language).toBe("de");
    expect(body.segments.map((s) => [s.start, s.text])).toEqual([
      [0, " We ship on Friday."],
      [2.5, " Ben writes the notes."],
    ]);
  });

  it("answers every response_format", async () => {
    fake = await startFake({ segmentsFor: () => SEGMENTS });
    const answers: Record<string, { type: string | null; body: string }> = {};
    for (const format of ["json", "text", "srt", "verbose_json", "vtt"]) {
      const response = await upload({ model: "whisper-1", response_format: format });
      expect(response.status).toBe(200);
      answers[format] = { type: response.headers.get("content-type"), body: await response.text() };
    }
    expect(JSON.parse(answers.json!.body)).toEqual({ text: "We ship on Friday. Ben writes the notes." });
    expect(answers.text!.body).toBe("We ship on Friday. Ben writes the notes.\n");
    expect(answers.text!.type).toMatch(/^text\/plain/);
    expect(answers.srt!.body).toBe(
      "1\n00:00:00,000 --> 00:00:02,500\nWe ship on Friday.\n\n2\n00:00:02,500 --> 00:01:01,250\nBen writes the notes.\n",
    );
    expect(answers.vtt!.body).toBe(
      "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWe ship on Friday.\n\n00:00:02.500 --> 00:01:01.250\nBen writes the notes.\n",
    );
    const verbose = JSON.parse(answers.verbose_json!.body) as {
      task: string;
      duration: number;
      text: string;
    };
    expect(verbose).toMatchObject({ task: "transcribe", language: "en", duration: 61.25 });
    // json is the default when response_format is left out.
    const plain = await upload({ model: "whisper-1" });
    expect(await plain.json()).toEqual({ text: "We ship on Friday. Ben writes the notes." });
  });

  it("refuses a file over the limit with 413 (OpenAI's 25 MB by default)", async () => {
    expect(OPENAI_MAX_FILE_BYTES).toBe(26_214_400);
    fake = await startFake({ maxFileBytes: 1_000 });
    expect((await upload({ model: "whisper-1" }, 1_000)).status).toBe(200);
    const response = await upload({ model: "whisper-1" }, 1_001);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining("1000") } });
  });

  it("answers 429 with retry-after, then normally", async () => {
    fake = await startFake();
    fake.rateLimit(2, 7);
    for (let i = 0; i < 2; i++) {
      const limited = await upload({ model: "whisper-1" });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("7");
      expect(await limited.json()).toMatchObject({
        error: { type: "requests", message: "Rate limit reached" },
      });
    }
    const ok = await upload({ model: "whisper-1" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ text: "Piece 3." });
    fake.fail(503);
    expect((await upload({ model: "whisper-1" })).status).toBe(503);
  });

  it("checks the key, the model, the file and the format, and lists its models", async () => {
    fake = await startFake({
      apiKey: "sk-test",
      models: ["whisper-1", "Systran/faster-whisper-small"],
    });
    const unauthorized = await upload({ model: "whisper-1" });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { code: "invalid_api_key" } });
    const auth = { authorization: "Bearer sk-test" };
    expect((await upload({ model: "nope" }, 10, auth)).status).toBe(404);
    expect((await upload({}, 10, auth)).status).toBe(400);
    expect((await upload({ model: "whisper-1", response_format: "mp3" }, 10, auth)).status).toBe(400);
    const noFile = new FormData();
    noFile.append("model", "whisper-1");
    expect(
      (await fetch(`${fake.url}/audio/transcriptions`, { method: "POST", body: noFile, headers: auth }))
        .status,
    ).toBe(400);
    const models = await fetch(`${fake.url}/models`, { headers: auth });
    expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual([
      "whisper-1",
      "Systran/faster-whisper-small",
    ]);
    expect((await fetch(`${fake.url}/models`)).status).toBe(401);
  });
});
