/**
 * What `/import` was asked for (CONTRACT.md, Bot commands): `/import FROM [TO]` with `YYYY-MM-DD`
 * dates in UTC, `TO` defaulting to today, or `/import Nd` for the last N days. Days are inclusive.
 * A pure function of the argument text and today, so every refusal is easy to test.
 */

export interface ImportRange {
  /** `YYYY-MM-DD`, inclusive. */
  from: string;
  /** `YYYY-MM-DD`, inclusive; never after today. */
  to: string;
}

/** Why the argument text is not a range; each reason has a `import-error-<reason>` message. */
export type ImportRangeError = "usage" | "bad-date" | "order" | "future" | "too-long";

/** Ten years: far beyond what Zoom keeps, small enough that a typo (`/import 99999d`) is caught. */
export const MAX_IMPORT_DAYS = 3653;

const DAY_MS = 86_400_000;
const DAYS = /^(\d{1,5})d$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Milliseconds at 00:00 UTC of a `YYYY-MM-DD` day, or undefined when it is no real date. */
export function dayStart(day: string): number | undefined {
  const m = DATE.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2026-02-30 over into March: such a day does not exist.
  return isoDay(ms) === day ? ms : undefined;
}

export function parseImportRange(text: string, nowMs: number): ImportRange | { error: ImportRangeError } {
  const args = text.trim().split(/\s+/).filter(Boolean);
  const today = isoDay(nowMs);
  if (args.length === 1 && DAYS.test(args[0] as string)) {
    const days = Number(DAYS.exec(args[0] as string)?.[1]);
    if (days < 1) return { error: "usage" };
    if (days > MAX_IMPORT_DAYS) return { error: "too-long" };
    return { from: isoDay(dayStart(today)! - (days - 1) * DAY_MS), to: today };
  }
  if (args.length < 1 || args.length > 2) return { error: "usage" };
  const [fromText, toText = today] = args as [string, string?];
  if (!DATE.test(fromText) || !DATE.test(toText)) return { error: "usage" };
  const from = dayStart(fromText);
  const to = dayStart(toText);
  if (from === undefined || to === undefined) return { error: "bad-date" };
  if (from > dayStart(today)!) return { error: "future" };
  if (from > to) return { error: "order" };
  const end = Math.min(to, dayStart(today)!);
  if ((end - from) / DAY_MS + 1 > MAX_IMPORT_DAYS) return { error: "too-long" };
  return { from: fromText, to: isoDay(end) };
}

/**
 * The one-month window of Zoom's list call that starts at `from` (zoom.md §11.1: at most one month
 * per request): up to the day before the same day next month, or `to`, whichever comes first.
 */
export function monthWindow(from: string, to: string): { from: string; to: string } {
  const start = dayStart(from)!;
  const d = new Date(start);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  // 31 January + one month is 3 March in Date.UTC: cap at 31 days so the range stays within a month.
  const end = Math.min(nextMonth, start + 31 * DAY_MS) - DAY_MS;
  return { from, to: isoDay(Math.min(end, dayStart(to)!)) };
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return isoDay(dayStart(day)! + DAY_MS);
}
