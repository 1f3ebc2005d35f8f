/**
 * A chat's delivery settings (src/settings/): what it chose, the operator's defaults for the rest.
 * The one place the delivery feature reads them.
 */
import { type ChatSettings, getChatSettings } from "../settings/chat-settings.repository.js";
import { defaultChatSettings } from "../settings/default-chat-settings.js";
import type { DeliveryServices } from "./delivery-services.js";

export function chatSettingsFor(services: DeliveryServices, chatId: number): Promise<ChatSettings> {
  return getChatSettings(services.db.kysely, chatId, defaultChatSettings(services.config));
}
