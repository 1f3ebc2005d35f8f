/**
 * A fake OpenAI-compatible speech-to-text server (reference/speech-to-text.md): `POST
 * /v1/audio/transcriptions` as multipart/form-data (`file`, `model`, `language`, `prompt`,
 * `response_format`, `temperature`, `timestamp_granularities[]`), answered in every
 * `response_format` (json, text, srt, verbose_json, vtt); `GET /v1/models`. Like OpenAI it
 * refuses a file over 25 MB (26,214,400 bytes; tests lower the limit) with 413, answers errors as
 * `{"error":{"message","type","code"}}`, and 429 with `retry-after`. It cannot hear: what each
 * request "says" comes from `segmentsFor` (default: one sentence naming the request).
 */
import type http from "node:http";
import { bearerToken, sendBody, sendJson, startHttpServer } from "./http-util.js";
import { MultipartError, MultipartParser, multipartBoundary } from "./multipart.js";

/** OpenAI's upload limit for /audio/transcriptions. */
export const OPENAI_MAX_FILE_BYTES = 26_214_400;

export type FakeSpeechFormat = "json" | "text" | "srt" | "verbose_json" | "vtt";
const FORMATS: readonly FakeSpeechFormat[] = ["json", "text", "srt", "verbose_json", "vtt"];

export interface FakeSpeechSegment {
  /** Seconds from the start of the uploaded file. */
  start: number;
  end: number;
  text: string;
}

export interface SpeechRequest {
  /** Order of arrival among accepted uploads, from 0. */
  index: number;
  authorization: string | undefined;
  fields: Record<string, string>;
  /** Every `timestamp_granularities[]` value. */
  granularities: string[];
  file: { filename: string | undefined; contentType: string | undefined; bytes: number; head: Buffer };
}

export interface FakeSpeechOptions {
  /** Required bearer token; unset accepts any (or none), like a local server. */
  apiKey?: string;
  /** Models the server knows; default `whisper-1`. */
  models?: readonly string[];
  /** Largest accepted `file`; default {@link OPENAI_MAX_FILE_BYTES}. */
  maxFileBytes?: number;
  /** What a request says; default one segment, `Piece <n>.` over 0–1.5 s. */
  segmentsFor?: (request: SpeechRequest) => FakeSpeechSegment[];
  /** The language verbose_json reports when the request names none. Default `en`. */
  detectedLanguage?: string;
}

export interface FakeSpeech {
  /** Base URL as an operator would set STT_API_URL: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Uploads that got an answer (any status), in order. */
  readonly requests: SpeechRequest[];
  /** Answer the next `times` uploads with 429 and `retry-after: <seconds>`. */
  rateLimit(times: number, retryAfterSeconds: number): void;
  /** Answer the next `times` uploads with this status (500, 503, …). */
  fail(status: number, times?: number): void;
  close(): Promise<void>;
}

type Injected = { status: number; retryAfter?: number };

export async function startFakeSpeech(options: FakeSpeechOptions = {}): Promise<FakeSpeech> {
  const models = options.models ?? ["whisper-1"];
  const maxFileBytes = options.maxFileBytes ?? OPENAI_MAX_FILE_BYTES;
  const segmentsFor =
    options.segmentsFor ?? ((r: SpeechRequest) => [{ start: 0, end: 1.5, text: `Piece ${r.index + 1}.` }]);
  const requests: SpeechRequest[] = [];
  const injected: Injected[] = [];

  const server = await startHttpServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (options.apiKey !== undefined && bearerToken(req) !== options.apiKey) {
      await drainRequest(req);
      openAiError(res, 401, "Incorrect API key provided", "invalid_request_error", "invalid_api_key");
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake" })),
      });
      return;
    }
    if (req.method !== "POST" || path !== "/v1/audio/transcriptions") {
      await drainRequest(req);
      openAiError(res, 404, `no route ${req.method} ${path}`, "invalid_request_error", "not_found");
      return;
    }
    await transcribe(req, res);
  });

  async function transcribe(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const boundary = multipartBoundary(req.headers["content-type"]);
    if (!boundary) {
      await drainRequest(req);
      openAiError(res, 400, "expected multipart/form-data", "invalid_request_error", null);
      return;
    }
    const fields: Record<string, string> = {};
    const granularities: string[] = [];
    let file: SpeechRequest["file"] | undefined;
    const head: Buffer[] = [];
    const parser = new MultipartParser(boundary, {
      onField: (name, value) => {
        if (name === "timestamp_granularities[]") granularities.push(value);
        else fields[name] = value;
      },
      onFileStart: (info) => {
        file = { filename: info.filename, contentType: info.contentType, bytes: 0, head: Buffer.alloc(0) };
      },
      onFileData: (chunk) => {
        if (!file) return;
        if (file.bytes < 64) head.push(chunk.subarray(0, 64 - file.bytes));
        file.bytes += chunk.length;
      },
      onFileEnd: () => {
        if (file) file.head = Buffer.concat(head);
      },
    });
    try {
      for await (const chunk of req) parser.write(chunk as Buffer);
      parser.end();
    } catch (error) {
      if (!(error instanceof MultipartError)) throw error;
      openAiError(res, 400, `malformed multipart body: ${error.message}`, "invalid_request_error", null);
      return;
    }
    if (!file) {
      openAiError(res, 400, "you must provide a file", "invalid_request_error", null);
      return;
    }
    const request: SpeechRequest = {
      index: requests.length,
      authorization: req.headers.authorization,
      fields,
      granularities,
      file,
    };
    requests.push(request);
    const next = injected.shift();
    if (next) {
      openAiError(
        res,
        next.status,
        next.status === 429 ? "Rate limit reached" : `injected ${next.status}`,
        next.status === 429 ? "requests" : "server_error",
        null,
        next.retryAfter !== undefined ? { "retry-after": String(next.retryAfter) } : {},
      );
      return;
    }
    if (file.bytes > maxFileBytes) {
      openAiError(
        res,
        413,
        `Maximum content size limit (${maxFileBytes}) exceeded (${file.bytes} bytes read)`,
        "server_error",
        null,
      );
      return;
    }
    const model = fields.model;
    if (!model) {
      openAiError(res, 400, "you must provide a model parameter", "invalid_request_error", null);
      return;
    }
    if (!models.includes(model)) {
      openAiError(
        res,
        404,
        `The model '${model}' does not exist`,
        "invalid_request_error",
        "model_not_found",
      );
      return;
    }
    const format = (fields.response_format ?? "json") as FakeSpeechFormat;
    if (!FORMATS.includes(format)) {
      openAiError(res, 400, `unsupported response_format '${format}'`, "invalid_request_error", null);
      return;
    }
    const segments = segmentsFor(request);
    const language = fields.language ?? options.detectedLanguage ?? "en";
    answer(res, format, segments, language);
  }

  return {
    url: `${server.url}/v1`,
    requests,
    rateLimit(times, retryAfterSeconds) {
      for (let i = 0; i < times; i++) injected.push({ status: 429, retryAfter: retryAfterSeconds });
    },
    fail(status, times = 1) {
      for (let i = 0; i < times; i++) injected.push({ status });
    },
    close: () => server.close(),
  };
}

function answer(
  res: http.ServerResponse,
  format: FakeSpeechFormat,
  segments: readonly FakeSpeechSegment[],
  language: string,
): void {
  const text = segments.map((s) => s.text.trim()).join(" ");
  switch (format) {
    case "json":
      sendJson(res, 200, { text });
      return;
    case "text":
      sendBody(res, 200, `${text}\n`, "text/plain; charset=utf-8");
      return;
    case "srt":
      sendBody(
        res,
        200,
        segments
          .map((s, i) => `${i + 1}\n${stamp(s.start, ",")} --> ${stamp(s.end, ",")}\n${s.text.trim()}\n`)
          .join("\n"),
        "text/plain; charset=utf-8",
      );
      return;
    case "vtt":
      sendBody(
        res,
        200,
        `WEBVTT\n\n${segments.map((s) => `${stamp(s.start, ".")} --> ${stamp(s.end, ".")}\n${s.text.trim()}\n`).join("\n")}`,
        "text/vtt; charset=utf-8",
      );
      return;
    case "verbose_json":
      sendJson(res, 200, {
        task: "transcribe",
        language,
        duration: segments.at(-1)?.end ?? 0,
        text,
        segments: segments.map((s, id) => ({
          id,
          seek: 0,
          start: s.start,
          end: s.end,
          text: ` ${s.text.trim()}`,
          tokens: [],
          temperature: 0,
          avg_logprob: -0.2,
          compression_ratio: 1.2,
          no_speech_prob: 0.01,
        })),
      });
      return;
  }
}

function stamp(seconds: number, decimal: "," | "."): string {
  const ms = Math.round(seconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor((ms % 3_600_000) / 60_000))}:${two(Math.floor((ms % 60_000) / 1000))}${decimal}${String(ms % 1000).padStart(3, "0")}`;
}

function openAiError(
  res: http.ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: http.OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code } }, headers);
}

async function drainRequest(req: http.IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}
