import { describe, expect, it } from "vitest";
import { markdownToPlain } from "../../src/transcript/markdown-to-plain.js";

describe("markdownToPlain", () => {
  it("turns a Zoom AI Companion summary_content into plain text", () => {
    const md = [
      "## Key takeaways",
      "- The **release** of *version 2.4* is set for 12 March",
      "- Migration runs on `Saturday`",
      "",
      "",
      "",
      "### Next steps",
      "* [ ] Anna: write the [release notes](https://example.com/notes)",
      "  * Ben: ask __infra__ for disk space",
      "---",
      "> Quoted ~~old~~ text",
    ].join("\n");
    expect(markdownToPlain(md)).toBe(
      [
        "Key takeaways",
        "• The release of version 2.4 is set for 12 March",
        "• Migration runs on Saturday",
        "",
        "Next steps",
        "• Anna: write the release notes (https://example.com/notes)",
        "  • Ben: ask infra for disk space",
        "Quoted old text",
      ].join("\n"),
    );
  });

  it("leaves plain text and snake_case or arithmetic alone", () => {
    expect(markdownToPlain("Use file_name_v2 and 2 * 3 * 4 here")).toBe(
      "Use file_name_v2 and 2 * 3 * 4 here",
    );
  });
});
