/**
 * Zoom's user-level OAuth endpoints (reference/zoom.md §3): code exchange and refresh at
 * `/oauth/token`, `/oauth/revoke`, and `GET /v2/users/me`. All calls go through the injected
 * fetch, every response is validated with zod, and each failure becomes one AppError code:
 *
 * - the token endpoint refusing a refresh with `invalid_grant` (400 or 401: Zoom moved from 401 to
 *   400, §3.3) → `zoom.refresh_rejected`, not retryable: only a new authorization helps;
 * - any other refusal of a refresh (`invalid_client` after a rotated client secret, a 4xx without
 *   an OAuth error) → `zoom.token_refused`, retryable: a fault of ours or Zoom's, never the user's
 *   (CONTRACT, "Behaviour at the edges");
 * - refusing a code exchange → `connect.failed`;
 * - 429 → `zoom.rate_limited` (with Retry-After); 5xx, network errors and timeouts →
 *   `zoom.unavailable`, retryable; a 2xx that is not the documented JSON → `zoom.bad_response`.
 *
 * Tokens, codes and verifiers never appear in an error message or its details.
 */
import { z } from "zod";
import { AppError } from "../errors.js";
import { parseJsonOrUndefined } from "../json.js";
import { parseRetryAfter } from "./rate-limit.js";

export interface OAuthClientOptions {
  fetch: typeof fetch;
  clientId: string;
  clientSecret: string;
  /** `ZOOM_OAUTH_BASE_URL`, e.g. `https://zoom.us`. */
  oauthBaseUrl: string;
  /** Per-request timeout in ms. Default 15 000 (well under the refresh lease). */
  timeoutMs?: number;
  /** For Retry-After dates. Default `Date.now`. */
  now?: () => number;
}

/** A validated token response (zoom.md §3.2). */
export interface ZoomTokenSet {
  accessToken: string;
  refreshToken: string;
  /** Seconds, usually 3599. */
  expiresIn: number;
  scope: string | undefined;
  /** The user's data-cluster base (`https://eu01api.zoom.us`), when Zoom sent one. */
  apiUrl: string | undefined;
}

/** The fields of `GET /v2/users/me` we keep (zoom.md §3.6). */
export interface ZoomMe {
  id: string;
  email: string;
  accountId: string | null;
  displayName: string | null;
  timezone: string | null;
}

export type RevokeResult = "revoked" | "already_invalid";

export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface OAuthClient {
  exchangeCode(
    input: { code: string; codeVerifier: string; redirectUri: string },
    options?: CallOptions,
  ): Promise<ZoomTokenSet>;
  refresh(refreshToken: string, options?: CallOptions): Promise<ZoomTokenSet>;
  /** `already_invalid` when Zoom says the token is not (or no longer) valid. */
  revoke(token: string, options?: CallOptions): Promise<RevokeResult>;
  getMe(accessToken: string, apiBaseUrl: string, options?: CallOptions): Promise<ZoomMe>;
}

// Lenient where Zoom is inconsistent (numbers as strings, extra fields), strict on what we store.
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce
    .number()
    .int()
    .positive()
    .max(10 * 365 * 86_400),
  token_type: z.string().optional(),
  scope: z.string().optional(),
  api_url: z
    .string()
    .refine((v) => /^https?:\/\/[^\s/]+\/?$/i.test(v), "api_url must be an origin")
    .optional(),
});

const usersMeSchema = z.looseObject({
  id: z.string().min(1).max(200),
  email: z.string().min(3).max(320),
  account_id: z.string().max(200).nullish(),
  display_name: z.string().max(500).nullish(),
  first_name: z.string().max(250).nullish(),
  last_name: z.string().max(250).nullish(),
  timezone: z.string().max(100).nullish(),
});

const errorBodySchema = z.looseObject({
  error: z.string().max(100).optional(),
  code: z.union([z.number(), z.string()]).optional(),
});

type Endpoint = "token.exchange" | "token.refresh" | "revoke" | "users.me";

/** What every call needs, resolved once from the options. */
interface Connection {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  /** The OAuth base URL without a trailing slash. */
  base: string;
  /** The app's `Basic` authorization header. */
  basic: string;
}

export function createOAuthClient(options: OAuthClientOptions): OAuthClient {
  const conn: Connection = {
    fetch: options.fetch,
    timeoutMs: options.timeoutMs ?? 15_000,
    now: options.now ?? Date.now,
    base: options.oauthBaseUrl.replace(/\/+$/, ""),
    basic: `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`, "utf8").toString("base64")}`,
  };
  return {
    exchangeCode(input, o = {}) {
      return tokenRequest(
        conn,
        "token.exchange",
        new URLSearchParams({
          grant_type: "authorization_code",
          code: input.code,
          redirect_uri: input.redirectUri,
          code_verifier: input.codeVerifier,
        }),
        o,
      );
    },

    refresh(refreshToken, o = {}) {
      return tokenRequest(
        conn,
        "token.refresh",
        new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken }),
        o,
      );
    },

    async revoke(token, o = {}) {
      const { response, text } = await formPost(
        conn,
        "revoke",
        "/oauth/revoke",
        new URLSearchParams({ token }),
        o,
      );
      if (response.ok) return "revoked";
      const error = failure(conn, "revoke", response, text);
      // A 4xx here means Zoom does not know the token (already revoked, expired, or rotated out).
      if (error.code === "zoom.unauthorized") return "already_invalid";
      throw error;
    },

    async getMe(accessToken, apiBaseUrl, o = {}) {
      const { response, text } = await call(
        conn,
        "users.me",
        `${apiBaseUrl.replace(/\/+$/, "")}/users/me`,
        { method: "GET", headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" } },
        o,
      );
      if (!response.ok) throw failure(conn, "users.me", response, text);
      const parsed = usersMeSchema.safeParse(parseJsonOrUndefined(text));
      if (!parsed.success) throw badResponse("users.me", response.status, describeIssue(parsed.error));
      return toZoomMe(parsed.data);
    },
  };
}

/** One request with the per-call timeout; a network failure becomes `zoom.unavailable`. */
async function call(
  conn: Connection,
  endpoint: Endpoint,
  url: string,
  init: RequestInit,
  callOptions: CallOptions,
) {
  const timeout = AbortSignal.timeout(conn.timeoutMs);
  const signal = callOptions.signal ? AbortSignal.any([callOptions.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await conn.fetch(url, { ...init, signal, redirect: "manual" });
    text = await response.text();
  } catch (error) {
    // The caller's own abort (job cancelled, shutdown) propagates unchanged.
    if (callOptions.signal?.aborted) throw callOptions.signal.reason ?? error;
    throw new AppError("zoom.unavailable", `Zoom ${endpoint} could not be reached`, {
      status: 502,
      retryable: true,
      cause: error,
      details: { endpoint, timedOut: timeout.aborted },
    });
  }
  return { response, text };
}

/** A form POST to the OAuth host with the app's Basic credentials (token and revoke). */
function formPost(conn: Connection, endpoint: Endpoint, path: string, form: URLSearchParams, o: CallOptions) {
  return call(
    conn,
    endpoint,
    `${conn.base}${path}`,
    {
      method: "POST",
      headers: {
        authorization: conn.basic,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
    },
    o,
  );
}

/** A non-2xx answer as the one AppError its endpoint and status mean (see the file comment). */
function failure(conn: Connection, endpoint: Endpoint, response: Response, text: string): AppError {
  const status = response.status;
  const parsed = errorBodySchema.safeParse(parseJsonOrUndefined(text));
  const zoomError = parsed.success ? parsed.data.error : undefined;
  const zoomCode = parsed.success && parsed.data.code !== undefined ? String(parsed.data.code) : undefined;
  const details = { endpoint, status, zoomError, zoomCode };
  const what = `Zoom ${endpoint} answered ${status}${zoomError ? ` ${zoomError}` : ""}${zoomCode ? ` (code ${zoomCode})` : ""}`;
  if (status === 429) {
    return new AppError("zoom.rate_limited", what, {
      status: 503,
      retryable: true,
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), conn.now()),
      details,
    });
  }
  if (status >= 500 || status < 200) {
    return new AppError("zoom.unavailable", what, { status: 502, retryable: true, details });
  }
  if (status >= 300 && status < 400) {
    return new AppError("zoom.bad_response", `${what} (a redirect)`, {
      status: 502,
      retryable: true,
      details,
    });
  }
  switch (endpoint) {
    case "token.refresh":
      if (zoomError === "invalid_grant")
        return new AppError("zoom.refresh_rejected", what, { status: 401, retryable: false, details });
      return new AppError("zoom.token_refused", what, { status: 503, retryable: true, details });
    case "token.exchange":
      return new AppError("connect.failed", what, { status: 400, retryable: false, details });
    case "users.me":
      if (status === 404)
        return new AppError("zoom.not_found", what, { status: 404, retryable: false, details });
      return new AppError("zoom.unauthorized", what, { status: 401, retryable: false, details });
    case "revoke":
      return new AppError("zoom.unauthorized", what, { status: 400, retryable: false, details });
  }
}

function badResponse(endpoint: Endpoint, status: number, issue: string): AppError {
  return new AppError(
    "zoom.bad_response",
    `Zoom ${endpoint} answered ${status} with an unexpected body: ${issue}`,
    {
      status: 502,
      retryable: true,
      details: { endpoint, status },
    },
  );
}

async function tokenRequest(
  conn: Connection,
  endpoint: "token.exchange" | "token.refresh",
  form: URLSearchParams,
  o: CallOptions,
): Promise<ZoomTokenSet> {
  const { response, text } = await formPost(conn, endpoint, "/oauth/token", form, o);
  if (!response.ok) throw failure(conn, endpoint, response, text);
  const parsed = tokenResponseSchema.safeParse(parseJsonOrUndefined(text));
  // The issue names the failing field only; zod's message never echoes the token values here.
  if (!parsed.success) throw badResponse(endpoint, response.status, describeIssue(parsed.error));
  const body = parsed.data;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    expiresIn: body.expires_in,
    scope: body.scope,
    apiUrl: body.api_url ? body.api_url.replace(/\/+$/, "") : undefined,
  };
}

function toZoomMe(me: z.infer<typeof usersMeSchema>): ZoomMe {
  const name =
    me.display_name?.trim() ||
    [me.first_name, me.last_name]
      .filter((p) => p?.trim())
      .join(" ")
      .trim() ||
    null;
  return {
    id: me.id,
    email: me.email,
    accountId: me.account_id ?? null,
    displayName: name,
    timezone: me.timezone?.trim() ? me.timezone.trim() : null,
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  return issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.code}` : issue.code;
}
