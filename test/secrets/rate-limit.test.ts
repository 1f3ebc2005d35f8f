/**
 * Issue #9 §4: `/zoom/connect` and `/zoom/callback` are rate-limited per client. Each client
 * address has one bucket for both routes (20 requests in a burst, then one every 2 s); a client
 * over its limit gets a 429 page before anything else happens (no OAuth state row, no code
 * exchange with Zoom), other clients are unaffected, and a forged X-Forwarded-For does not buy a
 * fresh bucket.
 */
import { afterEach, describe, expect, it } from "vitest";
import { signConnectParams } from "../../src/connect/connect-link.js";
import { type Harness, startHarness } from "../fault/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { openConnectLink } from "./flows.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const BURST = 20;

async function get(harness: Harness, path: string, ip: string, headers: Record<string, string> = {}) {
  const res = await harness.app.http.request(
    path,
    { headers },
    { incoming: { socket: { remoteAddress: ip } } },
  );
  await res.arrayBuffer();
  return res.status;
}

async function oauthStates(harness: Harness): Promise<number> {
  const rows = await harness.db.kysely.selectFrom("oauth_states").select("nonce").execute();
  return rows.length;
}

describe(`connect routes are rate-limited per client (${TEST_DIALECT})`, () => {
  it("a client gets its burst, then 429 on both routes; another client is unaffected; time refills", async () => {
    h = await startHarness();
    const a = "203.0.113.1";
    const b = "203.0.113.2";
    for (let i = 0; i < BURST; i++) expect(await get(h, `/zoom/connect?c=${i}`, a)).toBe(400);
    expect(await get(h, "/zoom/connect?c=1", a)).toBe(429);
    // One bucket for both routes.
    expect(await get(h, "/zoom/callback?state=x&code=y", a)).toBe(429);
    // Another client still has its own.
    expect(await get(h, "/zoom/callback?state=x&code=y", b)).toBe(400);
    // Headers anyone can set do not make a new client.
    expect(
      await get(h, "/zoom/connect", a, { "x-forwarded-for": "192.0.2.99", "x-real-ip": "192.0.2.98" }),
    ).toBe(429);
    // One token comes back every two seconds.
    h.clock.advance(2_000);
    expect(await get(h, "/zoom/connect", a)).toBe(400);
    expect(await get(h, "/zoom/connect", a)).toBe(429);
    h.clock.advance(60_000);
    for (let i = 0; i < BURST; i++) expect(await get(h, "/zoom/connect", a)).toBe(400);
    expect(await get(h, "/zoom/connect", a)).toBe(429);
  });

  it("over the limit, a genuine link creates no OAuth state and a genuine callback reaches no Zoom", async () => {
    h = await startHarness();
    const ip = "203.0.113.3";
    h.zoom.addUser({ email: "ada@example.com" });
    h.tg.addChat({ id: 8300, type: "private", first_name: "Ada" });
    // A genuine sign-in is under way from this client…
    const { authorizeUrl } = await openConnectLink(h, 8300, 83, ip);
    expect(await oauthStates(h)).toBe(1);
    const atZoom = await fetch(authorizeUrl, { redirect: "manual" });
    const back = new URL(atZoom.headers.get("location") ?? "");
    // …then the client burns its budget.
    for (let i = 1; i < BURST; i++) await get(h, "/zoom/connect?junk", ip);
    const link = signConnectParams(
      { chatId: 8300, userId: 84, expiresAt: Math.floor(h.clock.now() / 1000) + 600 },
      h.config.stateSecret,
    );
    expect(await get(h, `/zoom/connect?${link}`, ip)).toBe(429);
    expect(await oauthStates(h)).toBe(1);
    const zoomRequests = h.zoom.requests.length;
    expect(await get(h, `${back.pathname}${back.search}`, ip)).toBe(429);
    expect(h.zoom.requests.length).toBe(zoomRequests);
    expect(h.zoom.stats.codeExchanges).toBe(0);
    // The page says so in the visitor's language.
    const page = await h.app.http.request(
      "/zoom/connect",
      { headers: { "accept-language": "de" } },
      {
        incoming: { socket: { remoteAddress: ip } },
      },
    );
    expect(page.status).toBe(429);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain('lang="de"');
  });
});
