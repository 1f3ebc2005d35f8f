/**
 * A tiny OpenAI-compatible chat-completions server for SUMMARY_API_URL (`POST /v1/chat/completions`):
 * records every request and answers with the queued replies, else with `content`.
 */
import { readBody, sendJson, startHttpServer } from "../fakes/http-util.js";

export interface FakeSummaryApi {
  /** Base URL as an operator would set SUMMARY_API_URL: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly requests: Array<{ path: string; authorization: string | undefined; body: unknown }>;
  /** The summary answered when nothing is queued. */
  content: string;
  /** Answer the next `times` requests with this status (and an OpenAI-style error body). */
  fail(status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startFakeSummaryApi(content = "A short summary."): Promise<FakeSummaryApi> {
  const requests: FakeSummaryApi["requests"] = [];
  const failures: number[] = [];
  const api = {
    content,
    requests,
    fail(status: number, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
  };
  const server = await startHttpServer(async (req, res) => {
    const body = await readBody(req, 5_000_000);
    if (!body.ok) {
      sendJson(res, 413, { error: { message: "too large" } });
      return;
    }
    requests.push({
      path: req.url ?? "",
      authorization: req.headers.authorization,
      body: JSON.parse(body.body.toString("utf8")),
    });
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      sendJson(res, 404, { error: { message: "not found" } });
      return;
    }
    const status = failures.shift();
    if (status !== undefined) {
      sendJson(res, status, { error: { message: `injected ${status}` } });
      return;
    }
    sendJson(res, 200, {
      id: "chatcmpl-fake",
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: api.content }, finish_reason: "stop" }],
    });
  });
  return Object.assign(api, { url: `${server.url}/v1`, close: () => server.close() });
}
