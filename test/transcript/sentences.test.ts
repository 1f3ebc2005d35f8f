import { describe, expect, it } from "vitest";
import { splitSentences, words } from "../../src/transcript/sentences.js";

describe("splitSentences", () => {
  it("splits at terminal punctuation followed by whitespace", () => {
    expect(splitSentences("Hello there. How are you? Great!  Fine…")).toEqual([
      "Hello there.",
      "How are you?",
      "Great!",
      "Fine…",
    ]);
  });

  it("does not split decimals, abbreviations or initials", () => {
    expect(
      splitSentences("Version 2.4 ships e.g. on Friday. Ask Dr. Lee or J. Smith, z.B. morgen. Done"),
    ).toEqual(["Version 2.4 ships e.g. on Friday.", "Ask Dr. Lee or J. Smith, z.B. morgen.", "Done"]);
  });

  it("keeps closing quotes with their sentence and handles CJK punctuation", () => {
    expect(splitSentences('He said "ship it." Then left. 我们开始吧。好的')).toEqual([
      'He said "ship it."',
      "Then left.",
      "我们开始吧。好的",
    ]);
  });
});

describe("words", () => {
  it("lowercases, keeps apostrophes and accents, drops French elisions", () => {
    expect(words("Don’t touch L'équipe's Überweisung — 42 Ёлки!")).toEqual([
      "don't",
      "touch",
      "équipe's",
      "überweisung",
      "42",
      "ёлки",
    ]);
  });
});
