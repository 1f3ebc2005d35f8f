/**
 * fast-check generators of hostile requests for the five public endpoints. Each generator knows
 * the secrets only to produce *near misses*: a signature made with the wrong key, a genuine
 * signature over other bytes or an old timestamp, a genuine connect link with one character
 * changed, a state JWT signed by someone else. None of them produces a request that a correct
 * implementation should act on.
 */
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { signConnectParams } from "../../src/connect/connect-link.js";
import { computeZoomSignature } from "../../src/zoom/webhook-signature.js";
import { signLoginData } from "../fakes/fake-telegram.js";

export interface HostileRequest {
  /** For failure messages. */
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** Client address the connect routes' rate limiter sees. */
  ip: string;
}

export interface Secrets {
  webhookSecret: string;
  stateSecret: string;
  telegramWebhookSecret: string;
}

// ------------------------------------------------------------------------------- building blocks

/** Text a fuzzer should try: markup, control characters, bidi overrides, huge and odd unicode. */
export const nastyText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.constantFrom(
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "*bold* _it_ [link](http://evil.example) `code` ~~x~~ ||spoiler||",
      "<b>bold</b> &amp; &lt; &#x3c; &",
      "\u202Egnp.exe\u202C",
      "\u0000\u0001\u0007\u001b[31mred\u001b[0m\u007f\u0085",
      "line1\r\nline2\u2028line3\u2029",
      "../../etc/passwd",
      "%00%0d%0a",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: template-injection probe, literal on purpose
      "{{7*7}} ${7*7} #{7*7}",
      "' OR 1=1 --",
      "😀👨‍👩‍👧‍👦🇺🇦",
      "A".repeat(5000),
    ),
  );

/**
 * Client addresses come from a fixed pool, so the connect routes' per-client limiter holds a
 * bounded set of keys (tests warm every one up before measuring the heap).
 */
export const CLIENT_POOL_SIZE = 2048;
export const clientIp = (n: number): string => `10.${(n >> 8) & 255}.${n & 255}.7`;
const ipv4 = fc.integer({ min: 0, max: CLIENT_POOL_SIZE - 1 }).map(clientIp);

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: length, maxLength: length });

const headerSafe = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.:/+ "),
  maxLength: 90,
});

/** Any JSON value, or bytes that are not JSON at all. */
const anyBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constant(""),
);

// ------------------------------------------------------------------------------- Zoom webhooks

/**
 * A body worth forging: a well-formed event the app WOULD act on if it were signed. `events` are
 * built by the caller from the fake Zoom (a connected host's `recording.completed`, its
 * `app_deauthorized`, a CRC challenge), so a signature bug would show as a changed row.
 */
export function forgedZoomWebhook(
  secrets: Secrets,
  events: readonly Record<string, unknown>[],
  nowMs: () => number,
): fc.Arbitrary<HostileRequest> {
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...events).map((e) => JSON.stringify(e)) },
    { weight: 1, arbitrary: anyBody },
  );
  const path = fc.constantFrom("/webhooks/zoom", "/webhooks/zoom/deauth");
  const wrongSecret = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.constant(`${secrets.webhookSecret} `),
    fc.constant(secrets.webhookSecret.toUpperCase()),
    fc.constant(secrets.webhookSecret.slice(0, -1)),
    fc.constant(secrets.stateSecret),
  );
  type Mode =
    | { kind: "none" }
    | { kind: "timestamp-only" }
    | { kind: "signature-only" }
    | { kind: "random-hex"; hex: string }
    | { kind: "wrong-secret"; secret: string }
    | { kind: "other-bytes"; suffix: string }
    | { kind: "stale"; offsetS: number }
    | { kind: "mangled"; how: "upper" | "no-prefix" | "v1" | "truncated" | "doubled" | "inner-space" }
    | { kind: "bad-timestamp"; ts: string }
    | { kind: "garbage"; signature: string; ts: string };
  const mode: fc.Arbitrary<Mode> = fc.oneof(
    fc.constant<Mode>({ kind: "none" }),
    fc.constant<Mode>({ kind: "timestamp-only" }),
    fc.constant<Mode>({ kind: "signature-only" }),
    hex(64).map<Mode>((h) => ({ kind: "random-hex", hex: h })),
    wrongSecret.map<Mode>((secret) => ({ kind: "wrong-secret", secret })),
    fc
      .oneof(fc.constant(" "), fc.constant("\n"), fc.string({ minLength: 1, maxLength: 4 }))
      .map<Mode>((suffix) => ({ kind: "other-bytes", suffix })),
    fc
      .oneof(fc.integer({ min: 301, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -301 }))
      .map<Mode>((offsetS) => ({ kind: "stale", offsetS })),
    fc
      .constantFrom("upper", "no-prefix", "v1", "truncated", "doubled", "inner-space" as const)
      .map<Mode>((how) => ({ kind: "mangled", how })),
    fc
      .oneof(
        fc.constantFrom("", "-1", "1.5", "0x10", "1e3", " 1", "NaN", "99999999999999999999", "\u00bd"),
        headerSafe,
      )
      .map<Mode>((ts) => ({ kind: "bad-timestamp", ts })),
    fc.record({ signature: headerSafe, ts: headerSafe }).map<Mode>((g) => ({ kind: "garbage", ...g })),
  );
  return fc.record({ body, path, mode, ip: ipv4 }).map(({ body, path, mode, ip }) => {
    const now = Math.floor(nowMs() / 1000);
    const ts = String(now);
    const raw = body;
    const sign = (secret: string, t: string, bytes: string | Uint8Array) =>
      computeZoomSignature(secret, t, bytes);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    let sent: string | Uint8Array = raw;
    switch (mode.kind) {
      case "none":
        break;
      case "timestamp-only":
        headers["x-zm-request-timestamp"] = ts;
        break;
      case "signature-only":
        headers["x-zm-signature"] = sign(secrets.webhookSecret, ts, raw);
        break;
      case "random-hex":
        headers["x-zm-request-timestamp"] = ts;
        headers["x-zm-signature"] = `v0=${mode.hex}`;
        break;
      case "wrong-secret":
        headers["x-zm-request-timestamp"] = ts;
        headers["x-zm-signature"] = sign(mode.secret, ts, raw);
        break;
      case "other-bytes": {
        // A genuine signature, then the body is changed in transit.
        headers["x-zm-request-timestamp"] = ts;
        headers["x-zm-signature"] = sign(secrets.webhookSecret, ts, raw);
        sent = typeof raw === "string" ? raw + mode.suffix : new Uint8Array([...raw, 0x20]);
        break;
      }
      case "stale": {
        const old = String(now + mode.offsetS);
        headers["x-zm-request-timestamp"] = old;
        headers["x-zm-signature"] = sign(secrets.webhookSecret, old, raw);
        break;
      }
      case "mangled": {
        const good = sign(secrets.webhookSecret, ts, raw);
        headers["x-zm-request-timestamp"] = ts;
        headers["x-zm-signature"] = {
          upper: `v0=${good.slice(3).toUpperCase()}`,
          "no-prefix": good.slice(3),
          v1: `v1=${good.slice(3)}`,
          // (Leading or trailing blanks are not a change: HTTP strips them from header values.)
          "inner-space": `v0= ${good.slice(3)}`,
          truncated: good.slice(0, -1),
          doubled: `${good},${good}`,
        }[mode.how];
        // An all-digit hex string is its own upper case: make sure the mangled value differs.
        if (headers["x-zm-signature"] === good) headers["x-zm-signature"] = `${good}0`;
        break;
      }
      case "bad-timestamp":
        headers["x-zm-request-timestamp"] = mode.ts;
        headers["x-zm-signature"] = sign(secrets.webhookSecret, mode.ts, raw);
        break;
      case "garbage":
        headers["x-zm-request-timestamp"] = mode.ts;
        headers["x-zm-signature"] = mode.signature;
        break;
    }
    for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
    return { label: `zoom webhook ${path} (${mode.kind})`, method: "POST", path, headers, body: sent, ip };
  });
}

/**
 * Correctly signed bodies that are still not events: not UTF-8, not JSON, not objects, unknown
 * event names, and known events whose payload has the wrong shape. They may be answered 200
 * (an unknown event is acknowledged) or 400, and change nothing.
 */
export function signedMalformedZoomWebhook(
  secrets: Secrets,
  events: readonly Record<string, unknown>[],
  nowMs: () => number,
): fc.Arbitrary<HostileRequest> {
  const broken = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => new Uint8Array([0xff, 0xfe, ...b])),
    fc.string({ maxLength: 100 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    }),
    fc
      .oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 }))
      .map((v) => JSON.stringify(v)),
    fc
      .record({ event: fc.string({ maxLength: 30 }), payload: fc.jsonValue({ maxDepth: 2 }) })
      .filter((e) => !KNOWN_EVENTS.has(e.event))
      .map((e) => JSON.stringify(e)),
    fc
      .tuple(
        fc.constantFrom(...events),
        fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.array(fc.integer())),
        fc.constantFrom("payload", "object", "uuid", "host_id", "recording_files", "user_id", "plainToken"),
      )
      .map(([event, value, where]) => JSON.stringify(breakEvent(event, where, value))),
  );
  return fc
    .record({ body: broken, ip: ipv4, path: fc.constantFrom("/webhooks/zoom", "/webhooks/zoom/deauth") })
    .map(({ body, ip, path }) => {
      const ts = String(Math.floor(nowMs() / 1000));
      return {
        label: `signed malformed ${path}`,
        method: "POST",
        path,
        headers: {
          "content-type": "application/json",
          "x-zm-request-timestamp": ts,
          "x-zm-signature": computeZoomSignature(secrets.webhookSecret, ts, body),
        },
        body,
        ip,
      };
    });
}

const KNOWN_EVENTS = new Set([
  "recording.completed",
  "recording.transcript_completed",
  "meeting.summary_completed",
  "app_deauthorized",
  "endpoint.url_validation",
]);

/**
 * A copy of `event` that no schema accepts: either its whole `payload` (or `payload.object`) is
 * replaced by a non-object, or every identity field the event kinds require (meeting UUID, host,
 * user, CRC token) gets a value of the wrong type.
 */
function breakEvent(event: Record<string, unknown>, where: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  // A string would still be a string: use a number instead.
  const bad = typeof value === "string" || value === undefined ? 42 : value;
  const payload = copy.payload as Record<string, unknown> | undefined;
  if (where === "payload" || !payload || typeof payload !== "object") {
    copy.payload = Array.isArray(bad) || typeof bad !== "object" || bad === null ? bad : [bad];
    return copy;
  }
  for (const key of ["user_id", "plainToken"]) if (key in payload) payload[key] = bad;
  const object = payload.object as Record<string, unknown> | undefined;
  if (object && typeof object === "object") {
    if (where === "object") {
      payload.object = Array.isArray(bad) || typeof bad !== "object" || bad === null ? bad : [bad];
    } else {
      for (const key of ["uuid", "meeting_uuid", "host_id", "meeting_host_id"])
        if (key in object) object[key] = bad;
      if (where === "recording_files" && "recording_files" in object) object.recording_files = 7;
    }
  }
  return copy;
}

// ------------------------------------------------------------------------------- /zoom/connect

/**
 * Connect links that must never start an OAuth flow: random queries, the bare unsigned form, and
 * genuine links that were tampered with, expired, or claim a life longer than any link we sign.
 */
export function hostileConnectQuery(secrets: Secrets, nowMs: () => number): fc.Arbitrary<HostileRequest> {
  const chatId = fc.oneof(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: -(2 ** 45), max: -1 }));
  const userId = fc.integer({ min: 1, max: 2 ** 40 });
  const locale = fc.option(fc.constantFrom("en", "de", "pt-BR", "ru"), { nil: undefined });
  const genuine = (claims: { chatId: number; userId: number; expiresAt: number; locale?: string }) =>
    signConnectParams(claims, secrets.stateSecret);
  const tampered = fc
    .record({
      chatId,
      userId,
      locale,
      field: fc.constantFrom("c", "u", "e", "sig", "l"),
      position: fc.nat(),
      replacement: fc.constantFrom(..."0123456789abcXYZ-_"),
    })
    .map(({ chatId, userId, locale, field, position, replacement }) => {
      const expiresAt = Math.floor(nowMs() / 1000) + 600;
      const params = genuine({ chatId, userId, expiresAt, ...(locale ? { locale } : {}) });
      const value = params.get(field) ?? "en";
      const i = position % value.length;
      let changed = value.slice(0, i) + replacement + value.slice(i + 1);
      if (changed === value) changed = `${value}${replacement}`;
      params.set(field, changed);
      return params.toString();
    });
  const expired = fc
    .record({ chatId, userId, ago: fc.integer({ min: 0, max: 10_000_000 }) })
    .map(({ chatId, userId, ago }) =>
      genuine({ chatId, userId, expiresAt: Math.floor(nowMs() / 1000) - ago }).toString(),
    );
  const tooLong = fc
    .record({ chatId, userId, ahead: fc.integer({ min: 15 * 60 + 31, max: 10_000_000 }) })
    .map(({ chatId, userId, ahead }) =>
      genuine({ chatId, userId, expiresAt: Math.floor(nowMs() / 1000) + ahead }).toString(),
    );
  const smuggled = fc
    .record({ chatId, userId, other: chatId, field: fc.constantFrom("c", "u", "e", "sig") })
    .map(({ chatId, userId, other, field }) => {
      const params = genuine({ chatId, userId, expiresAt: Math.floor(nowMs() / 1000) + 600 });
      params.append(field, field === "c" ? String(other) : (params.get(field) ?? ""));
      return params.toString();
    });
  const otherDomain = fc.record({ chatId, userId }).map(({ chatId, userId }) => {
    // A valid HMAC under STATE_SECRET, but over the OAuth-state message format, not the link's.
    const e = String(Math.floor(nowMs() / 1000) + 600);
    const sig = createHmac("sha256", secrets.stateSecret)
      .update(`${chatId}:${userId}:${e}`)
      .digest("base64url");
    return new URLSearchParams({ c: String(chatId), u: String(userId), e, sig }).toString();
  });
  const bare = fc
    .record({ chatId, userId })
    .map(({ chatId, userId }) => `telegram_chat_id=${chatId}&telegram_user_id=${userId}`);
  const random = fc.oneof(
    fc.webQueryParameters(),
    fc
      .dictionary(fc.constantFrom("c", "u", "e", "sig", "l", "x"), nastyText(), { maxKeys: 6 })
      .map((d) => new URLSearchParams(d).toString()),
  );
  // Genuine, unexpired links opened without Telegram's identity, or with an identity Telegram did
  // not sign (another bot's token, a made-up hash): 403, nothing stored (issue #13).
  const unvouched = fc
    .record({
      chatId,
      userId,
      mode: fc.constantFrom("copied", "other-bot", "made-up"),
      hash: fc.stringMatching(/^[0-9a-f]{64}$/),
    })
    .map(({ chatId, userId, mode, hash }) => {
      const now = Math.floor(nowMs() / 1000);
      const params = genuine({ chatId, userId, expiresAt: now + 600 });
      if (mode === "copied") return params.toString();
      const login = signLoginData("42:another-bot-token", { id: userId, first_name: "X" }, now);
      if (mode === "made-up") login.hash = hash;
      for (const [k, v] of Object.entries(login)) params.append(k, v);
      return params.toString();
    });
  const query = fc.oneof(tampered, expired, tooLong, smuggled, otherDomain, bare, random, unvouched);
  return fc.record({ query, ip: ipv4, lang: fc.option(headerSafe, { nil: undefined }) }).map(
    ({ query, ip, lang }): HostileRequest => ({
      label: "GET /zoom/connect",
      method: "GET",
      path: `/zoom/connect?${query}`,
      headers: lang === undefined ? {} : { "accept-language": lang },
      ip,
    }),
  );
}

// ------------------------------------------------------------------------------- /zoom/callback

/** A compact JWS, made by hand so generators stay synchronous: HS256 with `secret`, or `alg: none`. */
export function makeJwt(secret: string | null, payload: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = enc(secret === null ? { alg: "none", typ: "JWT" } : { alg: "HS256", typ: "JWT" });
  const body = enc(payload);
  if (secret === null) return `${head}.${body}.`;
  const sig = createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url");
  return `${head}.${body}.${sig}`;
}

/**
 * OAuth callbacks that must not exchange a code: random states, states signed with another key
 * or `alg: none`, expired states, states for another audience, and well-signed states whose
 * nonce no pending row holds (used, or never issued).
 */
export function hostileCallbackQuery(
  secrets: Secrets,
  nowMs: () => number,
  pendingNonces: readonly string[],
): fc.Arbitrary<HostileRequest> {
  const nonce = fc.oneof(
    fc.constantFrom(...pendingNonces),
    fc.string({
      unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      minLength: 16,
      maxLength: 40,
    }),
  );
  const claims = fc.record({
    c: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).filter((n) => n !== 0),
    u: fc.integer({ min: 1, max: 2 ** 40 }),
    jti: nonce,
  });
  const payload = (
    c: { c: number; u: number; jti: string },
    o: { iatOffsetS?: number; ttlS?: number; aud?: string } = {},
  ) => {
    const iat = Math.floor(nowMs() / 1000) + (o.iatOffsetS ?? 0);
    return {
      ...c,
      l: "en",
      iss: "zoomgram",
      aud: o.aud ?? "zoomgram/oauth-state/v1",
      iat,
      exp: iat + (o.ttlS ?? 600),
    };
  };
  const state: fc.Arbitrary<{ kind: string; value: string[] }> = fc.oneof(
    fc.oneof(fc.string({ maxLength: 300 }), nastyText()).map((v) => ({ kind: "random", value: [v] })),
    fc
      .record({
        c: claims,
        secret: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constant(secrets.webhookSecret)),
      })
      .map(({ c, secret }) => ({ kind: "wrong-key", value: [makeJwt(secret, payload(c))] })),
    claims.map((c) => ({ kind: "alg-none", value: [makeJwt(null, payload(c))] })),
    fc.record({ c: claims, agoS: fc.integer({ min: 601, max: 1_000_000 }) }).map(({ c, agoS }) => ({
      kind: "expired",
      value: [makeJwt(secrets.stateSecret, payload(c, { iatOffsetS: -agoS }))],
    })),
    fc
      .record({ c: claims, aud: fc.constantFrom("zoomgram/connect-link/v1", "zoomgram", "other") })
      .map(({ c, aud }) => ({
        kind: "other-audience",
        value: [makeJwt(secrets.stateSecret, payload(c, { aud }))],
      })),
    claims
      .filter((c) => !pendingNonces.includes(c.jti))
      .map((c) => ({ kind: "unknown-nonce", value: [makeJwt(secrets.stateSecret, payload(c))] })),
    fc.constant({ kind: "missing", value: [] as string[] }),
    claims.map((c) => {
      const one = makeJwt(secrets.stateSecret, payload(c));
      return { kind: "repeated", value: [one, one] };
    }),
  );
  const extra = fc.record({
    code: fc.option(fc.oneof(fc.string({ maxLength: 60 }), fc.constant("A".repeat(5000))), {
      nil: undefined,
    }),
    error: fc.option(fc.constantFrom("access_denied", "server_error", "<script>"), { nil: undefined }),
  });
  return fc.record({ state, extra, ip: ipv4 }).map(({ state, extra, ip }) => {
    const params = new URLSearchParams();
    for (const v of state.value) params.append("state", v);
    if (extra.code !== undefined) params.set("code", extra.code);
    if (extra.error !== undefined) params.set("error", extra.error);
    return {
      label: `GET /zoom/callback (${state.kind})`,
      method: "GET",
      path: `/zoom/callback?${params}`,
      headers: {},
      ip,
    };
  });
}

// ------------------------------------------------------------------------------- /telegram/webhook

/** Telegram updates with a missing or wrong secret header: commands, button presses, noise. */
export function hostileTelegramUpdate(
  secrets: Secrets,
  chatId: number,
  userId: number,
): fc.Arbitrary<HostileRequest> {
  const from = { id: userId, is_bot: false, first_name: "Mallory", language_code: "en" };
  const chat = { id: chatId, type: chatId > 0 ? "private" : "supergroup", title: "Team" };
  const update = fc.oneof(
    fc
      .record({
        id: fc.nat(),
        text: fc.oneof(
          fc.constantFrom("/start", "/connect", "/disconnect", "/status", "/language de", "/history"),
          nastyText(),
        ),
      })
      .map(({ id, text }) => ({
        update_id: id,
        message: {
          message_id: id,
          date: 1_700_000_000,
          chat,
          from,
          text,
          ...(text.startsWith("/")
            ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 1 }] }
            : {}),
        },
      })),
    fc
      .record({
        id: fc.nat(),
        data: fc.oneof(
          fc.string({ maxLength: 64 }),
          fc.constantFrom("card:resend:1", "disconnect:yes", "lang:de"),
        ),
      })
      .map(({ id, data }) => ({
        update_id: id,
        callback_query: {
          id: String(id),
          from,
          chat_instance: "1",
          data,
          message: { message_id: 1, date: 1, chat },
        },
      })),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const secretHeader = fc
    .oneof(
      fc.constant<string | undefined>(undefined),
      fc.string({
        unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"),
        maxLength: 60,
      }),
      fc.constant(secrets.telegramWebhookSecret.toUpperCase()),
      fc.constant(`${secrets.telegramWebhookSecret}x`),
      fc.constant(secrets.telegramWebhookSecret.slice(1)),
      fc.constant(secrets.webhookSecret),
    )
    .filter((s) => s !== secrets.telegramWebhookSecret);
  return fc.record({ update, secret: secretHeader, ip: ipv4 }).map(({ update, secret, ip }) => ({
    label: `POST /telegram/webhook (secret ${secret === undefined ? "missing" : "wrong"})`,
    method: "POST",
    path: "/telegram/webhook",
    headers: {
      "content-type": "application/json",
      ...(secret !== undefined ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body: JSON.stringify(update),
    ip,
  }));
}
