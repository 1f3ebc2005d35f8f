import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  buildMessages,
  chatCompletionsUrl,
  createSummaryApiClient,
  SummaryApiError,
} from "../../src/transcript/summary-api.js";

const input = {
  transcriptText: "[00:00:02] Anna:\nWe ship on Friday.",
  topic: "Weekly sync",
  language: "de",
};

const completion = (content: unknown) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
});

type Recorded = { url: string; init: RequestInit };

function fetchDouble(respond: (req: Recorded) => Response | Promise<Response>) {
  const calls: Recorded[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const req = { url: String(url), init: init ?? {} };
    calls.push(req);
    return respond(req);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function rejection(promise: Promise<unknown>): Promise<SummaryApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SummaryApiError);
  return error as SummaryApiError;
}

describe("chatCompletionsUrl", () => {
  it("appends /chat/completions to a base URL and keeps a full one", () => {
    expect(String(chatCompletionsUrl("https://api.openai.com/v1"))).toBe(
      "https://api.openai.com/v1/chat/completions",
    );
    expect(String(chatCompletionsUrl("https://api.openai.com/v1/"))).toBe(
      "https://api.openai.com/v1/chat/completions",
    );
    expect(String(chatCompletionsUrl("http://127.0.0.1:8080/v1/chat/completions"))).toBe(
      "http://127.0.0.1:8080/v1/chat/completions",
    );
    expect(
      String(chatCompletionsUrl("https://x.openai.azure.com/openai/deployments/m?api-version=2024-06-01")),
    ).toBe("https://x.openai.azure.com/openai/deployments/m/chat/completions?api-version=2024-06-01");
  });

  it("rejects an invalid URL", () => {
    expect(() => chatCompletionsUrl("not a url")).toThrow(TypeError);
  });
});

describe("buildMessages", () => {
  it("asks for decisions, action items with owners and open questions, as JSON, in the requested language", () => {
    const [system, user] = buildMessages(input, 1000);
    expect(system?.role).toBe("system");
    expect(system?.content).toContain("German (de)");
    expect(system?.content).toContain('"key_points"');
    expect(system?.content).toContain('"decisions"');
    expect(system?.content).toContain('"action_items"');
    expect(system?.content).toMatch(/"owner": who does it/);
    expect(system?.content).toContain('"open_questions"');
    expect(user).toEqual({
      role: "user",
      content: "Meeting topic: Weekly sync\n\nTranscript:\n[00:00:02] Anna:\nWe ship on Friday.",
    });
  });

  it("names an unknown language by its code", () => {
    expect(buildMessages({ ...input, language: "zz" }, 1000)[0]?.content).toContain('code "zz"');
    expect(buildMessages({ ...input, language: "!!" }, 1000)[0]?.content).toContain('code "!!"');
  });

  it("keeps the head and tail of a very long transcript within the budget", () => {
    const transcript = `START ${"middle ".repeat(10_000)}END`;
    const user = buildMessages({ ...input, transcriptText: transcript }, 2000)[1]!.content;
    expect(user.length).toBeLessThan(2100);
    expect(user).toContain("START");
    expect(user).toMatch(/END$/);
    expect(user).toMatch(/characters omitted/);
  });
});

describe("createSummaryApiClient with a fetch double", () => {
  it("posts a chat completion request and returns the trimmed content", async () => {
    const { fetch, calls } = fetchDouble(() => json(completion("  Zusammenfassung.\n")));
    const client = createSummaryApiClient({
      url: "https://llm.example/v1",
      apiKey: "sk-test",
      model: "m1",
      fetch,
    });
    await expect(client.summarize(input)).resolves.toBe("Zusammenfassung.");
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe("https://llm.example/v1/chat/completions");
    expect(init.method).toBe("POST");
    expect(init.headers).toMatchObject({
      authorization: "Bearer sk-test",
      "content-type": "application/json",
    });
    const body = JSON.parse(String(init.body));
    expect(body.model).toBe("m1");
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["system", "user"]);
  });

  it("omits Authorization and model when not configured", async () => {
    const { fetch, calls } = fetchDouble(() => json(completion("ok")));
    await createSummaryApiClient({ url: "http://localhost:8080/v1", fetch }).summarize(input);
    expect(Object.keys(calls[0]!.init.headers as Record<string, string>)).not.toContain("authorization");
    expect(JSON.parse(String(calls[0]!.init.body))).not.toHaveProperty("model");
  });

  it("drops <think> blocks from reasoning models", async () => {
    const { fetch } = fetchDouble(() => json(completion("<think>hmm\nlet me see</think>\n\nSummary.")));
    await expect(createSummaryApiClient({ url: "http://h/v1", fetch }).summarize(input)).resolves.toBe(
      "Summary.",
    );
  });

  it("reports an HTTP error with status and the provider's message, never the key", async () => {
    const { fetch } = fetchDouble(() =>
      json({ error: { message: "Rate limit reached", type: "requests" } }, 429),
    );
    const error = await rejection(
      createSummaryApiClient({ url: "http://h/v1", apiKey: "sk-secret", fetch }).summarize(input),
    );
    expect(error.code).toBe("http");
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Rate limit reached");
    expect(error.message).not.toContain("sk-secret");
  });

  it("marks a 400 as not retryable and quotes a non-JSON error body", async () => {
    const { fetch } = fetchDouble(() => new Response("<html>Bad gateway config</html>", { status: 400 }));
    const error = await rejection(createSummaryApiClient({ url: "http://h/v1", fetch }).summarize(input));
    expect([error.code, error.status, error.retryable]).toEqual(["http", 400, false]);
    expect(error.message).toContain("Bad gateway config");
  });

  it("wraps a network failure as http without a status", async () => {
    const cause = new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") });
    const fetch = (async () => {
      throw cause;
    }) as typeof globalThis.fetch;
    const error = await rejection(createSummaryApiClient({ url: "http://h/v1", fetch }).summarize(input));
    expect([error.code, error.status, error.retryable, error.cause]).toEqual([
      "http",
      undefined,
      true,
      cause,
    ]);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it.each([
    ["an HTML page with 200", new Response("<html>login</html>", { status: 200 })],
    ["no choices", json({ choices: [] })],
    ["null content", json(completion(null))],
    ["empty content", json(completion("  "))],
    ["a different shape", json({ output: "text" })],
  ])("rejects %s as bad_response", async (_, response) => {
    const { fetch } = fetchDouble(() => response);
    const error = await rejection(createSummaryApiClient({ url: "http://h/v1", fetch }).summarize(input));
    expect(error.code).toBe("bad_response");
    expect(error.status).toBe(200);
    expect(error.retryable).toBe(false);
  });

  it("times out a hanging request", async () => {
    const fetch = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as unknown as typeof globalThis.fetch;
    const error = await rejection(
      createSummaryApiClient({ url: "http://h/v1", fetch, timeoutMs: 20 }).summarize(input),
    );
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("rethrows the caller's abort reason instead of a SummaryApiError", async () => {
    const fetch = ((_url: string, init: RequestInit) =>
      new Promise((_, reject) => {
        if (init.signal?.aborted) reject(init.signal.reason);
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as unknown as typeof globalThis.fetch;
    const controller = new AbortController();
    const reason = new Error("worker shutting down");
    const pending = createSummaryApiClient({ url: "http://h/v1", fetch }).summarize(input, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("createSummaryApiClient against a real HTTP server", () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function listen(
    handler: (req: IncomingMessage, body: string) => [number, string] | "hang",
  ): Promise<string> {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const answer = handler(req, Buffer.concat(chunks).toString("utf8"));
        if (answer === "hang") {
          res.writeHead(200, { "content-type": "application/json" });
          res.write('{"choices": [');
          return;
        }
        res.writeHead(answer[0], { "content-type": "application/json" });
        res.end(answer[1]);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  }

  it("sends an OpenAI-shaped request and parses the answer", async () => {
    const seen: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"]; body: unknown }> =
      [];
    const base = await listen((req, body) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: JSON.parse(body) });
      return [200, JSON.stringify(completion("Überblick: Release am Freitag."))];
    });
    const client = createSummaryApiClient({ url: `${base}/v1`, apiKey: "sk-local", model: "llama-3.1-8b" });
    await expect(client.summarize(input)).resolves.toBe("Überblick: Release am Freitag.");

    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-local");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toMatchObject({
      model: "llama-3.1-8b",
      stream: false,
      messages: [
        { role: "system", content: expect.stringContaining("German (de)") },
        { role: "user", content: expect.stringContaining("We ship on Friday.") },
      ],
    });
  });

  it("accepts a full /chat/completions URL and reports a 503", async () => {
    const paths: string[] = [];
    const base = await listen((req) => {
      paths.push(req.url ?? "");
      return [503, JSON.stringify({ error: { message: "model is loading" } })];
    });
    const error = await rejection(
      createSummaryApiClient({ url: `${base}/api/chat/completions` }).summarize(input),
    );
    expect(paths).toEqual(["/api/chat/completions"]);
    expect([error.code, error.status, error.retryable]).toEqual(["http", 503, true]);
    expect(error.message).toContain("model is loading");
  });

  it("times out when the server stalls in the middle of the body", async () => {
    const base = await listen(() => "hang");
    const error = await rejection(
      createSummaryApiClient({ url: `${base}/v1`, timeoutMs: 200 }).summarize(input),
    );
    expect(error.code).toBe("timeout");
    server?.closeAllConnections();
  });

  it("reports an unreachable endpoint as http without status", async () => {
    const base = await listen(() => [200, "{}"]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error = await rejection(
      createSummaryApiClient({ url: `${base}/v1`, timeoutMs: 5000 }).summarize(input),
    );
    expect([error.code, error.status]).toEqual(["http", undefined]);
  });
});
