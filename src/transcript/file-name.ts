import { truncateUtf8 } from "./graphemes.js";

export type MeetingFileNameOptions = {
  /** What the file holds, after the topic: `<date> <topic> - <label>.<extension>`. */
  label: string;
  /** Without the dot, e.g. `txt`. */
  extension: string;
  /** Used when the topic is empty after sanitizing. Default `Zoom meeting`. */
  fallbackTopic?: string;
};

/**
 * Topic bytes kept in a file name. Most file systems cap a name at 255 bytes; 120 leaves room for
 * the date, the label and a localized label in a non-Latin script.
 */
const MAX_TOPIC_BYTES = 120;

/**
 * A file name safe on Linux, macOS and Windows and in Telegram's document list:
 * `2026-03-01 Weekly sync - transcript.txt`. The date is the meeting's local date in `timeZone`
 * and is left out when `startIso` is missing or unparsable; an unknown time zone falls back to
 * UTC. Path separators, characters Windows forbids, control and bidi characters become spaces or
 * disappear; leading dots (hidden files) and trailing dots/spaces (stripped by Windows) are
 * removed; Unicode letters and emoji are kept, cut between graphemes.
 */
export function meetingFileName(
  topic: string,
  startIso: string | undefined,
  timeZone: string,
  options: MeetingFileNameOptions,
): string {
  const cleanTopic =
    sanitizeFileNamePart(topic, MAX_TOPIC_BYTES) || (options.fallbackTopic ?? "Zoom meeting");
  const date = startIso === undefined ? undefined : localDate(startIso, timeZone);
  const label = sanitizeFileNamePart(options.label, 60);
  const extension = sanitizeFileNamePart(options.extension, 16).replace(/[\s.]/g, "");
  const base = [date, cleanTopic].filter(Boolean).join(" ") + (label ? ` - ${label}` : "");
  return extension ? `${base}.${extension}` : base;
}

/** `meetingFileName` for the plain-text transcript; `label` defaults to `transcript`. */
export function transcriptFileName(
  topic: string,
  startIso: string | undefined,
  timeZone: string,
  options: { label?: string; fallbackTopic?: string } = {},
): string {
  return meetingFileName(topic, startIso, timeZone, {
    label: options.label ?? "transcript",
    extension: "txt",
    ...(options.fallbackTopic === undefined ? {} : { fallbackTopic: options.fallbackTopic }),
  });
}

/** One file-name component: no separators, reserved or invisible characters, at most `maxBytes`. */
export function sanitizeFileNamePart(s: string, maxBytes: number): string {
  const cleaned = s
    .normalize("NFC")
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")
    // Invisible and direction-changing characters go; ZWJ/ZWNJ stay (emoji sequences, Persian).
    .replace(/[\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, "")
    .replace(/[/\\:*?"<>|]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "");
  let cut = truncateUtf8(cleaned, maxBytes);
  if (cut.length < cleaned.length) {
    // Prefer ending on a whole word when one ends reasonably close to the limit.
    const space = cut.lastIndexOf(" ");
    if (space > cut.length * 0.6) cut = cut.slice(0, space);
  }
  return cut.replace(/[.\s]+$/, "");
}

function localDate(iso: string, timeZone: string): string | undefined {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts = dateFormatter(timeZone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

function dateFormatter(timeZone: string): Intl.DateTimeFormat {
  const options = { year: "numeric", month: "2-digit", day: "2-digit" } as const;
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone });
  } catch (error) {
    // An unknown zone (a Zoom account setting we do not control) must not cost the delivery.
    if (error instanceof RangeError) return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
    throw error;
  }
}
