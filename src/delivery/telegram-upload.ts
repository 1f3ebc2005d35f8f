/**
 * Sending recordings through the Bot API (services.telegram, grammY's Api) and turning every
 * failure into one AppError the job can act on (reference/telegram.md §1.4, §3, §5.2, §7):
 *
 * | Telegram says                               | AppError code            | job reaction               |
 * | ------------------------------------------- | ------------------------ | -------------------------- |
 * | 429 + retry_after                           | telegram.rate_limited    | retry after retry_after    |
 * | 413 (JSON, or nginx's HTML page)            | telegram.too_large       | next rung of the ladder    |
 * | 403 blocked / kicked / deactivated          | telegram.chat_blocked    | pause the chat, no retry   |
 * | 400 + migrate_to_chat_id                    | telegram.chat_migrated   | move the chat, send there  |
 * | 5xx, network failure, timeout               | telegram.unavailable     | retry with backoff         |
 * | any other 4xx                               | telegram.rejected        | give up                    |
 *
 * The cloud Bot API's 413 is an nginx HTML page, which grammY cannot parse and reports as an
 * HttpError, not a GrammyError (telegram.md §7.1). The Bot API itself always answers JSON, so a
 * non-JSON answer to an upload is read as that 413: the ladder then moves to a smaller rung, which
 * is the right reaction to a size refusal and a harmless one to a proxy error page.
 *
 * Files are always passed as re-openable UploadFiles (src/telegram/file-upload.ts): if anything
 * repeats the request, the whole file is sent again, never a half-consumed stream (§5.3, §7.3).
 */
import { stat } from "node:fs/promises";
import { type Api, GrammyError, HttpError, type InputFile } from "grammy";
import type { Message } from "grammy/types";
import { AppError } from "../errors.js";
import { diskFile, type OpenUpload, UploadFile } from "../telegram/file-upload.js";
import type { ThreadOptions } from "./chat-target.js";

/** grammY types its AbortSignal with the `abort-controller` polyfill; Node's is the same thing at runtime. */
type GrammySignal = Parameters<Api["sendMessage"]>[3];
const grammySignal = (signal: AbortSignal | undefined) => signal as GrammySignal;

/** Methods that carry a file: a non-JSON answer to these is nginx's 413 page. */
const UPLOAD_METHODS = new Set(["sendAudio", "sendDocument", "sendVideo", "sendVoice"]);

export function classifyTelegramError(error: unknown, method: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GrammyError) {
    const code = error.error_code;
    const description = error.description;
    const details = { method, errorCode: code, description: description.slice(0, 200) };
    const retryAfter = error.parameters.retry_after;
    if (code === 429) {
      return new AppError("telegram.rate_limited", `Telegram asked to slow down (${method})`, {
        status: 429,
        retryable: true,
        retryAfterMs: (typeof retryAfter === "number" && retryAfter > 0 ? retryAfter : 1) * 1000,
        cause: error,
        details,
      });
    }
    if (code === 413) {
      return new AppError("telegram.too_large", `Telegram refused the upload as too large (${method})`, {
        status: 413,
        cause: error,
        details,
      });
    }
    const migrateTo = error.parameters.migrate_to_chat_id;
    if (typeof migrateTo === "number") {
      return new AppError("telegram.chat_migrated", "the group became a supergroup", {
        status: code,
        cause: error,
        details: { ...details, migrateToChatId: migrateTo },
      });
    }
    if (code === 403) {
      return new AppError("telegram.chat_blocked", `the bot cannot write to this chat: ${description}`, {
        status: 403,
        cause: error,
        details,
      });
    }
    if (code >= 500) {
      return new AppError("telegram.unavailable", `Telegram failed with ${code} (${method})`, {
        status: code,
        retryable: true,
        cause: error,
        details,
      });
    }
    return new AppError("telegram.rejected", `Telegram refused ${method}: ${description}`, {
      status: code,
      cause: error,
      details,
    });
  }
  if (error instanceof HttpError) {
    if (UPLOAD_METHODS.has(method) && isNonJsonAnswer(error.error)) {
      return new AppError("telegram.too_large", `Telegram answered the upload with a non-JSON page (413)`, {
        status: 413,
        cause: error,
        details: { method },
      });
    }
    return new AppError("telegram.unavailable", `Telegram could not be reached (${method})`, {
      retryable: true,
      cause: error,
      details: { method },
    });
  }
  return new AppError("telegram.unavailable", `sending to Telegram failed (${method})`, {
    retryable: true,
    cause: error,
    details: { method },
  });
}

/** node-fetch's `invalid-json` FetchError, or a SyntaxError from `res.json()` under another fetch. */
function isNonJsonAnswer(cause: unknown): boolean {
  if (cause instanceof SyntaxError) return true;
  if (typeof cause !== "object" || cause === null) return false;
  const { type, message } = cause as { type?: unknown; message?: unknown };
  if (type === "invalid-json") return true;
  return typeof message === "string" && /413|Request Entity Too Large/i.test(message);
}

/** Runs one Bot API call and classifies its failure. */
export async function callTelegram<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyTelegramError(error, method);
  }
}

/**
 * A re-openable upload: each attempt opens the file afresh and sends all of it, through the bot's
 * reused-buffer uploader (src/telegram/file-upload.ts).
 */
export function fileInput(path: string, fileName: string): InputFile {
  return new UploadFile(diskFile(path), uploadFileName(fileName));
}

/**
 * grammY writes the multipart file name unquoted (telegram.md §5.3): `;`, quotes, CR/LF or `\`
 * would end or break it there, so they become `_`. Telegram derives the MIME type from the
 * extension (§1.2), which is kept.
 */
export function uploadFileName(name: string): string {
  const cleaned = name.replace(/[\r\n;"\\]/g, "_").trim();
  return cleaned === "" ? "file" : cleaned;
}

/** The forum topic and the caption, the options every file message may carry. */
function inTopicWithCaption(input: { thread?: ThreadOptions; caption?: string }) {
  return { ...input.thread, ...(input.caption ? { caption: input.caption } : {}) };
}

/** Telegram's `duration`: whole seconds, never negative. */
function durationOf(seconds: number | undefined) {
  return seconds !== undefined ? { duration: Math.max(0, Math.round(seconds)) } : {};
}

export interface SendAudioInput {
  chatId: number;
  /** The forum topic to post in (from sendToChat). */
  thread?: ThreadOptions;
  path: string;
  /** Reads the audio from here instead of `path` (a download still growing); opened per attempt. */
  upload?: OpenUpload;
  fileName: string;
  durationSec?: number;
  title?: string;
  performer?: string;
  caption?: string;
  replyTo?: number;
  signal?: AbortSignal;
}

export async function sendAudioFile(api: Api, input: SendAudioInput): Promise<Message.AudioMessage> {
  return callTelegram("sendAudio", () =>
    api.sendAudio(
      input.chatId,
      input.upload
        ? new UploadFile(input.upload, uploadFileName(input.fileName))
        : fileInput(input.path, input.fileName),
      {
        ...inTopicWithCaption(input),
        ...durationOf(input.durationSec),
        ...(input.title ? { title: input.title } : {}),
        ...(input.performer ? { performer: input.performer } : {}),
        ...(input.replyTo !== undefined
          ? { reply_parameters: { message_id: input.replyTo, allow_sending_without_reply: true } }
          : {}),
      },
      grammySignal(input.signal),
    ),
  );
}

/** What every file message from disk carries. */
interface FileMessageInput {
  chatId: number;
  /** The forum topic to post in (from sendToChat). */
  thread?: ThreadOptions;
  path: string;
  fileName: string;
  caption?: string;
  signal?: AbortSignal;
}

/** The file, the options every file message shares, and grammY's signal. */
function fileMessage(input: FileMessageInput) {
  return {
    file: fileInput(input.path, input.fileName),
    options: inTopicWithCaption(input),
    signal: grammySignal(input.signal),
  };
}

export interface SendVideoInput extends FileMessageInput {
  durationSec?: number;
  width?: number;
  height?: number;
}

/** An MP4 (H.264/AAC) that plays in the app: duration, size, and streaming (telegram.md §10.4). */
export async function sendVideoFile(api: Api, input: SendVideoInput): Promise<Message.VideoMessage> {
  const { file, options, signal } = fileMessage(input);
  const size = input.width && input.height ? { width: input.width, height: input.height } : {};
  return callTelegram("sendVideo", () =>
    api.sendVideo(
      input.chatId,
      file,
      { ...options, ...durationOf(input.durationSec), ...size, supports_streaming: true },
      signal,
    ),
  );
}

export type SendDocumentInput = FileMessageInput;

export async function sendDocumentFile(api: Api, input: SendDocumentInput): Promise<Message.DocumentMessage> {
  const { file, options, signal } = fileMessage(input);
  // Keep a video sent as a document a document (telegram.md §7.5).
  return callTelegram("sendDocument", () =>
    api.sendDocument(input.chatId, file, { ...options, disable_content_type_detection: true }, signal),
  );
}

/** Plain text (no parse_mode): every string from the .ftl files is plain, user text included. */
export async function sendText(
  api: Api,
  chatId: number,
  text: string,
  options: { replyTo?: number; signal?: AbortSignal; thread?: ThreadOptions } = {},
): Promise<Message.TextMessage> {
  return callTelegram("sendMessage", () =>
    api.sendMessage(
      chatId,
      text,
      {
        ...options.thread,
        link_preview_options: { is_disabled: true },
        ...(options.replyTo !== undefined
          ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
          : {}),
      },
      grammySignal(options.signal),
    ),
  );
}

export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
