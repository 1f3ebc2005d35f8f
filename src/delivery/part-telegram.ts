/**
 * Sending the small parts of a meeting (the transcript document, summary messages, re-sends)
 * through services.telegram, with the audio's error classification (telegram-upload.ts) and chat
 * handling (chat-target.ts): a paused chat is not called, a blocked bot pauses the chat, and a
 * group that became a supergroup is followed.
 */
import { type Api, InputFile } from "grammy";
import type { Message } from "grammy/types";
import { truncate } from "../telegram/text/escape.js";
import { type ChatTarget, sendToChat } from "./chat-target.js";
import type { DeliveryServices } from "./delivery-services.js";
import { callTelegram, uploadFileName } from "./telegram-upload.js";

/** grammY types its AbortSignal with the `abort-controller` polyfill; Node's is the same thing at runtime. */
type GrammySignal = Parameters<Api["sendMessage"]>[3];
export const grammySignal = (signal: AbortSignal | undefined) => signal as GrammySignal;

/** Telegram's caption limit (reference/telegram.md §2.1). */
const CAPTION_LIMIT = 1024;

/** A text file (the transcript) as a document, from memory: small, and re-sendable on retry. */
export function sendTextDocument(
  services: DeliveryServices,
  target: ChatTarget,
  input: { text: string; fileName: string; caption: string; signal?: AbortSignal },
): Promise<Message.DocumentMessage> {
  const bytes = Buffer.from(input.text, "utf8");
  return sendToChat(services, target, (chatId, thread) =>
    callTelegram("sendDocument", () =>
      services.telegram.sendDocument(
        chatId,
        new InputFile(bytes, uploadFileName(input.fileName)),
        { ...thread, caption: truncate(input.caption, CAPTION_LIMIT), disable_content_type_detection: true },
        grammySignal(input.signal),
      ),
    ),
  );
}

/** One plain-text message (no parse_mode: every string is plain, user text included). */
export function sendPlainText(
  services: DeliveryServices,
  target: ChatTarget,
  input: { text: string; signal?: AbortSignal },
): Promise<Message.TextMessage> {
  return sendToChat(services, target, (chatId, thread) =>
    callTelegram("sendMessage", () =>
      services.telegram.sendMessage(
        chatId,
        input.text,
        { ...thread, link_preview_options: { is_disabled: true } },
        grammySignal(input.signal),
      ),
    ),
  );
}
