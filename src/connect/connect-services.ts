/**
 * What the connect feature needs and what it gives the features above it: the process's
 * infrastructure plus the one token service of the process (built by the composition root, so
 * every caller in the process shares its in-process single-flight refresh), and the extension
 * points through which features above connect add to its commands without connect knowing them.
 */
import type { Services } from "../services.js";
import type { BotContext } from "../telegram/context.js";
import type { TokenService } from "./token-service.js";

/**
 * Hooks features above connect register while they are built (the composition root creates the
 * empty lists once); connect calls them when its commands run.
 */
export interface ConnectExtensions {
  /** Lines /status shows after the connections (e.g. the chat's settings), in registration order. */
  readonly statusLines: Array<(ctx: BotContext, chatId: number) => Promise<string[]>>;
  /** Runs after an administrator's /connect was answered (e.g. to record the forum topic it came from). */
  readonly onConnectCommand: Array<(ctx: BotContext) => Promise<void>>;
}

export function createConnectExtensions(): ConnectExtensions {
  return { statusLines: [], onConnectCommand: [] };
}

export interface ConnectServices extends Services {
  readonly tokens: TokenService;
  readonly connectExtensions: ConnectExtensions;
}
