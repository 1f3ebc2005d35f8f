/**
 * Connecting Zoom from Telegram (issue #3): the connect routes, the bot's /start, /help, /connect,
 * /status, /disconnect and /language, and the command menu registered when the web role starts.
 */
import { Composer } from "grammy";
import { describeError } from "../errors.js";
import type { Feature, Services } from "../services.js";
import { registerBotCommands } from "../telegram/bot-commands.js";
import { createConnectComposer } from "../telegram/composers/connect.composer.js";
import { createDisconnectComposer } from "../telegram/composers/disconnect.composer.js";
import { createLanguageComposer } from "../telegram/composers/language.composer.js";
import { createStartComposer } from "../telegram/composers/start.composer.js";
import { createStatusComposer } from "../telegram/composers/status.composer.js";
import { createTrackChatComposer } from "../telegram/composers/track-chat.composer.js";
import type { BotContext } from "../telegram/context.js";
import { mountConnectRoutes } from "./connect.routes.js";
import { createTokenService } from "./token-service.js";

/** `https://t.me/<bot username>`, from one getMe per process (retried after a failure). */
function telegramUrlResolver(services: Services): () => Promise<string | undefined> {
  let known: string | undefined;
  return async () => {
    if (known) return known;
    try {
      const me = await services.telegram.getMe();
      known = `https://t.me/${me.username}`;
      return known;
    } catch (error) {
      services.logger.warn(
        { err: describeError(error) },
        "getMe failed; result page without a Telegram button",
      );
      return undefined;
    }
  };
}

export const connectFeature: Feature = {
  name: "connect",
  routes(app, services) {
    mountConnectRoutes(app, services, {
      oauth: createTokenService(services).oauth,
      telegramUrl: telegramUrlResolver(services),
    });
  },
  composer(services) {
    const tokens = createTokenService(services);
    const composer = new Composer<BotContext>();
    composer.use(createTrackChatComposer(services));
    composer.use(createStartComposer(services));
    composer.use(createConnectComposer(services));
    composer.use(createStatusComposer(services, { tokens }));
    composer.use(createDisconnectComposer(services, { tokens }));
    composer.use(createLanguageComposer(services));
    return composer;
  },
  async onWebStart(services) {
    await registerBotCommands(services.telegram, services.translator);
  },
};
