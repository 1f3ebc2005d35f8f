/**
 * The operations test world (test/support/world.ts): the app's own logger at debug level (only
 * the destination is swapped so the lines can be read) and every credential the fake Zoom hands
 * the app recorded, so tests can look for them where they must not be.
 */
import type { Writable } from "node:stream";
import type { Logger } from "pino";
import type { AppDeps, AppRoles } from "../../src/app.js";
import type { ManualClock } from "../../src/clock.js";
import type { Env } from "../../src/config.js";
import type { Locale } from "../../src/i18n/locales.js";
import type { ZoomUser } from "../fakes/fake-zoom.js";
import { startWorld, type World } from "../support/world.js";

export interface OpsHarness extends Omit<World, "connect" | "post" | "settle"> {
  /** A connected Zoom user delivering to `chatId`, as a finished authorization leaves it. */
  connect(input: {
    user: ZoomUser;
    chatId: number;
    telegramUserId?: number;
    locale?: string;
  }): Promise<{ accessToken: string; refreshToken: string }>;
  /** POSTs `event` to /webhooks/zoom, signed with the app's secret at the world's clock. */
  post(event: unknown): Promise<Response>;
  /** Runs due jobs of `kinds`, jumping the clock to each retry, until none is waiting. */
  settle(kinds?: string[], maxRounds?: number): Promise<void>;
}

export interface OpsHarnessOptions {
  env?: Env;
  roles?: AppRoles;
  deps?: AppDeps;
  /** Log through this logger instead of the app's own (the unredacted control). */
  logger?: (destination: Writable) => Logger;
  clock?: ManualClock;
}

export async function startOpsHarness(options: OpsHarnessOptions = {}): Promise<OpsHarness> {
  const world = await startWorld({
    ...(options.clock ? { clock: options.clock } : {}),
    env: { LOG_LEVEL: "debug", ...options.env },
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.deps ? { deps: options.deps } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    ...world,
    async connect({ user, chatId, telegramUserId = chatId > 0 ? chatId : 1001, locale = "en" }) {
      return world.connect({
        user,
        chatId,
        telegramUserId,
        locale: locale as Locale,
        fakeChat:
          chatId > 0
            ? { type: "private", first_name: "Test" }
            : { type: "group", title: "Team", admins: [telegramUserId] },
        telegramUser: { first_name: "Test", language_code: locale },
        chat: { type: chatId > 0 ? "private" : "group", title: "Team" },
      });
    },
    post: (event) => world.post(event),
    settle: (kinds = ["deliver-recording"], maxRounds = 40) => world.settle({ kinds, maxRounds }),
  };
}
