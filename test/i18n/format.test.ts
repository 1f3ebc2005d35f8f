import { describe, expect, it } from "vitest";
import { formatBytes, formatDateTime, formatDuration, formatPercent } from "../../src/i18n/format.js";

// ICU puts narrow and no-break spaces in times and numbers ("9:05 AM", "48,2 MB");
// the tests compare with plain spaces.
const plain = (text: string) => text.replace(/\s/g, " ");

const START = new Date("2026-03-01T09:05:00Z");

describe("formatDateTime", () => {
  it.each([
    ["en", "Europe/Berlin", "Mar 1, 2026, 10:05 AM GMT+1"],
    ["de", "Europe/Berlin", "01.03.2026, 10:05 MEZ"],
    ["ru", "Europe/Berlin", "1 мар. 2026 г., 10:05 GMT+1"],
    ["en", "America/New_York", "Mar 1, 2026, 4:05 AM EST"],
    ["de", "Asia/Tokyo", "01.03.2026, 18:05 GMT+9"],
    ["ru", "Europe/Moscow", "1 мар. 2026 г., 12:05 GMT+3"],
  ] as const)("%s in %s", (locale, zone, expected) => {
    expect(plain(formatDateTime(locale, START, zone))).toBe(expected);
  });

  it("follows daylight saving time in the user's zone", () => {
    expect(plain(formatDateTime("de", new Date("2026-07-01T09:05:00Z"), "Europe/Berlin"))).toBe(
      "01.07.2026, 11:05 MESZ",
    );
  });

  it("falls back to UTC, labelled, for a missing or unknown zone", () => {
    expect(plain(formatDateTime("en", START))).toBe("Mar 1, 2026, 9:05 AM UTC");
    expect(plain(formatDateTime("en", START, "Mars/Olympus_Mons"))).toBe("Mar 1, 2026, 9:05 AM UTC");
    expect(plain(formatDateTime("de", START, ""))).toBe("01.03.2026, 09:05 UTC");
    expect(plain(formatDateTime("ru", START, "not a zone"))).toBe("1 мар. 2026 г., 09:05 UTC");
  });
});

/** A length of time in seconds, or a size in bytes, as English, German and Russian write it. */
const UNITS = { duration: formatDuration, bytes: formatBytes };
const IN_EN_DE_RU: Array<[keyof typeof UNITS, number, string, string, string]> = [
  ["duration", 0, "0 sec", "0 Sek.", "0 с"],
  ["duration", 45, "45 sec", "45 Sek.", "45 с"],
  ["duration", 60, "1 min", "1 Min.", "1 мин"],
  ["duration", 270, "4 min 30 sec", "4 Min. 30 Sek.", "4 мин 30 с"],
  ["duration", 1_510, "25 min", "25 Min.", "25 мин"],
  ["duration", 3_600, "1 hr", "1 Std.", "1 ч"],
  ["duration", 3_900, "1 hr 5 min", "1 Std. 5 Min.", "1 ч 5 мин"],
  ["duration", 3_599.6, "1 hr", "1 Std.", "1 ч"],
  ["duration", 9_000, "2 hr 30 min", "2 Std. 30 Min.", "2 ч 30 мин"],
  ["bytes", 48_200_000, "48.2 MB", "48,2 MB", "48,2 МБ"],
  ["bytes", 52_428_800, "52.4 MB", "52,4 MB", "52,4 МБ"],
  ["bytes", 148_000_000, "148 MB", "148 MB", "148 МБ"],
  ["bytes", 999_960, "1 MB", "1 MB", "1 МБ"],
  ["bytes", 2_000_000_000, "2 GB", "2 GB", "2 ГБ"],
  ["bytes", 4_294_967_296, "4.3 GB", "4,3 GB", "4,3 ГБ"],
  ["bytes", 1_500, "1.5 kB", "1,5 kB", "1,5 кБ"],
];

describe("formatDuration and formatBytes", () => {
  it.each(IN_EN_DE_RU)("%s %d → %s / %s / %s", (unit, value, en, de, ru) => {
    expect((["en", "de", "ru"] as const).map((locale) => plain(UNITS[unit](locale, value)))).toEqual([
      en,
      de,
      ru,
    ]);
  });

  it("treats a nonsense duration as zero instead of printing NaN", () => {
    expect(plain(formatDuration("en", Number.NaN))).toBe("0 sec");
    expect(plain(formatDuration("en", -5))).toBe("0 sec");
  });

  it("uses the French unit names for sizes", () => {
    expect(plain(formatBytes("fr", 48_200_000))).toBe("48,2 Mo");
  });
});

describe("formatPercent", () => {
  it("formats a share the way each language writes it", () => {
    expect(plain(formatPercent("en", 0.42))).toBe("42%");
    expect(plain(formatPercent("de", 0.42))).toBe("42 %");
    expect(plain(formatPercent("ru", 0.425))).toBe("43 %");
  });
});
