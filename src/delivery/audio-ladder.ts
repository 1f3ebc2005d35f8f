/**
 * The upload ladder for one audio file, sized to TELEGRAM_UPLOAD_LIMIT_MB (src/media/delivery-plan.ts
 * has the arithmetic): the file as is when it fits; else a mono ~48 kbit/s AAC re-encode when that
 * fits; else playable parts cut with stream copy, sent as "Part k/n" replies to the first; without
 * ffmpeg, a message with Zoom's play link and the reason.
 *
 * A 413 from Telegram moves to the next rung and is remembered in the delivery's state, so a file
 * Telegram refused is never sent again, not even by a retried job. Parts already sent are
 * remembered the same way: a retry after part 2 of 4 continues with part 3.
 */
import { AppError } from "../errors.js";
import { formatBytes } from "../i18n/format.js";
import { planAudioDelivery, type Rung, splitSourceFor, uploadBudgetBytes } from "../media/delivery-plan.js";
import type { MediaWorkspace } from "../media/temp-files.js";
import { splitAudio, transcodeSpeechAac } from "../media/transform.js";
import type { OpenUpload } from "../telegram/file-upload.js";
import { type ChatTarget, sendToChat } from "./chat-target.js";
import type { DeliveryServices } from "./delivery-services.js";
import { fileSize, sendAudioFile, sendDocumentFile, sendText } from "./telegram-upload.js";

/** What a delivery remembers between attempts (stored as JSON in `deliveries.detail`). */
export interface LadderState {
  /** Rungs Telegram refused with 413. */
  attempted: Rung[];
  /** The rung in progress (a split that already sent parts is resumed). */
  rung?: Rung;
  /** Number of parts of the split in progress. */
  parts?: number;
  /** Messages sent so far for this delivery. */
  messageIds: number[];
  /** The smallest upload Telegram refused with 413, in bytes (the video ladder aims under it). */
  refusedBytes?: number;
}

export interface PartLabel {
  index: number;
  total: number;
}

export interface LadderInput {
  services: DeliveryServices;
  target: ChatTarget;
  signal: AbortSignal;
  workspace: MediaWorkspace;
  /** The audio (M4A/AAC) to deliver. */
  audioPath: string;
  durationSec: number;
  fileName(part?: PartLabel): string;
  caption(part?: PartLabel): string;
  title: string;
  performer: string | undefined;
  /** Zoom's play/share link, for the last rung. */
  linkUrl: string | undefined;
  state: LadderState;
  /** Persists `state` (called after every change that must survive a crash). */
  save(state: LadderState): Promise<void>;
  /** "uploading", "uploading 2/3": for the progress bus. */
  onUploading(detail: string): Promise<void>;
}

export interface LadderResult {
  rung: Rung;
  messageIds: number[];
  telegramFileId: string | null;
  bytes: number;
}

export function emptyLadderState(): LadderState {
  return { attempted: [], messageIds: [] };
}

export function parseLadderState(detail: string | null): LadderState {
  if (!detail?.startsWith("{")) return emptyLadderState();
  try {
    const value = JSON.parse(detail) as Partial<LadderState>;
    const rungs = ["direct", "transcode", "split", "link"];
    return {
      attempted: Array.isArray(value.attempted) ? value.attempted.filter((r) => rungs.includes(r)) : [],
      ...(typeof value.rung === "string" && rungs.includes(value.rung) ? { rung: value.rung } : {}),
      ...(typeof value.parts === "number" ? { parts: value.parts } : {}),
      ...(typeof value.refusedBytes === "number" ? { refusedBytes: value.refusedBytes } : {}),
      messageIds: Array.isArray(value.messageIds)
        ? value.messageIds.filter((n) => typeof n === "number")
        : [],
    };
  } catch {
    return emptyLadderState();
  }
}

export const isTooLarge = (error: unknown): boolean =>
  error instanceof AppError && error.code === "telegram.too_large";

export async function deliverAudio(input: LadderInput): Promise<LadderResult> {
  const { services, state } = input;
  const ffmpeg = services.ffmpeg;
  const budget = uploadBudgetBytes(services.config.telegram.uploadLimitMb);
  const originalSize = await fileSize(input.audioPath);
  let transcoded: { path: string; size: number } | undefined;

  const transcode = async () => {
    if (!ffmpeg) throw new AppError("media.failed", "no ffmpeg to re-encode with");
    if (!transcoded) {
      const out = input.workspace.file("speech.m4a");
      await transcodeSpeechAac(ffmpeg.ffmpeg, input.audioPath, out, {}, input.signal);
      transcoded = { path: out, size: await fileSize(out) };
    }
    return transcoded;
  };

  const sendOne = async (path: string, size: number, rung: Rung): Promise<LadderResult> => {
    await input.onUploading("uploading");
    const message = await sendToChat(services, input.target, (chatId, thread) =>
      sendAudioFile(services.telegram, {
        chatId,
        thread,
        path,
        fileName: input.fileName(),
        durationSec: input.durationSec,
        title: input.title,
        performer: input.performer,
        caption: input.caption(),
        signal: input.signal,
      }),
    );
    services.metrics.bytesUploaded.inc(size);
    return { rung, messageIds: [message.message_id], telegramFileId: message.audio.file_id, bytes: size };
  };

  const sendParts = async (): Promise<LadderResult> => {
    if (!ffmpeg) throw new AppError("media.failed", "no ffmpeg to split with");
    let source = { path: input.audioPath, size: originalSize };
    if (transcoded && transcoded.size < originalSize) source = transcoded;
    else if (
      !transcoded &&
      splitSourceFor({ sizeBytes: originalSize, durationSec: input.durationSec }) === "transcoded"
    ) {
      const speech = await transcode();
      if (speech.size < originalSize) source = speech;
    }
    const parts = await splitAudio(
      ffmpeg.ffmpeg,
      source.path,
      input.workspace.dir,
      { maxPartBytes: budget, durationSec: input.durationSec, baseName: "audio" },
      input.signal,
    );
    if (state.parts !== undefined && state.parts !== parts.length && state.messageIds.length > 0) {
      // The cut came out differently than last time: parts would not line up, so send them all.
      state.messageIds = [];
    }
    state.parts = parts.length;
    await input.save(state);
    let firstFileId: string | null = null;
    let bytes = 0;
    for (let i = state.messageIds.length; i < parts.length; i++) {
      const part = parts[i]!;
      const label = { index: i + 1, total: parts.length };
      await input.onUploading(`uploading ${label.index}/${label.total}`);
      const replyTo = state.messageIds[0];
      const message = await sendToChat(services, input.target, (chatId, thread) =>
        sendAudioFile(services.telegram, {
          chatId,
          thread,
          path: part.path,
          fileName: input.fileName(label),
          durationSec: part.durationSec,
          title: `${input.title} (${label.index}/${label.total})`,
          performer: input.performer,
          caption: input.caption(label),
          ...(replyTo !== undefined ? { replyTo } : {}),
          signal: input.signal,
        }),
      );
      services.metrics.bytesUploaded.inc(part.bytes);
      bytes += part.bytes;
      firstFileId ??= message.audio.file_id;
      state.messageIds.push(message.message_id);
      await input.save(state);
    }
    return { rung: "split", messageIds: [...state.messageIds], telegramFileId: firstFileId, bytes };
  };

  for (;;) {
    const resumingSplit =
      state.rung === "split" && state.messageIds.length > 0 && !state.attempted.includes("split");
    const rung = resumingSplit
      ? "split"
      : planAudioDelivery({
          sizeBytes: originalSize,
          durationSec: input.durationSec,
          budgetBytes: budget,
          ffmpegAvailable: ffmpeg !== null,
          attempted: state.attempted,
        });
    if (state.rung !== rung) {
      state.rung = rung;
      await input.save(state);
    }
    try {
      switch (rung) {
        case "direct":
          return await sendOne(input.audioPath, originalSize, rung);
        case "transcode": {
          const speech = await transcode();
          if (speech.size > budget)
            throw new AppError("telegram.too_large", "the re-encode is still over the budget");
          return await sendOne(speech.path, speech.size, rung);
        }
        case "split":
          return await sendParts();
        case "link":
          return await sendLink(input);
      }
    } catch (error) {
      if (!isTooLarge(error) || rung === "link") throw error;
      services.metrics.jobFailures.inc({ kind: "deliver-recording", cause: "telegram_413" });
      state.attempted.push(rung);
      await input.save(state);
    }
  }
}

export interface StreamedDirectInput
  extends Pick<
    LadderInput,
    "services" | "target" | "signal" | "title" | "performer" | "state" | "save" | "onUploading"
  > {
  /** Where the file is being written; `upload` opens it for reading as it grows. */
  audioPath: string;
  upload: OpenUpload;
  /** Zoom's `file_size`: what the upload will be once the download completes. */
  sizeBytes: number;
  durationSec: number;
  fileName: string;
  caption: string;
}

/**
 * The `direct` rung while the file is still downloading (the caller checked that Zoom's
 * `file_size` fits the budget). A 413 is remembered like the ladder's own, so the caller can go on
 * with the ladder from the file on disk once the download completes.
 */
export async function deliverAudioStreamed(input: StreamedDirectInput): Promise<LadderResult> {
  const { services, state } = input;
  if (state.rung !== "direct") {
    state.rung = "direct";
    await input.save(state);
  }
  await input.onUploading("uploading");
  try {
    const message = await sendToChat(services, input.target, (chatId) =>
      sendAudioFile(services.telegram, {
        chatId,
        path: input.audioPath,
        upload: input.upload,
        fileName: input.fileName,
        durationSec: input.durationSec,
        title: input.title,
        performer: input.performer,
        caption: input.caption,
        signal: input.signal,
      }),
    );
    services.metrics.bytesUploaded.inc(input.sizeBytes);
    return {
      rung: "direct",
      messageIds: [message.message_id],
      telegramFileId: message.audio.file_id,
      bytes: input.sizeBytes,
    };
  } catch (error) {
    if (isTooLarge(error)) {
      services.metrics.jobFailures.inc({ kind: "deliver-recording", cause: "telegram_413" });
      state.attempted.push("direct");
      await input.save(state);
    }
    throw error;
  }
}

/**
 * The last rung: the topic, why the file is not attached, and Zoom's link. The reason is
 * "Telegram refused it" when a 413 brought us here (`refused`; by default: any rung was refused),
 * else "larger than the upload limit" (no ffmpeg to make it smaller, or nothing to shrink).
 */
export async function sendLink(
  input: Pick<LadderInput, "services" | "target" | "signal" | "caption" | "linkUrl" | "state"> & {
    refused?: boolean;
  },
): Promise<LadderResult> {
  const { services, target } = input;
  if (!input.linkUrl) {
    throw new AppError("telegram.too_large", "the recording is too large for Telegram and Zoom gave no link");
  }
  const limitMb = services.config.telegram.uploadLimitMb;
  const t = (key: string, vars?: Record<string, string | number>) =>
    services.translator.t(target.locale, key, vars);
  const reason =
    (input.refused ?? input.state.attempted.length > 0)
      ? t("reason-telegram-file-too-large")
      : t("reason-file-over-upload-limit", { limit: formatBytes(target.locale, limitMb * 1_000_000) });
  const text = `${input.caption()}\n\n${t("delivery-sent-as-link", { reason, url: input.linkUrl })}`;
  const message = await sendToChat(services, target, (chatId, thread) =>
    sendText(services.telegram, chatId, text, { signal: input.signal, thread }),
  );
  input.state.messageIds.push(message.message_id);
  return { rung: "link", messageIds: [...input.state.messageIds], telegramFileId: null, bytes: 0 };
}

export interface VideoDocumentInput {
  services: DeliveryServices;
  target: ChatTarget;
  signal: AbortSignal;
  videoPath: string;
  fileName: string;
  caption: string;
  linkUrl: string | undefined;
  state: LadderState;
  save(state: LadderState): Promise<void>;
  onUploading(detail: string): Promise<void>;
}

/**
 * No audio could be had (no ffmpeg, or an MP4 without an audio track): the video goes as a
 * document when it fits, else as a link.
 */
export async function deliverVideoDocument(input: VideoDocumentInput): Promise<LadderResult> {
  const { services, target, state } = input;
  const size = await fileSize(input.videoPath);
  const budget = uploadBudgetBytes(services.config.telegram.uploadLimitMb);
  const note = services.translator.t(target.locale, "delivery-video-as-document");
  const caption = `${note}\n\n${input.caption}`.slice(0, 1024);
  if (size <= budget && !state.attempted.includes("direct")) {
    try {
      await input.onUploading("uploading");
      const message = await sendToChat(services, target, (chatId, thread) =>
        sendDocumentFile(services.telegram, {
          chatId,
          thread,
          path: input.videoPath,
          fileName: input.fileName,
          caption,
          signal: input.signal,
        }),
      );
      services.metrics.bytesUploaded.inc(size);
      return {
        rung: "direct",
        messageIds: [message.message_id],
        telegramFileId: message.document.file_id,
        bytes: size,
      };
    } catch (error) {
      if (!isTooLarge(error)) throw error;
      services.metrics.jobFailures.inc({ kind: "deliver-recording", cause: "telegram_413" });
      state.attempted.push("direct");
      await input.save(state);
    }
  }
  return sendLink({
    services,
    target,
    signal: input.signal,
    caption: () => input.caption,
    linkUrl: input.linkUrl,
    state,
  });
}
