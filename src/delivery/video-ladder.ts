/**
 * Delivering a meeting's video when the chat chose it (issue 15 item 3): the best MP4 goes by
 * `sendVideo` with its duration, picture size and `supports_streaming` when it fits the upload
 * budget; otherwise the ladder of src/media/video-plan.ts — a smaller transcode when a watchable
 * one fits, else stream-copied parts, else Zoom's link with the reason.
 */
import { mkdir } from "node:fs/promises";
import { isAppError } from "../errors.js";
import { uploadBudgetBytes } from "../media/delivery-plan.js";
import { probeMedia } from "../media/probe.js";
import type { MediaWorkspace } from "../media/temp-files.js";
import { planVideoDelivery, VIDEO_AUDIO_KBPS, type VideoPlan } from "../media/video-plan.js";
import { splitVideo, transcodeVideo } from "../media/video-transform.js";
import { type LadderResult, type LadderState, type PartLabel, sendLink } from "./audio-ladder.js";
import { type ChatTarget, sendToChat } from "./chat-target.js";
import type { DeliveryServices } from "./delivery-services.js";
import { fileSize, sendVideoFile } from "./telegram-upload.js";

export interface VideoLadderInput {
  services: DeliveryServices;
  target: ChatTarget;
  signal: AbortSignal;
  workspace: MediaWorkspace;
  videoPath: string;
  /** Zoom's idea of the length, when no probe is possible. */
  durationSec: number | undefined;
  fileName(part?: PartLabel): string;
  caption(part?: PartLabel): string;
  linkUrl: string | undefined;
  state: LadderState;
  onUploading(detail: string): Promise<void>;
}

export async function deliverVideo(input: VideoLadderInput): Promise<LadderResult> {
  const { services } = input;
  const ffmpeg = services.ffmpeg;
  const size = await fileSize(input.videoPath);
  const info = ffmpeg
    ? await probeMedia(ffmpeg, input.videoPath, input.signal).catch(() => undefined)
    : undefined;
  const durationSec = info?.durationSec || input.durationSec;
  const plan: VideoPlan = planVideoDelivery({
    fileBytes: size,
    durationSec,
    uploadLimitMb: services.config.telegram.uploadLimitMb,
    maxDownloadBytes: Number.POSITIVE_INFINITY,
    ffmpeg: ffmpeg !== null,
  });
  const picture = { width: info?.width, height: info?.height };
  if (plan.rung === "direct") return sendVideos(input, [input.videoPath], durationSec, picture, "direct");
  if (plan.rung === "link" || !ffmpeg) return linkInstead(input);
  if (plan.rung === "transcode") {
    const smaller = input.workspace.file("video-small.mp4");
    await transcodeVideo(
      ffmpeg.ffmpeg,
      input.videoPath,
      smaller,
      { videoKbps: plan.videoKbps, height: plan.height, audioKbps: VIDEO_AUDIO_KBPS },
      input.signal,
    );
    const small = ffmpeg ? await probeMedia(ffmpeg, smaller, input.signal).catch(() => undefined) : undefined;
    const fits = planVideoDelivery({
      fileBytes: await fileSize(smaller),
      durationSec,
      uploadLimitMb: services.config.telegram.uploadLimitMb,
      maxDownloadBytes: Number.POSITIVE_INFINITY,
      ffmpeg: true,
    });
    if (fits.rung !== "direct") return linkInstead(input);
    return sendVideos(
      input,
      [smaller],
      durationSec,
      { width: small?.width, height: small?.height },
      "transcode",
    );
  }
  const dir = input.workspace.file("video-parts");
  await mkdir(dir, { recursive: true });
  const parts = await splitVideo(ffmpeg.ffmpeg, input.videoPath, dir, plan.partSeconds, input.signal);
  // Cut at keyframes only: a part that came out too large means the link after all.
  const budget = uploadBudgetBytes(services.config.telegram.uploadLimitMb);
  const sizes = await Promise.all(parts.map((part) => fileSize(part)));
  if (parts.length === 0 || sizes.some((bytes) => bytes > budget)) return linkInstead(input);
  return sendVideos(input, parts, undefined, picture, "split");
}

async function sendVideos(
  input: VideoLadderInput,
  paths: readonly string[],
  durationSec: number | undefined,
  picture: { width?: number | undefined; height?: number | undefined },
  rung: "direct" | "transcode" | "split",
): Promise<LadderResult> {
  const { services, target } = input;
  const messageIds: number[] = [];
  let bytes = 0;
  let fileId: string | null = null;
  try {
    for (const [i, path] of paths.entries()) {
      const part = paths.length > 1 ? { index: i + 1, total: paths.length } : undefined;
      await input.onUploading(part ? `uploading ${part.index}/${part.total}` : "uploading");
      const length =
        part && services.ffmpeg
          ? (await probeMedia(services.ffmpeg, path, input.signal).catch(() => undefined))?.durationSec
          : durationSec;
      const message = await sendToChat(services, target, (chatId, thread) =>
        sendVideoFile(services.telegram, {
          chatId,
          thread,
          path,
          fileName: input.fileName(part),
          durationSec: length,
          width: picture.width,
          height: picture.height,
          caption: input.caption(part),
          signal: input.signal,
        }),
      );
      messageIds.push(message.message_id);
      fileId ??= message.video.file_id;
      const size = await fileSize(path);
      bytes += size;
      services.metrics.bytesUploaded.inc(size);
    }
  } catch (error) {
    // Telegram refused the size after all (its limit is not exact): the link still reaches the chat.
    if (isAppError(error) && error.code === "telegram.too_large") return linkInstead(input);
    throw error;
  }
  return { rung, messageIds, telegramFileId: fileId, bytes };
}

function linkInstead(input: VideoLadderInput): Promise<LadderResult> {
  return sendLink({
    services: input.services,
    target: input.target,
    signal: input.signal,
    caption: () => input.caption(),
    linkUrl: input.linkUrl,
    state: input.state,
  });
}
