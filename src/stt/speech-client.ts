/**
 * Client for an OpenAI-compatible speech-to-text endpoint (`POST …/audio/transcriptions`: OpenAI,
 * speaches, whisper.cpp's server with `--inference-path`, LocalAI; reference/speech-to-text.md).
 * One call transcribes one audio piece (multipart `file`, `model`, optional `language` and
 * `prompt`, `response_format`) into timed segments. 429 and 5xx are retried in-process, waiting
 * what the server's `retry-after` asks (capped), a few times; after that the caller gets a
 * retryable {@link SpeechApiError} carrying the delay, so a job can be rescheduled instead.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import * as openAi from "../http/openai-compatible.js";
import { parseTranscription, type SpeechResponseFormat, type SpeechSegment } from "./transcription-format.js";

export type { SpeechResponseFormat, SpeechSegment };

export type SpeechApiErrorCode = "http" | "unreachable" | "timeout" | "bad_response" | "too_large";

export class SpeechApiError extends Error {
  override readonly name = "SpeechApiError";
  readonly code: SpeechApiErrorCode;
  readonly status: number | undefined;
  /** The delay the server asked for (retry-after), in ms, when it named one. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: SpeechApiErrorCode,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Worth trying again later: unreachable, timeouts, 408, 429 and 5xx. */
  get retryable(): boolean {
    if (this.code === "unreachable" || this.code === "timeout") return true;
    if (this.code !== "http" || this.status === undefined) return false;
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export interface SpeechClientOptions {
  /** A base URL (`https://api.openai.com/v1`) or a full URL ending in `/audio/transcriptions`. */
  url: string;
  apiKey?: string | undefined;
  model: string;
  fetch?: typeof globalThis.fetch;
  /** Waits between in-process retries; tests inject one that only records. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Tries per piece before giving up with a retryable error. Default 4. */
  maxAttempts?: number;
  /** Longest in-process wait for one retry-after; a longer ask ends the call. Default 120 s. */
  maxRetryWaitMs?: number;
  /** Deadline for one request, response included. Default 15 minutes (CPU servers are slow). */
  timeoutMs?: number;
  /** For an HTTP-date retry-after. Default Date.now. */
  now?: () => number;
  /** What to ask for; `verbose_json` gives segment timings. Default `verbose_json`. */
  responseFormat?: SpeechResponseFormat;
}

export interface TranscribeInput {
  /** An audio file (ogg/opus, mp3, m4a, wav …). */
  path: string;
  contentType: string;
  /** ISO-639-1, e.g. `de`; omitted lets the server detect the language. */
  language?: string | undefined;
  /** Text that precedes this piece (the end of the previous one), for continuity. */
  prompt?: string | undefined;
  /** The piece's length, for formats that carry no timings (`text`, `json`). */
  durationMs: number;
}

export interface Transcription {
  segments: SpeechSegment[];
  /** The language the server reports (verbose_json), when it says. */
  language?: string;
  /** How many requests it took (1 when no retry was needed). */
  attempts: number;
}

export interface SpeechClient {
  readonly endpoint: URL;
  transcribe(input: TranscribeInput, signal?: AbortSignal): Promise<Transcription>;
}

export function createSpeechClient(options: SpeechClientOptions): SpeechClient {
  const endpoint = transcriptionsUrl(options.url);
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? abortableSleep;
  const maxAttempts = options.maxAttempts ?? 4;
  const maxWait = options.maxRetryWaitMs ?? 120_000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const format = options.responseFormat ?? "verbose_json";
  const now = options.now ?? Date.now;

  async function once(input: TranscribeInput, audio: Buffer, signal?: AbortSignal): Promise<Transcription> {
    const headers: Record<string, string> = { accept: "application/json, text/plain" };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let response: Response;
    let text: string;
    try {
      ({ response, text } = await openAi.postForText({
        fetch: doFetch,
        url: endpoint,
        headers,
        body: transcriptionForm(options.model, format, input, audio),
        timeoutMs,
        signal,
      }));
    } catch (error) {
      if (!(error instanceof openAi.RequestFailure)) throw error;
      throw unanswered(error, timeoutMs);
    }
    const refused = refusal(response, text, now());
    if (refused) throw refused;
    const parsed = parseTranscription(format, text, input.durationMs);
    if (!parsed) {
      throw new SpeechApiError("bad_response", `speech to text answered ${format} that cannot be read`, {
        status: response.status,
      });
    }
    return { ...parsed, attempts: 1 };
  }

  return {
    endpoint,
    async transcribe(input, signal) {
      const audio = await readFile(input.path);
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await once(input, audio, signal);
          return { ...result, attempts: attempt };
        } catch (error) {
          if (!(error instanceof SpeechApiError) || !error.retryable || attempt >= maxAttempts) throw error;
          const wait = error.retryAfterMs ?? Math.min(maxWait, 1_000 * 2 ** (attempt - 1));
          if (wait > maxWait) throw error;
          await sleep(wait, signal);
        }
      }
    },
  };
}

/** The multipart body of one request: the piece's audio, the model and what to answer in. */
function transcriptionForm(
  model: string,
  format: SpeechResponseFormat,
  input: TranscribeInput,
  audio: Buffer,
): FormData {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(audio)], { type: input.contentType }), basename(input.path));
  form.append("model", model);
  form.append("response_format", format);
  if (format === "verbose_json") form.append("timestamp_granularities[]", "segment");
  if (input.language) form.append("language", input.language);
  if (input.prompt) form.append("prompt", input.prompt);
  return form;
}

/** A request that got no answer: it timed out, or the endpoint could not be reached. */
function unanswered(error: openAi.RequestFailure, timeoutMs: number): SpeechApiError {
  if (error.timedOut) {
    return new SpeechApiError("timeout", `speech to text did not answer within ${timeoutMs} ms`, {
      cause: error.cause,
    });
  }
  return new SpeechApiError(
    "unreachable",
    `speech to text unreachable: ${openAi.describeError(error.cause)}`,
    {
      cause: error.cause,
    },
  );
}

/** The error an answer that is not a 2xx stands for (413: the piece is too large); undefined for a 2xx. */
function refusal(response: Response, text: string, now: number): SpeechApiError | undefined {
  if (response.status === 413) {
    return new SpeechApiError("too_large", `speech to text refused the piece as too large (413)`, {
      status: 413,
    });
  }
  if (response.ok) return undefined;
  const retryAfterMs = parseRetryAfterHeader(response.headers.get("retry-after"), now);
  return new SpeechApiError(
    "http",
    `speech to text answered ${response.status}: ${openAi.errorDetail(text, snippet)}`,
    retryAfterMs === undefined ? { status: response.status } : { status: response.status, retryAfterMs },
  );
}

/** The URL requests go to: `url` as is when it ends in /audio/transcriptions, else with it appended. */
export function transcriptionsUrl(url: string): URL {
  return openAi.withRoute(url, "audio/transcriptions");
}

/** `GET …/models` next to the transcriptions route (where OpenAI-compatible servers list models). */
export function modelsUrl(url: string): URL {
  const parsed = transcriptionsUrl(url);
  parsed.pathname = parsed.pathname.replace(/\/audio\/transcriptions\/?$/, "/models");
  parsed.search = "";
  return parsed;
}

/** Delta-seconds (fractions allowed) or an HTTP-date; undefined when absent or unreadable. */
export function parseRetryAfterHeader(value: string | null, nowMs: number): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return (one.length > 200 ? `${one.slice(0, 199)}…` : one) || "(empty body)";
}
