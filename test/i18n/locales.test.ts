import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLocales } from "../../src/i18n/check-locales.js";
import {
  DEFAULT_LOCALE,
  isLocale,
  LOCALE_NAMES,
  resolveLocale,
  SUPPORTED_LOCALES,
} from "../../src/i18n/locales.js";
import { DEFAULT_LOCALES_DIRECTORY } from "../../src/i18n/translator.js";

const temporary: string[] = [];

/** A scratch copy of the real locale files, edited by `edit(fileName, text) => text`. */
function copyWith(file: string, edit: (text: string) => string): string {
  const directory = mkdtempSync(join(tmpdir(), "zoomgram-locales-"));
  temporary.push(directory);
  cpSync(DEFAULT_LOCALES_DIRECTORY, directory, { recursive: true });
  const path = join(directory, file);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  return directory;
}

afterEach(() => {
  for (const directory of temporary.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe("checkLocales", () => {
  it("finds no problem in the shipped locale files", () => {
    expect(checkLocales(DEFAULT_LOCALES_DIRECTORY).problems).toEqual([]);
  });

  it("ships one file per supported locale", () => {
    const files = SUPPORTED_LOCALES.map((locale) => join(DEFAULT_LOCALES_DIRECTORY, `${locale}.ftl`));
    for (const file of files) expect(readFileSync(file, "utf8").length).toBeGreaterThan(1000);
  });

  it("reports a key deleted from de.ftl", () => {
    const directory = copyWith("de.ftl", (text) => text.replace(/^connect-button = .*\n/m, ""));
    expect(checkLocales(directory).problems).toEqual([
      `de.ftl: missing "connect-button" (present in en.ftl)`,
    ]);
  });

  it("reports a syntax error (unclosed placeable) that Fluent would silently drop", () => {
    const directory = copyWith("fr.ftl", (text) =>
      text.replace(/^connect-success = (.*)\{ \$email \}/m, "connect-success = $1{ $email"),
    );
    const problems = checkLocales(directory).problems;
    expect(problems).toContainEqual(
      expect.stringMatching(/^fr\.ftl:\d+: syntax error in "connect-success"$/),
    );
    expect(problems).toContain(`fr.ftl: missing "connect-success" (present in en.ftl)`);
  });

  it("reports unindented stray text, which Fluent ignores", () => {
    const directory = copyWith("es.ftl", (text) =>
      text.replace("\ncmd-help =", "\nthis line is not Fluent\ncmd-help ="),
    );
    expect(checkLocales(directory).problems).toEqual([
      expect.stringMatching(/^es\.ftl:\d+: stray text outside any message: "this line is not Fluent"$/),
    ]);
  });

  it("reports extra keys and variables that differ from en", () => {
    const directory = copyWith("pt.ftl", (text) =>
      text.replace("{ $email }. As novas", "{ $mail }. As novas").concat("\npt-only-message = Olá\n"),
    );
    expect(checkLocales(directory).problems).toEqual([
      `pt.ftl: "connect-success" variables differ from en.ftl: lacks $email, has unknown $mail`,
      `pt.ftl: extra "pt-only-message" (not in en.ftl)`,
    ]);
  });

  it("reports a Russian plural without its [few] variant", () => {
    const directory = copyWith("ru.ftl", (text) => text.replace("        [few] { $minutes } минуты\n", ""));
    expect(checkLocales(directory).problems).toEqual([
      `ru.ftl: "connect-prompt" has no plural variant for [few]`,
    ]);
  });

  it("reports duplicate ids and references to unknown messages", () => {
    const directory = copyWith("de.ftl", (text) =>
      text
        .concat("\nconnect-button = Nochmal\n")
        .replace("cmd-language = Sprache ändern", "cmd-language = { nope }"),
    );
    const problems = checkLocales(directory).problems;
    expect(problems).toContainEqual(
      expect.stringContaining(`de.ftl: Attempt to override an existing message: "connect-button"`),
    );
    expect(problems).toContain(`de.ftl: "cmd-language" references unknown message "nope"`);
  });
});

describe("resolveLocale", () => {
  it.each([
    ["en", "en"],
    ["en-US", "en"],
    ["ru", "ru"],
    ["RU", "ru"],
    ["pt-BR", "pt"],
    ["pt-br", "pt"],
    ["pt_PT", "pt"],
    ["es-419", "es"],
    ["de-AT", "de"],
    ["fr-CA", "fr"],
    [" de ", "de"],
    ["uk", "en"],
    ["zh-hans", "en"],
    ["english", "en"],
    ["", "en"],
    [null, "en"],
    [undefined, "en"],
  ])("%j → %s", (input, expected) => {
    expect(resolveLocale(input)).toBe(expected);
  });

  it("knows exactly the six shipped locales, English first as the fallback", () => {
    expect(SUPPORTED_LOCALES).toEqual(["en", "ru", "es", "de", "pt", "fr"]);
    expect(DEFAULT_LOCALE).toBe("en");
    expect(isLocale("de")).toBe(true);
    expect(isLocale("xx")).toBe(false);
    expect(isLocale(42)).toBe(false);
  });

  it("names every language in its own language, with a flag", () => {
    expect(Object.keys(LOCALE_NAMES).sort()).toEqual([...SUPPORTED_LOCALES].sort());
    expect(LOCALE_NAMES.ru.name).toBe("Русский");
    expect(LOCALE_NAMES.de.label).toBe("🇩🇪 Deutsch");
    for (const locale of SUPPORTED_LOCALES) {
      const { flag, name, label } = LOCALE_NAMES[locale];
      expect(flag).toMatch(/^\p{Regional_Indicator}{2}$/u);
      expect(label).toBe(`${flag} ${name}`);
    }
  });
});
