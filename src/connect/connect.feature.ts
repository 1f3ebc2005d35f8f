/**
 * Connecting Zoom from Telegram: the connect routes, the bot's /start, /help, /connect, /status,
 * /disconnect and /language, and the job that forgets a user who removed the app in Zoom.
 */
import { Composer } from "grammy";
import { describeError } from "../errors.js";
import type { FeatureParts } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import { createConnectComposer } from "./connect.composer.js";
import { mountConnectRoutes } from "./connect.routes.js";
import type { ConnectServices } from "./connect-services.js";
import { DEAUTHORIZE_JOB, deauthorizeJob } from "./deauthorize.job.js";
import { createDisconnectComposer } from "./disconnect.composer.js";
import { createLanguageComposer } from "./language.composer.js";
import { createStartComposer } from "./start.composer.js";
import { createStatusComposer } from "./status.composer.js";
import { createTrackChatComposer } from "./track-chat.composer.js";

export function createConnectFeature(services: ConnectServices): FeatureParts {
  const { tokens } = services;
  const composer = new Composer<BotContext>();
  composer.use(createTrackChatComposer(services));
  composer.use(createStartComposer(services));
  composer.use(createConnectComposer(services, { onConnect: services.connectExtensions.onConnectCommand }));
  composer.use(
    createStatusComposer(services, { tokens, extraLines: services.connectExtensions.statusLines }),
  );
  composer.use(createDisconnectComposer(services, { tokens }));
  composer.use(createLanguageComposer(services));
  const telegramUrl = telegramUrlResolver(services);
  return {
    routes: (app) => mountConnectRoutes(app, services, { oauth: tokens.oauth, telegramUrl }),
    composer,
    jobs: { [DEAUTHORIZE_JOB]: deauthorizeJob(services) },
    commands: { start: 10, help: 20, connect: 30, status: 40, disconnect: 80, language: 90 },
  };
}

/** `https://t.me/<bot username>`, from one getMe per process (retried after a failure). */
function telegramUrlResolver(services: ConnectServices): () => Promise<string | undefined> {
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
