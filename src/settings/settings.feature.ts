/**
 * The chat steers (issue #15): /settings — which parts of which meetings arrive, trash after
 * delivery, where deliveries go (a forum topic, a channel or group), the language — and the
 * settings lines /status shows; a group that becomes a supergroup takes them along. The per-chat
 * model (chat-settings.repository.ts) is what delivery reads when it ingests events and sends.
 */
import { Composer } from "grammy";
import type { ConnectServices } from "../connect/connect-services.js";
import type { FeatureParts } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import { createChatMigrationComposer } from "./chat-migration.composer.js";
import { getChatDestination, getChatSettings } from "./chat-settings.repository.js";
import { defaultChatSettings } from "./default-chat-settings.js";
import { createDestinationComposer } from "./destination.composer.js";
import { createSettingsComposer } from "./settings.composer.js";
import { settingsLines } from "./settings-view.js";

export function createSettingsFeature(services: ConnectServices): FeatureParts {
  const destination = createDestinationComposer(services);
  const composer = new Composer<BotContext>();
  composer.use(createChatMigrationComposer(services));
  composer.use(destination.composer);
  composer.use(createSettingsComposer(services, { pickDestination: destination.pickDestination }));
  services.connectExtensions.onConnectCommand.push(destination.onConnectCommand);
  services.connectExtensions.statusLines.push(async (ctx, chatId) => {
    const [settings, where] = await Promise.all([
      getChatSettings(services.db.kysely, chatId, defaultChatSettings(services.config)),
      getChatDestination(services.db.kysely, chatId),
    ]);
    return [ctx.t("status-settings-header"), ...settingsLines(ctx.t.bind(ctx), settings, where)];
  });
  return { composer, commands: { settings: 45 } };
}
