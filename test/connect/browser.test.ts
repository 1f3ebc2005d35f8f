/**
 * The browser part of /connect, walked by a real headless Chromium (Debian's, driven by
 * playwright-core) against the real HTTP server on a free port and the fake Zoom: open the
 * button's link → our 302 → Zoom's authorize → Zoom's 302 back → the result page the person sees.
 * Checks what is visible (title, heading, the account, the way back to Telegram), that the page's
 * strict CSP still lets its own stylesheet apply, and the refusal pages for a tampered link and a
 * denied authorization, in the browser's language.
 */
import type { Update } from "grammy/types";
import { type Browser, chromium, type Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/world.js";
import { type ConnectHarness, startConnectHarness } from "./harness.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const ADA = { id: 1001, first_name: "Ada", language_code: "en" };

let browser: Browser;
let bench: ConnectHarness | undefined;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

/** The text as rendered for the person (Playwright's innerText: CSS applied, hidden text left out). */
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright Locator, not a DOM node
const seen = (locator: Locator) => locator.innerText();

/** The real server on 127.0.0.1:<free port>, with Zoom redirecting back to it. */
async function serve(): Promise<ConnectHarness> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  bench = await startConnectHarness({
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      ZOOM_REDIRECT: `${origin}/zoom/callback`,
      PUBLIC_URL: origin,
    },
  });
  await bench.app.start();
  bench.zoom.addUser({ email: "ada@example.com" });
  bench.tg.addUser(ADA);
  return bench;
}

async function connectLink(b: ConnectHarness): Promise<string> {
  await b.app.bot.handleUpdate(
    b.tg.userSends({ chatId: ADA.id, from: ADA.id, text: "/connect" }) as unknown as Update,
  );
  // Ada presses the login_url button: Telegram opens it with her signed identity.
  const messageId = b.tg.sent.at(-1)?.messageId as number;
  return b.tg.pressLoginButton({ chatId: ADA.id, messageId, from: ADA.id });
}

describe("connect flow in a real browser", () => {
  it("walks from the Telegram button to a clean 'connected' page naming the Zoom account", async () => {
    const b = await serve();
    const link = await connectLink(b);
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") cspViolations.push(message.text());
    });

    const confirmation = await page.goto(link);
    expect(confirmation?.status()).toBe(200);
    // The page before Zoom names the destination and who asked; its button goes on to Zoom.
    expect(await seen(page.locator("main p").first())).toContain("Ada asked to deliver");
    const [response] = await Promise.all([
      page.waitForNavigation({ url: (u) => u.pathname === "/zoom/callback" }),
      page.locator("a.action").click(),
    ]);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/zoom/callback");
    expect(await page.title()).toBe("Zoom is connected · Zoomgram");
    expect(await seen(page.locator("h1"))).toBe("Zoom is connected");
    const body = await seen(page.locator("main p").first());
    expect(body).toContain("You're connected as ada@example.com");
    expect(body).toContain("return to Telegram");
    const back = page.locator("a.action");
    expect(await seen(back)).toBe("Back to Telegram");
    expect(await back.getAttribute("href")).toBe("https://t.me/zoomgram_fake_bot");
    // The inline stylesheet is allowed by its CSP hash: the card is styled, nothing was blocked.
    expect(
      await page
        .locator("main")
        .evaluate(
          (el) =>
            (
              globalThis as unknown as { getComputedStyle(e: typeof el): { borderRadius: string } }
            ).getComputedStyle(el).borderRadius,
        ),
    ).toBe("16px");
    expect(cspViolations).toEqual([]);

    // The visit went through Zoom's authorize page with PKCE, and the chat heard about it.
    expect(
      b.zoom.requests.some((r) => r.route === "authorize" && r.path.includes("code_challenge_method=S256")),
    ).toBe(true);
    expect(b.tg.sent.at(-1)?.text).toContain("Connected to Zoom as ada@example.com");

    // Reloading the callback (a replay) shows a page that says what to do, and changes nothing.
    const replay = await page.reload();
    expect(replay?.status()).toBe(400);
    expect(await seen(page.locator("h1"))).toBe("This sign-in can't be completed");
    expect(b.zoom.stats.codeExchanges).toBe(1);
    await context.close();
  });

  it("a tampered link shows a refusal in the browser's language and never reaches Zoom", async () => {
    const b = await serve();
    const link = new URL(await connectLink(b));
    link.searchParams.set("c", "-100123");
    const context = await browser.newContext({ locale: "fr-FR" });
    const page = await context.newPage();
    const response = await page.goto(link.toString());
    expect(response?.status()).toBe(400);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    expect(await seen(page.locator("main p").first())).toContain("/connect");
    expect(b.zoom.requests.filter((r) => r.route === "authorize")).toHaveLength(0);
    await context.close();
  });

  it("declining in Zoom ends on a page that says nothing was connected", async () => {
    const b = await serve();
    b.zoom.setNextAuthorization({ deny: true });
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    await page.goto(await connectLink(b));
    await Promise.all([
      page.waitForNavigation({ url: (u) => u.pathname === "/zoom/callback" }),
      page.locator("a.action").click(),
    ]);
    expect(await seen(page.locator("h1"))).toBe("Connection cancelled");
    expect(await seen(page.locator("main p").first())).toContain("nothing was connected");
    const rows = await b.app.services.db.kysely.selectFrom("zoom_connections").selectAll().execute();
    expect(rows).toEqual([]);
    await context.close();
  });
});
