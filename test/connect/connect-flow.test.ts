/**
 * The connect flow end to end through the fakes: an injected /connect update → the button's URL →
 * GET /zoom/connect → the fake Zoom's authorize → GET /zoom/callback → "Connected as …" in the
 * chat. And everything that must NOT connect: a tampered link, the unsigned seed-style link, an
 * expired link, a replayed or forged callback, a denied authorization, a Zoom outage.
 */
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { signConnectParams } from "../../src/connect/connect-link.js";
import { signOAuthState } from "../../src/connect/oauth-state.js";
import {
  ADA,
  adaHarnessForEachTest,
  type ConnectHarness,
  followToZoom,
  lastLoginButton,
  pathOf,
  pressConnectButton,
  sendText,
} from "./harness.js";

const setup = adaHarnessForEachTest();

/** The bare URL of the login_url button of the newest bot message in a chat (a "copied" link). */
function lastButtonUrl(b: ConnectHarness, chatId: number): string {
  return lastLoginButton(b, chatId).url;
}

/** ADA presses the newest connect button in `chatId`: the URL with Telegram's signed data. */
function pressed(b: ConnectHarness, chatId: number, from = ADA.id): string {
  return pressConnectButton(b, chatId, from);
}

/**
 * The browser's part: open the pressed link, see the confirmation page, follow its button to the
 * fake Zoom, which 302s back to us.
 */
async function authorize(
  b: ConnectHarness,
  buttonUrl: string,
): Promise<{ callbackPath: string; authorizeUrl: URL; confirmation: string }> {
  const { confirmation, authorizeUrl, zoomStatus, back } = await followToZoom(b, buttonUrl);
  expect(zoomStatus).toBe(302);
  return { callbackPath: pathOf(back.toString()), authorizeUrl, confirmation };
}

async function connectionCount(b: ConnectHarness): Promise<number> {
  const rows = await b.app.services.db.kysely.selectFrom("zoom_connections").select("id").execute();
  return rows.length;
}

describe("connect flow", () => {
  it("connects end to end: /connect → button → Zoom → callback → page and chat message", async () => {
    const { b, user } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const prompt = b.tg.sent.find((s) => s.chatId === ADA.id);
    expect(prompt?.text).toContain("Tap the button below");
    expect(lastButtonUrl(b, ADA.id).startsWith("http://127.0.0.1:3000/zoom/connect?")).toBe(true);
    const buttonUrl = pressed(b, ADA.id);

    const { callbackPath, authorizeUrl, confirmation } = await authorize(b, buttonUrl);
    expect(confirmation).toContain("Ada (@ada) asked to deliver");
    expect(confirmation).toContain("private chat with the bot");
    expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${b.zoom.url}/oauth/authorize`);
    const q = authorizeUrl.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(b.zoom.clientId);
    expect(q.get("redirect_uri")).toBe("http://127.0.0.1:3000/zoom/callback");
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get("state")?.split(".")).toHaveLength(3);

    const page = await b.app.http.request(callbackPath);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain("Zoom is connected");
    expect(html).toContain("ada@example.com");
    expect(html).toContain("https://t.me/zoomgram_fake_bot");

    const told = b.tg.sent.filter((s) => s.chatId === ADA.id).at(-1);
    expect(told?.text).toBe(
      "✅ Connected to Zoom as ada@example.com. New cloud recordings will arrive in this chat.",
    );
    const row = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      zoom_user_id: user.id,
      email: "ada@example.com",
      chat_id: ADA.id,
      telegram_user_id: ADA.id,
      status: "active",
      display_name: "Ada Lovelace",
    });
    expect(row.access_token_enc.startsWith("v1.")).toBe(true);
    expect(row.token_key_id).toBe(b.app.services.cipher.keyIds[0]);
    expect(b.zoom.stats.codeExchanges).toBe(1);
    // PKCE: the state row is gone once used.
    expect(await b.app.services.db.kysely.selectFrom("oauth_states").selectAll().execute()).toEqual([]);
  });

  it("a replayed callback fails with 400 and changes nothing", async () => {
    const { b } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { callbackPath } = await authorize(b, pressed(b, ADA.id));
    expect((await b.app.http.request(callbackPath)).status).toBe(200);
    const sentBefore = b.tg.sent.length;

    const replay = await b.app.http.request(callbackPath);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("already used or is no longer valid");
    expect(b.zoom.stats.codeExchanges).toBe(1);
    expect(b.tg.sent.length).toBe(sentBefore);
  });

  it("a tampered link, the unsigned seed-style link and a link signed with another secret never reach Zoom", async () => {
    const { b } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const good = new URL(pressed(b, ADA.id));

    const tampered = new URL(good);
    tampered.searchParams.set("c", "-100999");
    const forged = signConnectParams(
      { chatId: ADA.id, userId: ADA.id, expiresAt: Math.floor(b.clock.now() / 1000) + 600 },
      "another-secret-another-secret-another-secret",
    );
    for (const path of [
      pathOf(tampered.toString()),
      `/zoom/connect?telegram_chat_id=${ADA.id}&telegram_user_id=${ADA.id}`,
      "/zoom/connect",
      `/zoom/connect?${forged.toString()}`,
      `${pathOf(good.toString())}&c=-100999`, // a repeated parameter
    ]) {
      const response = await b.app.http.request(path, { headers: { "accept-language": "de-DE,de;q=0.9" } });
      expect(response.status, path).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      const html = await response.text();
      expect(html).toContain('lang="de"');
      expect(html).toContain("/connect");
    }
    expect(b.zoom.requests.filter((r) => r.route === "authorize")).toHaveLength(0);
    expect(await b.app.services.db.kysely.selectFrom("oauth_states").selectAll().execute()).toEqual([]);
    expect(await connectionCount(b)).toBe(0);
  });

  it("an expired link gets a 400 page in the link's language saying to send /connect again", async () => {
    const { b } = await setup();
    await b.app.services.db.kysely
      .insertInto("users")
      .values({
        telegram_user_id: ADA.id,
        username: null,
        first_name: "Ada",
        language_code: "ru",
        locale: "ru",
        created_at: 0,
        updated_at: 0,
      })
      .execute();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const link = pressed(b, ADA.id);
    expect(new URL(link).searchParams.get("l")).toBe("ru");
    b.clock.advance(15 * 60_000 + 1000);
    const response = await b.app.http.request(pathOf(link));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('lang="ru"');
    expect(html).toContain("/connect");
    expect(b.zoom.requests).toHaveLength(0);
  });

  it("a link works once: after it connected the chat, opening it again is refused", async () => {
    const { b } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const link = pressed(b, ADA.id);
    const { callbackPath } = await authorize(b, link);
    expect((await b.app.http.request(callbackPath)).status).toBe(200);
    b.clock.advance(1000);
    expect((await b.app.http.request(pathOf(link))).status).toBe(400);
    // A new /connect gives a new link that works (e.g. to reconnect).
    b.clock.advance(1000);
    await sendText(b, ADA.id, ADA.id, "/connect");
    expect(b.tg.sent.filter((s) => s.chatId === ADA.id).at(-1)?.text).toContain(
      "already connected to Zoom as ada@example.com",
    );
    expect((await b.app.http.request(pathOf(pressed(b, ADA.id)))).status).toBe(200);
  });

  it("a forged, expired or unknown state fails with 400 and exchanges no code", async () => {
    const { b } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { callbackPath } = await authorize(b, pressed(b, ADA.id));
    const url = new URL(callbackPath, "http://x");
    const code = url.searchParams.get("code") ?? "";

    const forged = await signOAuthState(
      "another-secret-another-secret-another-secret",
      { nonce: "AAAAAAAAAAAAAAAAAAAAAAAA", chatId: ADA.id, telegramUserId: ADA.id, locale: "en" },
      b.clock.now(),
    );
    const unknown = await signOAuthState(
      b.app.services.config.stateSecret,
      { nonce: "BBBBBBBBBBBBBBBBBBBBBBBB", chatId: ADA.id, telegramUserId: ADA.id, locale: "en" },
      b.clock.now(),
    );
    for (const state of [forged, unknown, "not-a-jwt", ""]) {
      const response = await b.app.http.request(
        `/zoom/callback?code=${code}&state=${encodeURIComponent(state)}`,
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("send /connect to start again");
    }
    expect((await b.app.http.request(`/zoom/callback?code=${code}`)).status).toBe(400);

    b.clock.advance(10 * 60_000 + 1000); // the real state has expired too
    expect((await b.app.http.request(callbackPath)).status).toBe(400);
    expect(b.zoom.stats.codeExchanges).toBe(0);
    expect(await connectionCount(b)).toBe(0);
  });

  it("error=access_denied explains itself and connects nothing", async () => {
    const { b } = await setup();
    b.zoom.setNextAuthorization({ deny: true });
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { callbackPath } = await authorize(b, pressed(b, ADA.id));
    expect(callbackPath).toContain("error=access_denied");
    const response = await b.app.http.request(callbackPath);
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Connection cancelled");
    expect(html).toContain("approved in Zoom, so nothing was connected");
    expect(await connectionCount(b)).toBe(0);
  });

  it("Zoom failing during the exchange shows a 'failed' page with a reference, and stores nothing", async () => {
    const { b } = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { callbackPath } = await authorize(b, pressed(b, ADA.id));
    b.zoom.inject("token", { kind: "status", status: 503 });
    const response = await b.app.http.request(callbackPath);
    expect(response.status).toBe(502);
    const html = await response.text();
    expect(html).toContain("Something went wrong");
    expect(html).toMatch(/reference: [\w-]+/);
    expect(await connectionCount(b)).toBe(0);
  });

  it("connecting an account that is already connected elsewhere moves delivery and tells the old chat", async () => {
    const { b, user } = await setup();
    const GROUP = -100123;
    b.tg.addChat({
      id: GROUP,
      type: "supergroup",
      title: "Team room",
      admins: [ADA.id],
      members: [ADA.id, 2002],
    });
    await sendText(b, ADA.id, ADA.id, "/connect");
    let flow = await authorize(b, pressed(b, ADA.id));
    expect((await b.app.http.request(flow.callbackPath)).status).toBe(200);

    b.clock.advance(60_000);
    await sendText(b, GROUP, ADA.id, "/connect");
    flow = await authorize(b, pressed(b, GROUP));
    expect((await b.app.http.request(flow.callbackPath)).status).toBe(200);

    const row = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ zoom_user_id: user.id, chat_id: GROUP });
    expect(await connectionCount(b)).toBe(1);
    expect(b.tg.sent.filter((s) => s.chatId === GROUP).at(-1)?.text).toContain(
      "Connected to Zoom as ada@example.com",
    );
    expect(b.tg.sent.filter((s) => s.chatId === ADA.id).at(-1)?.text).toBe(
      "↪️ Recordings of the Zoom account ada@example.com are now delivered to “Team room”. This chat will no longer receive them.",
    );
  });

  it("in a group only an administrator gets a connect link", async () => {
    const { b } = await setup();
    const GROUP = -100555;
    b.tg.addUser({ id: 2002, first_name: "Bob" });
    b.tg.addChat({ id: GROUP, type: "supergroup", title: "Team", admins: [ADA.id], members: [ADA.id, 2002] });
    await sendText(b, GROUP, 2002, "/connect");
    const reply = b.tg.sent.filter((s) => s.chatId === GROUP).at(-1);
    expect(reply?.text).toBe(
      "Only admins of this group can do that. Please ask a group admin to send the command.",
    );
    expect(reply?.replyMarkup).toBeUndefined();
    await sendText(b, GROUP, ADA.id, "/connect");
    expect(lastButtonUrl(b, GROUP)).toContain("/zoom/connect?");
  });

  it("an anonymous administrator is asked to send /connect under their own name", async () => {
    const { b } = await setup();
    const GROUP = -100556;
    b.tg.addChat({ id: GROUP, type: "supergroup", title: "Team", admins: [ADA.id] });
    const update = b.tg.userSends({ chatId: GROUP, from: 1087968824, text: "/connect" }) as unknown as {
      message: Record<string, unknown>;
    };
    update.message.sender_chat = { id: GROUP, type: "supergroup", title: "Team" };
    await b.app.bot.handleUpdate(update as unknown as Update);
    const reply = b.tg.sent.filter((s) => s.chatId === GROUP).at(-1);
    expect(reply?.text).toContain("Anonymous administrators can't connect Zoom");
    expect(reply?.replyMarkup).toBeUndefined();
  });

  it("uses the token response's regional api_url for users/me", async () => {
    const { b } = await setup();
    const regional = `http://localhost:${new URL(b.zoom.url).port}`;
    b.zoom.setApiUrl(regional);
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { callbackPath } = await authorize(b, pressed(b, ADA.id));
    expect((await b.app.http.request(callbackPath)).status).toBe(200);
    const me = b.zoom.requests.find((r) => r.route === "users_me");
    expect(me?.host).toBe(`localhost:${new URL(b.zoom.url).port}`);
    const row = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.api_url).toBe(regional);
  });

  it("rate-limits the connect endpoints per client IP", async () => {
    const { b } = await setup();
    const env = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await b.app.http.request("/zoom/connect", {}, env("10.0.0.1"))).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect((await b.app.http.request("/zoom/connect", {}, env("10.0.0.2"))).status).toBe(400);
    b.clock.advance(10_000);
    expect((await b.app.http.request("/zoom/connect", {}, env("10.0.0.1"))).status).toBe(400);
  });
});
