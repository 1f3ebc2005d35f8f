import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitMessage } from "../../../src/telegram/text/split-message.js";

// Chunks must appear in the text in order, separated only by whitespace.
function expectFaithful(text: string, chunks: string[]): void {
  let pos = 0;
  for (const chunk of chunks) {
    const at = text.indexOf(chunk, pos);
    expect(at).toBeGreaterThanOrEqual(0);
    expect(text.slice(pos, at).trim()).toBe("");
    pos = at + chunk.length;
  }
  expect(text.slice(pos).trim()).toBe("");
}

function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

describe("splitMessage", () => {
  it("returns short text as one chunk, unchanged", () => {
    expect(splitMessage("  hello\n\nworld  ")).toEqual(["  hello\n\nworld  "]);
  });

  it("returns nothing for blank text, which Telegram would reject", () => {
    expect(splitMessage("")).toEqual([]);
    expect(splitMessage(" \n\t ")).toEqual([]);
  });

  it("prefers paragraph breaks", () => {
    const text = `${"a".repeat(30)} b.\nc d\n\n${"e ".repeat(20).trim()}`;
    expect(splitMessage(text, 50)).toEqual([`${"a".repeat(30)} b.\nc d`, "e ".repeat(20).trim()]);
  });

  it("then line breaks, then sentence ends, then spaces", () => {
    expect(splitMessage("first line is here\nsecond line is here", 25)).toEqual([
      "first line is here",
      "second line is here",
    ]);
    expect(splitMessage("One sentence here. Another one follows here.", 30)).toEqual([
      "One sentence here.",
      "Another one follows here.",
    ]);
    expect(splitMessage("alpha beta gamma delta epsilon", 12)).toEqual([
      "alpha beta",
      "gamma delta",
      "epsilon",
    ]);
  });

  it("does not take an early paragraph break that would leave a tiny chunk", () => {
    const text = `Hi\n\n${"word ".repeat(30).trim()}`;
    const chunks = splitMessage(text, 60);
    expect(chunks[0]!.length).toBeGreaterThanOrEqual(30);
    expectFaithful(text, chunks);
  });

  it("hard-splits only a word longer than max, keeping emoji and accents whole", () => {
    expect(splitMessage("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    const emoji = "😀".repeat(5); // 10 UTF-16 units
    expect(splitMessage(emoji, 3)).toEqual(["😀", "😀", "😀", "😀", "😀"]);
    const accented = "e\u0301".repeat(4); // é as e + combining acute
    expect(splitMessage(accented, 3)).toEqual(["e\u0301", "e\u0301", "e\u0301", "e\u0301"]);
  });

  it("handles the 4096 default on a realistic long transcript", () => {
    const paragraph = "[00:01:02] Anna Keller:\nWe agreed to ship the upload fix in version 2.4. ".repeat(12);
    const text = Array.from({ length: 40 }, () => paragraph.trim()).join("\n\n");
    const chunks = splitMessage(text);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(4096);
    expect(chunks.every((c) => c.startsWith("[00:01:02]"))).toBe(true);
    expectFaithful(text, chunks);
  });

  it("rejects a max that cannot hold a code point", () => {
    expect(() => splitMessage("abc", 1)).toThrow(RangeError);
    expect(() => splitMessage("abc", 2.5)).toThrow(RangeError);
  });

  const textArb = fc
    .array(
      fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 12 }),
        fc.constantFrom(" ", "\n", "\n\n", ". ", "😀", "e\u0301", "👨‍👩‍👧", "\t"),
        fc.string({ unit: "binary", maxLength: 6 }),
      ),
      { maxLength: 60 },
    )
    .map((parts) => parts.join(""));

  it("property: every chunk fits, is non-blank, and the chunks reproduce the text", () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 40 }), (text, max) => {
        const chunks = splitMessage(text, max);
        for (const c of chunks) {
          expect(c.length).toBeLessThanOrEqual(max);
          expect(c.trim()).not.toBe("");
        }
        expectFaithful(text, chunks);
        expect(chunks.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
      }),
      { numRuns: 500 },
    );
  });

  it("property: never leaves half a surrogate pair at a chunk edge when pairs are well formed", () => {
    const wellFormed = fc.string({ unit: "grapheme", maxLength: 80 });
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 2, max: 12 }), (text, max) => {
        for (const c of splitMessage(text, max)) {
          expect(hasLoneSurrogate(c)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });
});
