/**
 * `GET /zoom/connect` and `GET /zoom/callback` (CONTRACT). Thin: rate limit per client IP, pick a
 * language for pages that have no signed one, run the flow (connect-flow.ts), render the page.
 */
import type { Context } from "hono";
import type { HttpApp, HttpEnv } from "../http/create-http-app.js";
import { createRateLimiter, type RateLimiter } from "../http/rate-limiter.js";
import { PAGE_HEADERS, renderResultPage } from "../i18n/html-page.js";
import { type Locale, resolveLocale } from "../i18n/locales.js";
import type { Services } from "../services.js";
import type { OAuthClient } from "../zoom/oauth-client.js";
import { completeConnect, type PageOutcome, startConnect } from "./connect-flow.js";

export interface ConnectRoutesDeps {
  oauth: OAuthClient;
  /** `https://t.me/<bot>` for the pages' "Back to Telegram" button; undefined hides it. */
  telegramUrl(): Promise<string | undefined>;
  /** Default: 20 requests in a burst, then one every 2 s, per client IP. */
  limiter?: RateLimiter;
}

export function mountConnectRoutes(app: HttpApp, services: Services, deps: ConnectRoutesDeps): void {
  const limiter =
    deps.limiter ??
    createRateLimiter({ capacity: 20, refillPerSecond: 0.5, now: () => services.clock.now() });

  const render = async (c: Context<HttpEnv>, outcome: PageOutcome) => {
    const html = renderResultPage(services.translator, {
      locale: outcome.locale,
      page: outcome.page,
      ...(outcome.vars ? { vars: outcome.vars } : {}),
      ...(outcome.continueUrl ? { continueUrl: outcome.continueUrl } : await telegramUrlOrNothing(deps)),
    });
    return c.body(html, outcome.status, PAGE_HEADERS);
  };

  const limited = (c: Context<HttpEnv>) =>
    limiter.take(clientIp(c))
      ? undefined
      : render(c, { kind: "page", status: 429, page: "rate-limited", locale: pageLocale(c) });

  app.get("/zoom/connect", async (c) => {
    const refused = limited(c);
    if (refused) return refused;
    const outcome = await startConnect(services, new URL(c.req.url).searchParams, pageLocale(c));
    return render(c, outcome);
  });

  app.get("/zoom/callback", async (c) => {
    const refused = limited(c);
    if (refused) return refused;
    const outcome = await completeConnect(services, new URL(c.req.url).searchParams, pageLocale(c), {
      oauth: deps.oauth,
      ref: c.get("requestId"),
    });
    return render(c, outcome);
  });
}

async function telegramUrlOrNothing(deps: ConnectRoutesDeps): Promise<{ telegramUrl?: string }> {
  const url = await deps.telegramUrl();
  return url ? { telegramUrl: url } : {};
}

/** The first language of Accept-Language, for pages whose link carried none we can trust. */
function pageLocale(c: Context<HttpEnv>): Locale {
  const first = c.req.header("accept-language")?.split(",")[0]?.split(";")[0]?.trim();
  return resolveLocale(first);
}

/**
 * The peer address from the Node server. Behind a reverse proxy this is the proxy, so the limit
 * becomes shared; forwarded headers are not trusted because any client can set them.
 */
function clientIp(c: Context<HttpEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}
