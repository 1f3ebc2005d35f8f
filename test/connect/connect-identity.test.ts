/**
 * Issue #13, item 1: the connect link proves who is connecting. /connect answers with a login_url
 * button; /zoom/connect goes on to Zoom only when Telegram's signed data names the user who sent
 * /connect (in a group: an administrator at that moment), fresh, and the link was never started
 * before. Everyone else connects nothing, and nothing is stored for them.
 */
import { describe, expect, it } from "vitest";
import { signLoginData } from "../fakes/fake-telegram.js";
import {
  ADA,
  adaHarnessForEachTest,
  type ConnectHarness,
  followToZoom,
  lastLoginButton,
  openInBrowser,
  pressConnectButton,
  sendText,
} from "./harness.js";

const startWithAda = adaHarnessForEachTest();

const BOB = { id: 2002, first_name: "Bob", username: "bob", language_code: "en" };
const MALLORY = { id: 6666, first_name: "Mallory", username: "mallory", language_code: "en" };
const GROUP = -100777;

async function setup() {
  const { b } = await startWithAda({ telegramUsers: [ADA, BOB, MALLORY] });
  b.tg.addChat({
    id: GROUP,
    type: "supergroup",
    title: "Design team",
    admins: [ADA.id],
    members: [BOB.id],
  });
  return b;
}

/** Nothing was started or stored: no OAuth state, no spent link, no connection, no Zoom call. */
async function expectNothingStored(b: ConnectHarness) {
  const db = b.app.services.db.kysely;
  expect(await db.selectFrom("oauth_states").selectAll().execute()).toEqual([]);
  expect(await db.selectFrom("connect_links_spent").selectAll().execute()).toEqual([]);
  expect(await db.selectFrom("zoom_connections").selectAll().execute()).toEqual([]);
  expect(b.zoom.requests.filter((r) => r.route === "authorize" || r.route === "token")).toEqual([]);
}

/** Opening `pressedUrl` is refused (403) with a page saying `why`, and nothing is stored. */
async function expectRefused(b: ConnectHarness, pressedUrl: string, why: string) {
  const response = await openInBrowser(b, pressedUrl);
  expect(response.status).toBe(403);
  expect(await response.text()).toContain(why);
  await expectNothingStored(b);
}

/** Opens the confirmation, follows its button through the fake Zoom and the callback. */
async function finish(
  b: ConnectHarness,
  pressedUrl: string,
): Promise<{ status: number; confirmation: string }> {
  const { confirmation, back } = await followToZoom(b, pressedUrl);
  const page = await openInBrowser(b, back.toString());
  return { status: page.status, confirmation };
}

describe("the connect link proves who is connecting", () => {
  it("/connect answers with a login_url button to the signed link", async () => {
    const b = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const message = b.tg.sent.filter((s) => s.chatId === ADA.id).at(-1);
    const markup = message?.replyMarkup as { inline_keyboard: Array<Array<Record<string, unknown>>> };
    const button = markup.inline_keyboard[0]?.[0];
    expect(button).toMatchObject({
      text: "Connect Zoom",
      login_url: { url: expect.stringContaining("/zoom/connect?") },
    });
    expect(button).not.toHaveProperty("url");
  });

  it("a group member pressing the administrator's button connects nothing", async () => {
    const b = await setup();
    await sendText(b, GROUP, ADA.id, "/connect");
    await expectRefused(
      b,
      pressConnectButton(b, GROUP, BOB.id),
      "Only the person who sent /connect can use this button",
    );
  });

  it("a forwarded button pressed by someone else connects nothing", async () => {
    const b = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    // Telegram authorizes whoever presses a forwarded login_url button: here Bob.
    const response = await openInBrowser(b, pressConnectButton(b, ADA.id, BOB.id));
    expect(response.status).toBe(403);
    await expectNothingStored(b);
  });

  it("a copied URL without Telegram's data, or with the user declining, connects nothing", async () => {
    const b = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { url, messageId } = lastLoginButton(b, ADA.id);
    const declined = b.tg.pressLoginButton({ chatId: ADA.id, messageId, from: ADA.id, decline: true });
    for (const link of [url, declined]) {
      const response = await openInBrowser(b, link);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("This link only works from the button in Telegram");
    }
    await expectNothingStored(b);
  });

  it("a forged, stale or replayed signature connects nothing", async () => {
    const b = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const { url } = lastLoginButton(b, ADA.id);
    const now = Math.floor(b.clock.now() / 1000);

    // Signed with another bot's token, or with the hash altered, or the name changed after signing.
    const forged = new URL(url);
    for (const [k, v] of Object.entries(signLoginData("123:another-bot", ADA, now)))
      forged.searchParams.append(k, v);
    const altered = new URL(pressConnectButton(b, ADA.id, ADA.id));
    altered.searchParams.set("first_name", "Eve");
    // Eleven minutes old: the link itself is still valid (15 minutes), the press is not.
    const stale = new URL(url);
    for (const [k, v] of Object.entries(signLoginData(b.tg.token, ADA, now - 11 * 60)))
      stale.searchParams.append(k, v);
    // Telegram's fields sent twice (the first copy genuine).
    const smuggled = new URL(pressConnectButton(b, ADA.id, ADA.id));
    smuggled.searchParams.append("id", String(BOB.id));
    for (const link of [forged, altered, stale, smuggled]) {
      const response = await openInBrowser(b, link.toString());
      expect(response.status, link.toString()).toBe(403);
    }
    await expectNothingStored(b);

    // The genuine press works once; replaying the very same URL (or a fresh press) is refused.
    const genuine = pressConnectButton(b, ADA.id, ADA.id);
    expect((await openInBrowser(b, genuine)).status).toBe(200);
    for (const again of [genuine, pressConnectButton(b, ADA.id, ADA.id)]) {
      const replay = await openInBrowser(b, again);
      expect(replay.status).toBe(400);
      expect(await replay.text()).toContain("This link was already used");
    }
    expect(await b.app.services.db.kysely.selectFrom("oauth_states").selectAll().execute()).toHaveLength(1);
  });

  it("phishing: a victim opening the attacker's link connects nothing to the attacker's chat", async () => {
    const b = await setup();
    await sendText(b, MALLORY.id, MALLORY.id, "/connect");
    const { url } = lastLoginButton(b, MALLORY.id);
    // The victim opens the copied link, or presses the forwarded button.
    for (const link of [url, pressConnectButton(b, MALLORY.id, ADA.id)]) {
      const response = await openInBrowser(b, link);
      expect(response.status).toBe(403);
    }
    await expectNothingStored(b);
    expect(b.tg.sent.filter((s) => s.chatId === MALLORY.id)).toHaveLength(1); // only the prompt
  });

  it("an administrator demoted since /connect connects nothing", async () => {
    const b = await setup();
    await sendText(b, GROUP, ADA.id, "/connect");
    b.tg.setChatAdmins(GROUP, []);
    await expectRefused(b, pressConnectButton(b, GROUP, ADA.id), "no longer an administrator");
  });

  it("the administrator's own press connects, after a page naming the group and who asked", async () => {
    const b = await setup();
    await sendText(b, GROUP, ADA.id, "/connect");
    const { status, confirmation } = await finish(b, pressConnectButton(b, GROUP, ADA.id));
    expect(confirmation).toContain("Ada (@ada) asked to deliver");
    expect(confirmation).toContain("“Design team”");
    expect(confirmation).toContain("Continue to Zoom");
    expect(status).toBe(200);
    const row = await b.app.services.db.kysely
      .selectFrom("zoom_connections")
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ chat_id: GROUP, telegram_user_id: ADA.id });
  });

  it("a link is spent when its OAuth flow starts, not only after a completed connection", async () => {
    const b = await setup();
    await sendText(b, ADA.id, ADA.id, "/connect");
    const first = await openInBrowser(b, pressConnectButton(b, ADA.id, ADA.id));
    expect(first.status).toBe(200); // the confirmation; Zoom never visited, nothing connected
    b.clock.advance(60_000);
    const second = await openInBrowser(b, pressConnectButton(b, ADA.id, ADA.id));
    expect(second.status).toBe(400);
    const spent = await b.app.services.db.kysely.selectFrom("connect_links_spent").selectAll().execute();
    expect(spent).toHaveLength(1);
    // The key is a hash: the link's signature (a credential) is not stored.
    const sig = new URL(lastLoginButton(b, ADA.id).url).searchParams.get("sig") ?? "";
    expect(JSON.stringify(spent)).not.toContain(sig);
  });
});
