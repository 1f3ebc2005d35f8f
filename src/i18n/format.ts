import type { Locale } from "./locales.js";

/**
 * Meeting start times as people read them: medium date + short time in the Zoom
 * user's time zone, followed by the zone's abbreviation ("Mar 1, 2026, 10:05 AM GMT+1"),
 * because the Telegram chat may be read from another zone than the meeting's.
 * Zoom sometimes sends zones Node's ICU does not know (or none at all): then the
 * time is shown in UTC, labelled "UTC", rather than failing the delivery.
 */
export function formatDateTime(locale: Locale, date: Date, timeZone?: string): string {
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : "UTC";
  const main = dateTimeFormat(locale, zone, "main", { dateStyle: "medium", timeStyle: "short" });
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the abbreviation
  // comes from a second formatter.
  const zoneName = dateTimeFormat(locale, zone, "zone", { timeZoneName: "short" })
    .formatToParts(date)
    .find((part) => part.type === "timeZoneName")?.value;
  const text = main.format(date);
  return zoneName ? `${text} ${zoneName}` : text;
}

/**
 * Building an `Intl.DateTimeFormat` costs tens of microseconds (the first one in a zone, milliseconds:
 * ICU loads the zone's rules), and a meeting card renders its start time on every progress edit:
 * formatters are kept per locale and zone, a few hundred at most (zones are a closed set; the
 * limit only guards against a sender inventing them).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 512;

function dateTimeFormat(
  locale: Locale,
  timeZone: string,
  kind: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${kind}|${locale}|${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    dateTimeFormat("en", timeZone, "valid", {});
    return true;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/**
 * A recording's length in the largest two useful units ("1 hr 5 min", "1 ч 5 мин",
 * "4 min 30 sec", "45 sec"). Node 20 has no Intl.DurationFormat, so each unit is
 * formatted with Intl.NumberFormat's unit style and the parts are joined.
 * Seconds are dropped once a recording runs 10 minutes or longer: nobody needs them.
 */
export function formatDuration(locale: Locale, seconds: number): string {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds) : 0;
  const unit = (name: "hour" | "minute" | "second", value: number) =>
    new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "short" }).format(value);

  if (total < 60) return unit("second", total);
  if (total < 600) {
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return rest === 0 ? unit("minute", minutes) : `${unit("minute", minutes)} ${unit("second", rest)}`;
  }
  const totalMinutes = Math.round(total / 60);
  if (totalMinutes < 60) return unit("minute", totalMinutes);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? unit("hour", hours) : `${unit("hour", hours)} ${unit("minute", minutes)}`;
}

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/**
 * File sizes in decimal units ("48.2 MB", "48,2 Mo"). Decimal, not binary, because
 * the limits people compare against (Telegram's "50 MB", MAX_RECORDING_MB) are
 * written that way, and the unit names Intl prints (MB, not MiB) mean 10^6.
 */
export function formatBytes(locale: Locale, bytes: number): string {
  let value = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
  let index = 0;
  // Compare the value as it will be printed, so 999,960 bytes become "1 MB", not "1,000 kB".
  while (index < BYTE_UNITS.length - 1 && roundTo(value, fractionDigits(index, value)) >= 1000) {
    value /= 1000;
    index++;
  }
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: BYTE_UNITS[index] ?? "byte",
    unitDisplay: "short",
    maximumFractionDigits: fractionDigits(index, value),
  }).format(value);
}

// One decimal place while it carries information ("48.2 MB"), none from 100 up
// ("148 MB") and none for plain bytes.
function fractionDigits(unitIndex: number, value: number): number {
  return unitIndex === 0 || value >= 99.95 ? 0 : 1;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * A share as a percentage ("42%", "42 %"): speaking time per person. Preformatted
 * here because Fluent lets only developers, not translations, choose the percent style.
 */
export function formatPercent(locale: Locale, ratio: number): string {
  const value = Number.isFinite(ratio) ? ratio : 0;
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 }).format(value);
}
