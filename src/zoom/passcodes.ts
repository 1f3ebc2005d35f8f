/**
 * Recording passcodes are never stored (CONTRACT, "Behaviour at the edges"; issue #13, item 5):
 * Zoom sends them as `payload.object.password`, `recording_play_passcode` and `pwd=` inside share
 * and play URLs. Everything from Zoom passes through {@link stripPasscodes} before it is parsed,
 * so no audit row, meeting, recording file, job or log line ever holds one.
 */

/** Keys whose values are passcodes, wherever they appear in a Zoom object. */
export const PASSCODE_KEYS: ReadonlySet<string> = new Set([
  "password",
  "recording_play_passcode",
  "pwd",
  "passcode",
  "encrypted_password",
  "h323_password",
  "pstn_password",
]);

const PWD_PARAM = /([?&])pwd=[^&#\s"'<>]*&?/gi;

/** The URL without its `pwd=` query parameter(s); other text unchanged. */
export function stripUrlPasscode(text: string): string {
  if (!/pwd=/i.test(text)) return text;
  return text.replace(PWD_PARAM, (_match, lead: string) => lead).replace(/[?&](?=$|#)/, "");
}

/** A deep copy of a JSON value without passcode keys and without `pwd=` in any string. */
export function stripPasscodes<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (typeof value === "string") return stripUrlPasscode(value);
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (PASSCODE_KEYS.has(key.toLowerCase())) continue;
    out[key] = strip(inner);
  }
  return out;
}
