/**
 * doctor's speech-to-text line against the fake server: reachable, authorised, model known; a
 * wrong key, an unknown model, an unreachable host, a server without /models; remote named.
 */
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { checkSpeechEndpoint } from "../../src/cli/doctor-speech.js";
import { type FakeSpeech, startFakeSpeech } from "../fakes/fake-speech.js";
import { testConfig } from "../support/config.js";

let fake: FakeSpeech | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const check = (env: Record<string, string>, fetchImpl: typeof fetch = fetch) =>
  checkSpeechEndpoint({ config: testConfig(env), fetch: fetchImpl, timeoutMs: 5_000 });

describe("doctor: speech to text", () => {
  it("skips when STT_API_URL is unset", async () => {
    expect(await check({})).toMatchObject({ status: "skip" });
  });

  it("passes a reachable, authorised endpoint that knows the model", async () => {
    fake = await startFakeSpeech({ apiKey: "sk-1", models: ["whisper-1", "Systran/faster-whisper-small"] });
    const result = await check({ STT_API_URL: fake.url, STT_API_KEY: "sk-1" });
    expect(result).toEqual({
      name: "Speech to text",
      status: "ok",
      detail: "reachable, authorised, model whisper-1 is available",
    });
  });

  it("fails a refused key and warns about an unknown model", async () => {
    fake = await startFakeSpeech({ apiKey: "sk-1" });
    const refused = await check({ STT_API_URL: fake.url, STT_API_KEY: "wrong" });
    expect(refused).toMatchObject({ status: "fail", detail: "the endpoint refused STT_API_KEY (401)" });
    expect(JSON.stringify(refused)).not.toContain("wrong");
    const unknown = await check({
      STT_API_URL: `${fake.url}/audio/transcriptions`,
      STT_API_KEY: "sk-1",
      STT_MODEL: "large-v9",
    });
    expect(unknown).toMatchObject({ status: "warn", fix: expect.stringContaining("STT_MODEL") });
    expect(unknown.detail).toContain("large-v9 is not among its models (whisper-1)");
  });

  it("fails an unreachable endpoint", async () => {
    fake = await startFakeSpeech();
    const url = fake.url;
    await fake.close();
    fake = undefined;
    expect(await check({ STT_API_URL: url })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("cannot be reached"),
    });
  });

  it("falls back to the transcriptions route when the server has no /models (whisper.cpp)", async () => {
    const statuses: Record<string, number> = { "/v1/models": 404, "/v1/audio/transcriptions": 400 };
    const server = createServer((req, res) => {
      res.writeHead(statuses[req.url ?? ""] ?? 404).end();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as { port: number };
    try {
      const ok = await check({ STT_API_URL: `http://127.0.0.1:${port}/v1` });
      expect(ok).toMatchObject({
        status: "ok",
        detail: expect.stringContaining("the model cannot be checked"),
      });
      statuses["/v1/audio/transcriptions"] = 404;
      const wrong = await check({ STT_API_URL: `http://127.0.0.1:${port}/v1` });
      expect(wrong).toMatchObject({ status: "fail", fix: expect.stringContaining("--inference-path") });
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it("says when the audio leaves the machine", async () => {
    const answer = (async () =>
      new Response(JSON.stringify({ data: [{ id: "whisper-1" }] }), { status: 200 })) as typeof fetch;
    const remote = await check({ STT_API_URL: "https://api.openai.com/v1", STT_API_KEY: "sk" }, answer);
    expect(remote.detail).toContain("remote (api.openai.com): meeting audio leaves this machine");
    const local = await check({ STT_API_URL: "http://speaches:8000/v1" }, answer);
    expect(local.detail).not.toContain("remote");
  });
});
