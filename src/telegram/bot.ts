/**
 * The bot: grammY with feature composers installed in order, i18n, and one error handler. No Bot
 * API call happens here (STYLE §8): polling, webhooks and setMyCommands start from app.ts.
 */
import { Bot, type Composer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "pino";
import { describeError } from "../errors.js";
import type { Translator } from "../i18n/translator.js";
import type { BotContext } from "./context.js";
import { fileUploads } from "./file-upload.js";

export interface CreateBotOptions {
  token: string;
  apiRoot: string;
  translator: Translator<BotContext>;
  logger: Logger;
  composers: ReadonlyArray<Composer<BotContext>>;
  /** Skips the start-up getMe (tests, and processes that only send). */
  botInfo?: UserFromGetMe;
  /** Bot API request timeout; uploads of large files need minutes. */
  timeoutSeconds?: number;
  fetch?: typeof fetch;
}

export function createBot(options: CreateBotOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(options.token, {
    botInfo: options.botInfo,
    client: {
      apiRoot: options.apiRoot,
      timeoutSeconds: options.timeoutSeconds ?? 600,
      ...(options.fetch ? { fetch: options.fetch as never } : {}),
    },
  });
  // Files from disk go through reused buffers; an injected fetch (tests, a proxy) sees every call.
  if (!options.fetch) {
    const timeoutSeconds = options.timeoutSeconds ?? 600;
    bot.api.config.use(fileUploads({ token: options.token, apiRoot: options.apiRoot, timeoutSeconds }));
  }
  bot.use(options.translator.i18n);
  for (const composer of options.composers) bot.use(composer);
  bot.catch(async (err) => {
    options.logger.error(
      { updateId: err.ctx.update.update_id, err: describeError(err.error) },
      "bot handler failed",
    );
    try {
      await err.ctx.reply(err.ctx.t("error-generic"));
    } catch {
      // The chat may be gone or blocked; the log line above is what remains.
    }
  });
  return bot;
}
