/**
 * Plumbing shared by the clients of OpenAI-compatible HTTP APIs (stt/speech-client.ts for
 * `…/audio/transcriptions`, transcript/summary-api.ts for `…/chat/completions`): the route URL,
 * one POST under a deadline that also covers reading the body, and readable error details. Each
 * client keeps its own error type, messages and retry policy.
 */
import { z } from "zod";
import { parseJsonOrUndefined } from "../json.js";

/** `url` as is when its path already ends in `/<route>` (optionally with a slash), else with it appended. */
export function withRoute(url: string, route: string): URL {
  const parsed = new URL(url);
  if (!routePattern(route).test(parsed.pathname)) {
    parsed.pathname = `${parsed.pathname.replace(/\/+$/, "")}/${route}`;
  }
  return parsed;
}

function routePattern(route: string): RegExp {
  return new RegExp(`/${route.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/?$`);
}

/** Why a POST produced no answer: it ran out of time, or the server could not be reached. */
export class RequestFailure extends Error {
  constructor(
    readonly timedOut: boolean,
    cause: unknown,
  ) {
    super(timedOut ? "request timed out" : "request failed", { cause });
  }
}

export interface PostOptions {
  fetch: typeof globalThis.fetch;
  url: URL;
  headers: Record<string, string>;
  body: string | FormData;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/**
 * POSTs and reads the whole body under one deadline (a server can stall after the headers).
 * The caller's abort is rethrown as its reason; any other failure is a `RequestFailure`.
 */
export async function postForText(options: PostOptions): Promise<{ response: Response; text: string }> {
  const { signal, timeoutMs } = options;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await options.fetch(options.url, {
      method: "POST",
      headers: options.headers,
      body: options.body,
      signal: combined,
    });
    const text = await response.text();
    return { response, text };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new RequestFailure(timeout.aborted, error);
  }
}

const ErrorBody = z.object({ error: z.object({ message: z.string() }) });

/** OpenAI-style `{ "error": { "message": … } }` when present, else the start of the body. */
export function errorDetail(text: string, snippet: (text: string) => string): string {
  const parsed = ErrorBody.safeParse(parseJsonOrUndefined(text));
  return snippet(parsed.success ? parsed.data.error.message : text);
}

/** An error's message with its cause's (fetch hides the reason, e.g. ECONNREFUSED, in the cause). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
