/**
 * Pure rules of the connect flow: how each answer of Zoom's OAuth endpoints becomes an AppError
 * code (never echoing a token), the signed `state` (expiry, audience, algorithm, tampering), PKCE,
 * and the per-IP token bucket.
 */
import { createHash } from "node:crypto";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  createPkcePair,
  OAUTH_STATE_TTL_MS,
  signOAuthState,
  verifyOAuthState,
} from "../../src/connect/oauth-state.js";
import { AppError } from "../../src/errors.js";
import { createRateLimiter } from "../../src/http/rate-limiter.js";
import { createOAuthClient } from "../../src/zoom/oauth-client.js";

const SECRET_TOKEN = "rt-SUPER-SECRET-REFRESH-TOKEN-VALUE-0123456789";

function clientAnswering(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
  const client = createOAuthClient({
    fetch: (async (url: string, init?: RequestInit) => {
      seen.push({ url, init });
      return new Response(body, { status, headers });
    }) as typeof fetch,
    clientId: "cid",
    clientSecret: "csecret",
    oauthBaseUrl: "https://zoom.example/",
    now: () => Date.UTC(2026, 0, 1),
  });
  return { client, seen };
}

async function refreshError(status: number, body: string, headers: Record<string, string> = {}) {
  const { client } = clientAnswering(status, body, headers);
  const error = await client.refresh(SECRET_TOKEN).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect(
    JSON.stringify({ message: (error as Error).message, details: (error as AppError).details }),
  ).not.toContain(SECRET_TOKEN);
  return error as AppError;
}

describe("OAuth client", () => {
  it("refreshes with Basic auth and a form body, and validates the token response", async () => {
    const { client, seen } = clientAnswering(
      200,
      JSON.stringify({
        access_token: "at",
        refresh_token: "rt2",
        expires_in: "3599",
        token_type: "bearer",
        api_url: "https://eu01api.zoom.us/",
      }),
      { "content-type": "application/json" },
    );
    const tokens = await client.refresh(SECRET_TOKEN);
    expect(tokens).toEqual({
      accessToken: "at",
      refreshToken: "rt2",
      expiresIn: 3599,
      scope: undefined,
      apiUrl: "https://eu01api.zoom.us",
    });
    expect(seen[0]?.url).toBe("https://zoom.example/oauth/token");
    const headers = seen[0]?.init?.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Basic ${Buffer.from("cid:csecret").toString("base64")}`);
    expect(headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(new URLSearchParams(String(seen[0]?.init?.body)).get("refresh_token")).toBe(SECRET_TOKEN);
  });

  it("any 4xx from a refresh means re-authorization (400 invalid_grant, the older 401)", async () => {
    for (const status of [400, 401]) {
      const error = await refreshError(
        status,
        JSON.stringify({ reason: "Invalid Token!", error: "invalid_grant" }),
      );
      expect(error).toMatchObject({ code: "zoom.refresh_rejected", retryable: false });
      expect(error.details).toMatchObject({ status, zoomError: "invalid_grant" });
    }
  });

  it("429 is rate_limited with Retry-After; 5xx and HTML error pages are unavailable; a 200 that is not JSON is bad_response", async () => {
    expect(await refreshError(429, "{}", { "retry-after": "12" })).toMatchObject({
      code: "zoom.rate_limited",
      retryable: true,
      retryAfterMs: 12_000,
    });
    expect(await refreshError(503, "<html>503 Service Temporarily Unavailable</html>")).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
    });
    expect(await refreshError(200, "<html>login</html>")).toMatchObject({
      code: "zoom.bad_response",
      retryable: true,
    });
    expect(await refreshError(200, JSON.stringify({ access_token: "x" }))).toMatchObject({
      code: "zoom.bad_response",
    });
  });

  it("network failures are unavailable and retryable; the caller's own abort propagates unchanged", async () => {
    const failing = createOAuthClient({
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
      clientId: "cid",
      clientSecret: "csecret",
      oauthBaseUrl: "https://zoom.example",
    });
    expect(await failing.refresh(SECRET_TOKEN).catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unavailable",
      retryable: true,
    });
    const controller = new AbortController();
    const reason = new Error("shutting down");
    controller.abort(reason);
    expect(
      await failing
        .getMe("at", "https://api.example/v2", { signal: controller.signal })
        .catch((e: unknown) => e),
    ).toBe(reason);
  });

  it("a refused code exchange is connect.failed; users/me 401 is unauthorized", async () => {
    const { client } = clientAnswering(
      400,
      JSON.stringify({ reason: "Invalid authorization code", error: "invalid_grant" }),
    );
    expect(
      await client
        .exchangeCode({ code: "c", codeVerifier: "v", redirectUri: "https://x/cb" })
        .catch((e: unknown) => e),
    ).toMatchObject({ code: "connect.failed", status: 400 });
    const me = clientAnswering(401, JSON.stringify({ code: 124, message: "Invalid access token." })).client;
    expect(await me.getMe("at", "https://api.example/v2").catch((e: unknown) => e)).toMatchObject({
      code: "zoom.unauthorized",
      details: { zoomCode: "124" },
    });
  });

  it("users/me keeps id, email, account, a display name and the time zone", async () => {
    const { client, seen } = clientAnswering(
      200,
      JSON.stringify({
        id: "u1",
        email: "a@b.c",
        account_id: "acc",
        first_name: "Ada",
        last_name: "L",
        timezone: "",
        extra: 1,
      }),
    );
    expect(await client.getMe("at", "https://eu01api.zoom.us/v2/")).toEqual({
      id: "u1",
      email: "a@b.c",
      accountId: "acc",
      displayName: "Ada L",
      timezone: null,
    });
    expect(seen[0]?.url).toBe("https://eu01api.zoom.us/v2/users/me");
    expect((seen[0]?.init?.headers as Record<string, string> | undefined)?.authorization).toBe("Bearer at");
  });

  it("revoke: success, an unknown token, and an outage", async () => {
    expect(await clientAnswering(200, JSON.stringify({ status: "success" })).client.revoke("t")).toBe(
      "revoked",
    );
    expect(
      await clientAnswering(
        400,
        JSON.stringify({ reason: "Invalid Token!", error: "invalid_request" }),
      ).client.revoke("t"),
    ).toBe("already_invalid");
    expect(
      await clientAnswering(502, "bad gateway")
        .client.revoke("t")
        .catch((e: unknown) => e),
    ).toMatchObject({
      code: "zoom.unavailable",
    });
  });
});

describe("OAuth state and PKCE", () => {
  const secret = "state-secret-state-secret-state-secret-0123";
  const now = Date.UTC(2026, 0, 15, 12);
  const claims = {
    nonce: "n0nce-n0nce-n0nce-n0nce",
    chatId: -100123,
    telegramUserId: 42,
    locale: "de" as const,
  };

  it("round-trips and expires after 10 minutes", async () => {
    const state = await signOAuthState(secret, claims, now);
    expect(await verifyOAuthState(secret, state, now + 60_000)).toEqual({
      ok: true,
      claims,
      expiresAt: now + OAUTH_STATE_TTL_MS,
    });
    expect(await verifyOAuthState(secret, state, now + OAUTH_STATE_TTL_MS + 1000)).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("refuses another secret, a changed payload, alg none and a foreign audience", async () => {
    const state = await signOAuthState(secret, claims, now);
    expect(await verifyOAuthState(`${secret}x`, state, now)).toEqual({ ok: false, reason: "bad_signature" });
    const [header, payload, signature] = state.split(".");
    const changed = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), c: 999 }),
    ).toString("base64url");
    expect((await verifyOAuthState(secret, `${header}.${changed}.${signature}`, now)).ok).toBe(false);
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    expect((await verifyOAuthState(secret, none, now)).ok).toBe(false);
    const foreign = await new SignJWT({ c: 1, u: 1 })
      .setProtectedHeader({ alg: "HS256" })
      .setAudience("something-else")
      .setIssuer("zoomgram")
      .setJti("n0nce-n0nce-n0nce-n0nce")
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(now / 1000) + 60)
      .sign(new TextEncoder().encode(secret));
    expect((await verifyOAuthState(secret, foreign, now)).ok).toBe(false);
    expect((await verifyOAuthState(secret, "x".repeat(5000), now)).ok).toBe(false);
  });

  it("PKCE: a 43-character verifier and its S256 challenge", () => {
    const { verifier, challenge } = createPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(createHash("sha256").update(verifier).digest("base64url"));
    expect(createPkcePair().verifier).not.toBe(verifier);
  });
});

describe("rate limiter", () => {
  it("allows a burst, then refills over time, per key, with bounded memory", () => {
    let now = 0;
    const limiter = createRateLimiter({ capacity: 3, refillPerSecond: 1, now: () => now, maxKeys: 2 });
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([true, true, true, false]);
    expect(limiter.take("b")).toBe(true);
    now += 1000;
    expect(limiter.take("a")).toBe(true);
    expect(limiter.take("a")).toBe(false);
    limiter.take("c"); // evicts the stalest key ("b")
    expect([1, 2, 3, 4].map(() => limiter.take("b"))).toEqual([true, true, true, false]);
  });
});
