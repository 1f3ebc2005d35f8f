import { describe, expect, it } from "vitest";
import { escapeHtml, stripControlChars, truncate } from "../../../src/telegram/text/escape.js";

describe("escapeHtml", () => {
  it("escapes the characters Telegram's HTML parse mode reserves", () => {
    expect(escapeHtml(`Q&A <b>"Sales"</b> > 5`)).toBe("Q&amp;A &lt;b&gt;&quot;Sales&quot;&lt;/b&gt; &gt; 5");
  });

  it("escapes an existing entity again instead of trusting it", () => {
    expect(escapeHtml("&amp;")).toBe("&amp;amp;");
  });

  it("leaves other text, including Unicode and apostrophes, alone", () => {
    expect(escapeHtml("Планёрка – it's 10:00 🎉")).toBe("Планёрка – it's 10:00 🎉");
  });
});

describe("stripControlChars", () => {
  it("removes C0 and C1 controls but keeps newlines and tabs", () => {
    expect(stripControlChars("a\u0000b\u0007c\td\ne\u001b[31mf\u0085g\u007fh\ri")).toBe("abc\td\ne[31mfghi");
  });

  it("removes bidi overrides and isolates that could reorder a caption", () => {
    expect(stripControlChars("invoice\u202Egpj.exe\u202C \u2066x\u2069")).toBe("invoicegpj.exe x");
  });

  it("keeps ordinary and right-to-left text", () => {
    expect(stripControlChars("שלום Zoom")).toBe("שלום Zoom");
  });
});

describe("truncate", () => {
  it("returns short text unchanged", () => {
    expect(truncate("Weekly sync", 11)).toBe("Weekly sync");
  });

  it("fits the ellipsis inside max and drops the space before it", () => {
    const out = truncate("Weekly sync with the whole team", 12);
    expect(out).toBe("Weekly sync…");
    expect(out.length).toBeLessThanOrEqual(12);
  });

  it("never splits a surrogate pair, a ZWJ emoji sequence or combining marks", () => {
    expect(truncate("ab😀😀", 4)).toBe("ab…");
    const family = "👨‍👩‍👧";
    expect(truncate(`x${family}yz`, family.length + 2)).toBe(`x${family}…`);
    expect(truncate(`x${family}yz`, family.length)).toBe("x…");
    expect(truncate("Cafe\u0301 au lait", 5)).toBe("Caf…");
  });

  it("uses a custom ellipsis and degrades when it does not fit", () => {
    expect(truncate("abcdef", 5, "...")).toBe("ab...");
    expect(truncate("abcdef", 2, "...")).toBe("ab");
    expect(truncate("abcdef", 0)).toBe("");
  });
});
