import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { truncateMiddle } from "../../src/transcript/truncate-middle.js";

describe("truncateMiddle", () => {
  it("returns text within budget unchanged", () => {
    expect(truncateMiddle("short", 5)).toBe("short");
  });

  it("keeps the head and the tail and says how much was cut", () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i}`).join("\n");
    const out = truncateMiddle(text, 400);
    expect(out.length).toBeLessThanOrEqual(400);
    expect(out.startsWith("line 0\nline 1\n")).toBe(true);
    expect(out.endsWith("line 198\nline 199")).toBe(true);
    const omitted = Number(/\[… (\d+) characters omitted …\]/.exec(out)?.[1]);
    expect(out.length - out.match(/\n\n\[…[^\]]*\]\n\n/)![0].length + omitted).toBe(text.length);
  });

  it("keeps more head than tail", () => {
    const out = truncateMiddle("h".repeat(1000) + "t".repeat(1000), 500, "|");
    expect(out.indexOf("|")).toBeGreaterThan(out.length - out.indexOf("|"));
  });

  it("property: fits the budget and never splits a surrogate pair", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.integer({ min: 0, max: 200 }),
        (s, budget) => {
          const out = truncateMiddle(s, budget, "[…]");
          expect(out.length).toBeLessThanOrEqual(Math.max(budget, 0));
          expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(out)).toBe(
            false,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
