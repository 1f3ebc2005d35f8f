/** Whether the chat chose summaries in /settings (the summary made from a transcript respects it too). */
import { getChatSettings } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import type { DeliveryServices } from "./delivery-services.js";

export async function wantsSummary(services: DeliveryServices, chatId: number): Promise<boolean> {
  const settings = await getChatSettings(services.db.kysely, chatId, defaultChatSettings(services.config));
  return settings.parts.summary;
}
