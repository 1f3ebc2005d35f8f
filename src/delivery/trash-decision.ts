/**
 * Whether a meeting's cloud recording may go to Zoom's trash now (CONTRACT.md, "Trash after
 * delivery"): only once every recording file this chat receives by its settings (audio, video,
 * transcript, Zoom's chat file) was delivered intact. The summary does not hold it back: its job
 * only runs first (it may fetch Zoom's summary), and a summary that failed or is not available
 * changes nothing.
 *
 * - `ready`: every such file was delivered, each checked against Zoom's `file_size` on download
 *   (src/zoom/download.ts refuses any other length), and at least one audio or video among them.
 * - `wait`: something is still on its way, or a transcript may still come (announced or not, until
 *   its deadline: the card's parts timeout, which marks it unavailable).
 * - `keep`: something failed, was skipped (too large: a link instead of the file), was never
 *   received, or cannot be checked: the recording stays in Zoom's cloud for good.
 */
import type { ChatParts } from "../settings/chat-settings.repository.js";
import { SPEECH_TRANSCRIPT_FILE_ID } from "./delivery-jobs.js";
import type { TrashFacts } from "./trash.repository.js";

export type TrashReadiness = "ready" | "wait" | "keep";

const SETTLED = new Set(["done", "failed", "unavailable"]);

const PART_OF_KIND: Record<string, keyof ChatParts> = {
  audio: "audio",
  video: "video",
  transcript: "transcript",
  chat: "chat",
};

export function trashReadiness(facts: TrashFacts, parts: ChatParts): TrashReadiness {
  const wanted = facts.deliveries.filter((d) => parts[PART_OF_KIND[d.kind] ?? "audio"]);
  if (wanted.some((d) => d.state === "failed" || d.state === "skipped")) return "keep";
  if (wanted.some((d) => d.state !== "delivered")) return "wait";
  const has = (kind: string) => wanted.some((d) => d.kind === kind);
  const fileOf = (fileType: string) => facts.files.some((f) => f.fileType.toUpperCase() === fileType);

  // Parts the chat receives that Zoom has but whose delivery does not exist yet.
  if (parts.video && fileOf("MP4") && !has("video")) return "wait";
  if (parts.chat && fileOf("CHAT") && !has("chat")) return "wait";
  // A transcript may come until its deadline (the card's parts timeout marks it unavailable).
  if (parts.transcript && !has("transcript") && facts.transcriptCardStatus !== "unavailable") return "wait";
  if (!has("audio") && !has("video")) return "keep";
  // The summary never holds the trash back for long, but its job may still ask Zoom for the
  // meeting (Zoom's own summary): it runs first, whatever its outcome.
  if (parts.summary && facts.summaryCardStatus !== undefined && !SETTLED.has(facts.summaryCardStatus))
    return "wait";

  // Intact: each delivered file was downloaded against a size Zoom stated.
  for (const d of wanted) {
    // A transcript we made from the audio (speech to text) is no Zoom file: nothing to check.
    if (d.fileId === SPEECH_TRANSCRIPT_FILE_ID) continue;
    const file = facts.files.find((f) => f.fileId === d.fileId);
    if (!file || file.fileSize === null || file.fileSize <= 0) return "keep";
  }
  return "ready";
}
