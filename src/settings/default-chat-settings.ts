/**
 * The settings of a chat that never chose: audio, transcript and summary; no video (large, and
 * audio-only chats should never download it) and no in-meeting chat file; every meeting; trash
 * after delivery as the operator set ZOOM_TRASH_AFTER_DELIVERY.
 */
import type { Config } from "../config.js";
import type { ChatSettings } from "./chat-settings.repository.js";

export function defaultChatSettings(config: Config): ChatSettings {
  return {
    parts: { audio: true, video: false, transcript: true, summary: true, chat: false },
    topicFilter: { mode: "all", phrase: null },
    trashAfterDelivery: config.zoom.trashAfterDelivery,
  };
}
