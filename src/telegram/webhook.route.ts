/**
 * `POST /telegram/webhook` (webhook mode only): grammY checks `X-Telegram-Bot-Api-Secret-Token`
 * in constant time and hands the update to the bot.
 */
import { type Bot, webhookCallback } from "grammy";
import type { HttpApp } from "../http/http-env.js";
import type { BotContext } from "./context.js";

export function mountTelegramWebhook(
  app: HttpApp,
  bot: Bot<BotContext>,
  options: { secretToken: string | undefined; onUpdate?: () => void },
): void {
  const handle = webhookCallback(bot, "hono", { secretToken: options.secretToken, onTimeout: "return" });
  app.post("/telegram/webhook", async (c) => {
    options.onUpdate?.();
    try {
      return await handle(c);
    } catch (error) {
      // grammY checked the secret, then choked on a body that is no update (not JSON, `null`):
      // that is a 400. Handler errors end in bot.catch and never get here, so anything else
      // (getMe failing at init) stays a 5xx and Telegram will retry.
      const body: unknown = await c.req.json().catch(() => undefined);
      if (
        typeof body === "object" &&
        body !== null &&
        typeof (body as { update_id?: unknown }).update_id === "number"
      )
        throw error;
      return c.json({ error: "http.bad_request", message: "body is not a Telegram update" }, 400);
    }
  });
}
