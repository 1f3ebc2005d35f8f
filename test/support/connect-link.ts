/**
 * A connect link as a browser opens it after its login_url button was pressed (issue #13): the
 * bot's signed parameters plus Telegram's signed identity of the presser (reference telegram.md
 * §10.1), for tests that start the connect flow without going through the bot.
 */
import { signConnectParams } from "../../src/connect/connect-link.js";
import { signLoginData } from "../fakes/fake-telegram.js";

export function pressedConnectQuery(
  config: { stateSecret: string; telegram: { botToken: string } },
  input: { chatId: number; userId: number; nowMs: number; locale?: string; pressedBy?: number },
): URLSearchParams {
  const query = signConnectParams(
    {
      chatId: input.chatId,
      userId: input.userId,
      expiresAt: Math.floor(input.nowMs / 1000) + 15 * 60,
      ...(input.locale ? { locale: input.locale } : {}),
    },
    config.stateSecret,
  );
  const login = signLoginData(
    config.telegram.botToken,
    { id: input.pressedBy ?? input.userId, first_name: "Test" },
    Math.floor(input.nowMs / 1000),
  );
  for (const [key, value] of Object.entries(login)) query.append(key, value);
  return query;
}

/** The "Continue to Zoom" button of the confirmation page (HTML-unescaped). */
export function continueUrlOf(html: string): string {
  const href = /<a class="action" href="([^"]+)">/.exec(html)?.[1];
  if (!href) throw new Error("no button on the page");
  return href.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&#39;", "'");
}
