/**
 * Issue #9 §4: neither the database nor the logs ever hold a token or a code.
 *
 * One service lives through everything that handles a credential — a real sign-in (connect
 * link, Zoom's consent, the callback exchanging the code with its PKCE verifier), a second
 * sign-in left pending, recordings announced with webhook download tokens, deliveries that mint
 * download_access_tokens, a token refresh an hour later, a failed refresh that breaks the
 * connection — with debug logging on. Then every credential that passed between the app and Zoom
 * (tokens issued, codes and verifiers and refresh tokens sent), every webhook download token,
 * the OAuth states and link signatures, and every configured secret, is looked for in the
 * database (on SQLite the raw file and WAL bytes) and in every log line. A control shows the
 * scan finds them where they legitimately are (the fake Zoom's request log).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../fault/harness.js";
import { TEST_DIALECT } from "../support/db.js";
import { everythingStored, leaks, openConnectLink, recordAndAnnounce, type SignIn, signIn } from "./flows.js";

const TG_SECRET = "secrets_tg_webhook_secret_42_0123456789";
let h: Harness;
let secrets: string[];
let signIns: SignIn[];

const settle = () => h.settle({ maxRounds: 30, minStepMs: 1, ifUnsettled: "return" });

beforeAll(async () => {
  h = await startHarness({
    env: {
      LOG_LEVEL: "trace",
      ADMIN_CHAT_ID: "-100555",
      TELEGRAM_WEBHOOK_URL: "https://zoomgram.example.com/telegram/webhook",
      TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
      SUMMARY_API_KEY: "sk-secret-summary-key-0123456789",
    },
  });
  h.tg.addChat({ id: -100555, type: "supergroup", title: "Ops" });
  const ada = h.zoom.addUser({ email: "ada@example.com" });
  const bob = h.zoom.addUser({ email: "bob@example.com" });

  // Ada signs in for real; Bob opens his link but never comes back (a pending state remains).
  h.zoom.setNextAuthorization(ada.id);
  signIns = [await signIn(h, 7100, 71)];
  const pending = await openConnectLink(h, 7200, 72);
  // Bob later signs in for real from another chat.
  h.zoom.setNextAuthorization(bob.id);
  signIns.push(await signIn(h, 7300, 73));

  const downloadTokens = [
    await recordAndAnnounce(h, ada.id, "secrets/first//uuid=="),
    await recordAndAnnounce(h, bob.id, "secrets-second-uuid=="),
  ];
  await settle();
  // An hour later the access tokens are stale: the next recording refreshes them.
  h.clock.advance(2 * 3_600_000);
  downloadTokens.push(await recordAndAnnounce(h, ada.id, "secrets-third-uuid=="));
  await settle();
  // Then Zoom refuses Bob's refresh: his connection breaks, his chat is told, an admin hears of it.
  h.clock.advance(2 * 3_600_000);
  h.zoom.inject("token", { kind: "invalid_grant" }, 5);
  downloadTokens.push(await recordAndAnnounce(h, bob.id, "secrets-fourth-uuid=="));
  await settle();
  await h.app.services.alerts.settle();

  const { config } = h;
  secrets = [
    ...h.issued(),
    ...downloadTokens,
    ...signIns.flatMap((s) => [s.code, s.state, s.linkSignature]),
    pending.authorizeUrl.searchParams.get("state") ?? "",
    pending.authorizeUrl.searchParams.get("code_challenge") ?? "",
    pending.linkSignature,
    config.zoom.clientSecret,
    config.zoom.webhookSecret,
    config.stateSecret,
    config.telegram.botToken,
    TG_SECRET,
    "sk-secret-summary-key-0123456789",
    ...config.tokenEncryptionKeys,
  ].filter((s) => s !== "");
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe(`tokens and codes at rest and in logs (${TEST_DIALECT})`, () => {
  it("the flows really handled every kind of credential", async () => {
    // Sign-ins completed, deliveries made, a refresh happened and one was refused.
    expect(h.zoom.stats.codeExchanges).toBe(2);
    expect(h.zoom.stats.refreshes).toBeGreaterThanOrEqual(1);
    expect(h.zoom.stats.invalidGrants).toBeGreaterThanOrEqual(1);
    expect(h.tg.sent.filter((s) => s.method === "sendAudio").length).toBeGreaterThanOrEqual(3);
    const kinds = await h.db.kysely.selectFrom("oauth_states").select("nonce").execute();
    expect(kinds).toHaveLength(1);
    // Access, refresh, download-access tokens, codes, verifiers: dozens of distinct values.
    expect(new Set(secrets).size).toBeGreaterThan(20);
    // Requests, jobs, refreshes, the broken connection, the admin alert: each logged something.
    expect(h.lines.length).toBeGreaterThan(30);
    expect(h.lines.some((l) => l.includes("Zoom access token refreshed"))).toBe(true);
    expect(h.lines.some((l) => l.includes("invalid_grant"))).toBe(true);
  });

  it("the scan finds credentials where they legitimately are (control)", () => {
    const seenByZoom = JSON.stringify(h.zoom.requests);
    expect(leaks(seenByZoom, h.issued()).length).toBeGreaterThan(5);
  });

  it("no token, code, verifier, state or configured secret is stored in the database", async () => {
    const stored = await everythingStored(h);
    // The scan covers the rows that hold what the flows stored (not an empty text).
    expect(stored).toContain("ada@example.com");
    expect(stored).toContain("secrets-fourth-uuid==");
    expect(leaks(stored, secrets)).toEqual([]);
  });

  it("none is in any log line, at trace level", () => {
    expect(leaks(h.lines.join("\n"), secrets)).toEqual([]);
  });

  it("none reached a chat (user messages, captions, the admin chat)", () => {
    const said = JSON.stringify(h.tg.sent.map((s) => [s.text, s.caption, s.fields]));
    expect(leaks(said, secrets)).toEqual([]);
  });
});
