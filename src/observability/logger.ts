/**
 * One structured logger (pino JSON to stdout), a child per component. Secrets are removed in the
 * logger itself, not at each call: any field whose name looks like a credential is replaced at
 * any depth, and the configured secret values (bot token — part of every Bot API URL —, client
 * secret, webhook secret, …) are scrubbed from every string, messages included.
 */
import pino, { type DestinationStream, type Logger } from "pino";
import { currentLogContext } from "./log-context.js";

export type { Logger };

const SECRET_KEY_NAMES =
  "access_?token|refresh_?token|download_?(?:access_)?token|token|id_token|code|code_verifier|authorization|password|secret|client_secret|api_?key|bot_?token|state|plain_?token|encrypted_?token|cookie|set-cookie|x-telegram-bot-api-secret-token|x-zm-signature";
const SECRET_KEY = new RegExp(`^(?:${SECRET_KEY_NAMES})$`, "i");
// The same names as string fields of JSON text, plain or escaped inside another string (a `%j`
// argument, an error message quoting a response body): the last pass over each finished line.
const JSON_SECRET_FIELD = new RegExp(`"(${SECRET_KEY_NAMES})":"(?:[^"\\\\]|\\\\.)*"`, "gi");
const ESCAPED_JSON_SECRET_FIELD = new RegExp(
  `\\\\"(${SECRET_KEY_NAMES})\\\\":\\\\"(?:(?!\\\\").)*\\\\"`,
  "gi",
);

const MAX_DEPTH = 8;
export const REDACTED = "[redacted]";

/** Replaces credential-named fields and known secret values anywhere in a value. */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return scrubString(value, secrets);
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubString(value.message, secrets),
      ...(value.cause !== undefined
        ? { cause: redactValue(describeCause(value.cause), secrets, depth + 1) }
        : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && v !== null && v !== undefined ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

function describeCause(cause: unknown): unknown {
  return cause instanceof Error ? { type: cause.name, message: cause.message } : cause;
}

const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const BOT_URL = /\/bot\d+:[A-Za-z0-9_-]+/g;
// Zoom's OAuth, download and download_access tokens are JWTs: catch one in free text, unnamed.
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const QUERY_SECRET = /([?&](?:code|state|token|access_token|download_token|sig|Signature|Policy)=)[^&\s"]+/gi;

function scrubString(input: string, secrets: readonly string[]): string {
  let s = input;
  for (const secret of secrets) {
    if (secret.length >= 6 && s.includes(secret)) s = s.split(secret).join(REDACTED);
  }
  return s
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(BOT_URL, `/bot${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(QUERY_SECRET, `$1${REDACTED}`);
}

/**
 * The last line of defence, over each serialized line: known secret values, bearer/bot-URL/query
 * patterns and credential-named JSON fields, wherever pino put them — child bindings, `%o`/`%j`
 * interpolations, the message pino takes from a logged Error, values nested past MAX_DEPTH.
 */
export function scrubLine(line: string, secrets: readonly string[]): string {
  return scrubString(line, secrets)
    .replace(JSON_SECRET_FIELD, `"$1":"${REDACTED}"`)
    .replace(ESCAPED_JSON_SECRET_FIELD, `\\"$1\\":\\"${REDACTED}\\"`);
}

/** Wraps a destination so every line passes through scrubLine; flush and end are forwarded. */
function scrubbingDestination(inner: DestinationStream, secrets: readonly string[]): DestinationStream {
  const forward = inner as DestinationStream & {
    flush?: (cb?: (err?: Error) => void) => void;
    flushSync?: () => void;
    end?: () => void;
  };
  return {
    write: (line: string) => inner.write(scrubLine(line, secrets)),
    ...(forward.flush ? { flush: (cb?: (err?: Error) => void) => forward.flush?.(cb) } : {}),
    ...(forward.flushSync ? { flushSync: () => forward.flushSync?.() } : {}),
    ...(forward.end ? { end: () => forward.end?.() } : {}),
  } as DestinationStream;
}

export interface LoggerOptions {
  level?: string;
  /** Known secret values to scrub from every line. */
  secrets?: readonly string[];
  destination?: DestinationStream;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  return pino(
    {
      level: options.level ?? "info",
      base: options.base ?? { service: "zoomgram" },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Request id, job id and meeting UUID of the unit of work this line is written in.
      mixin: (_object, _level, logger) => contextFields(logger),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactValue(bindings, secrets) as Record<string, unknown>,
        log: (object) => redactValue(object, secrets) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === "string" ? scrubString(a, secrets) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    scrubbingDestination(options.destination ?? bufferedStdout(), secrets),
  );
}

/** How long a line may wait in the stdout buffer before it is written. */
export const LOG_FLUSH_MS = 250;

/**
 * stdout, written in blocks: lines gather until 4 KiB or {@link LOG_FLUSH_MS}, whichever comes
 * first, so a busy web process makes one write per block instead of one per line (a write per
 * webhook's access line was about 6% of its CPU). pino flushes what is left when the process exits.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  let pending = false;
  const timer = setInterval(() => {
    if (!pending) return;
    pending = false;
    try {
      stream.flush();
    } catch {
      clearInterval(timer); // destroyed: the process is ending
    }
  }, LOG_FLUSH_MS);
  timer.unref();
  return {
    write(line: string) {
      pending = true;
      stream.write(line);
    },
    flush: (cb?: (err?: Error) => void) => stream.flush(cb),
    flushSync: () => stream.flushSync(),
    end: () => stream.end(),
  } as DestinationStream;
}

/** The log context's fields, minus those a child logger already binds (no duplicate keys). */
function contextFields(logger: Logger): Record<string, unknown> {
  const context = currentLogContext();
  const keys = Object.keys(context);
  if (keys.length === 0) return {};
  const bound = logger.bindings();
  const out: Record<string, unknown> = {};
  for (const key of keys) if (!(key in bound)) out[key] = context[key as keyof typeof context];
  return out;
}

/** A logger that writes nothing (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
