import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEntities, parseVtt } from "../../src/transcript/vtt.js";

const fixture = readFileSync(new URL("./fixtures/weekly-sync.zoom.vtt", import.meta.url), "utf8");

describe("parseVtt on a Zoom transcript", () => {
  const cues = parseVtt(fixture);

  it("reads every cue with its timing, speaker and text", () => {
    expect(cues).toHaveLength(40);
    expect(cues[0]).toEqual({
      startMs: 2340,
      endMs: 5120,
      speaker: "Anna Keller",
      text: "Okay, I think everyone is here. Let's get started.",
    });
    expect(new Set(cues.map((c) => c.speaker))).toEqual(new Set(["Anna Keller", "Ben Ortiz", "Chen Wei"]));
  });

  it("joins multi-line cues with a space and decodes entities", () => {
    expect(cues.find((c) => c.text.startsWith("With the streaming fix"))?.text).toBe(
      "With the streaming fix, memory usage stays below two hundred megabytes even for a five gigabyte recording.",
    );
    expect(cues.some((c) => c.text.includes("Q&A session"))).toBe(true);
  });

  it("keeps a colon inside the text once the speaker prefix is taken", () => {
    expect(cues.find((c) => c.text.startsWith("One more thing"))?.speaker).toBe("Ben Ortiz");
  });

  it("gives the same result with a BOM and CRLF line endings", () => {
    expect(parseVtt(`\uFEFF${fixture.replace(/\n/g, "\r\n")}`)).toEqual(cues);
    expect(parseVtt(fixture.replace(/\n/g, "\r"))).toEqual(cues);
  });
});

describe("parseVtt on other WebVTT producers", () => {
  it("skips NOTE, STYLE and REGION blocks and header metadata", () => {
    const vtt = [
      "WEBVTT - exported",
      "Kind: captions",
      "Language: en",
      "",
      "STYLE",
      "::cue { color: yellow }",
      "",
      "REGION",
      "id:left width:40%",
      "",
      "NOTE This is a comment",
      "spanning two lines",
      "",
      "intro",
      "00:01.000 --> 00:04.500 align:start position:10% line:0",
      "Hello there.",
      "",
      "NOTE",
      "another comment",
      "",
      "00:00:05.000 --> 00:00:06.000",
      "Second.",
    ].join("\n");
    expect(parseVtt(vtt)).toEqual([
      { startMs: 1000, endMs: 4500, text: "Hello there." },
      { startMs: 5000, endMs: 6000, text: "Second." },
    ]);
  });

  it("reads <v> voice tags and strips other markup", () => {
    const vtt = [
      "WEBVTT",
      "",
      "00:00:01.000 --> 00:00:02.000",
      "<v.loud Mary Jane>It's <b>really</b> <c.yellow>here</c></v>",
      "",
      "00:00:02.000 --> 00:00:03.000",
      "<v Bob>Note: <i>a</i> <00:00:02.500>timed word",
      "",
      "00:00:03.000 --> 00:00:04.000",
      "<lang de>Genau</lang> &lt;3 &amp; more",
    ].join("\n");
    expect(parseVtt(vtt)).toEqual([
      { startMs: 1000, endMs: 2000, speaker: "Mary Jane", text: "It's really here" },
      // The voice tag names the speaker, so "Note:" is text, not a second speaker.
      { startMs: 2000, endMs: 3000, speaker: "Bob", text: "Note: a timed word" },
      { startMs: 3000, endMs: 4000, text: "Genau <3 & more" },
    ]);
  });

  it("keeps a literal '<' that is not markup", () => {
    const vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nlatency < 200 ms and x<y\n";
    expect(parseVtt(vtt)[0]?.text).toBe("latency < 200 ms and x<y");
  });

  it("accepts short, long-hour, comma and short-fraction timestamps", () => {
    const vtt = ["WEBVTT", "", "01:02.5 --> 01:03.25", "a", "", "101:00:00,000 --> 101:00:01,000", "b"].join(
      "\n",
    );
    expect(parseVtt(vtt).map((c) => [c.startMs, c.endMs])).toEqual([
      [62_500, 63_250],
      [363_600_000, 363_601_000],
    ]);
  });

  it("parses cues that are not separated by blank lines", () => {
    const vtt = [
      "WEBVTT",
      "1",
      "00:00:01.000 --> 00:00:02.000",
      "Ann: one",
      "2",
      "00:00:02.000 --> 00:00:03.000",
      "Ann: two",
      "00:00:03.000 --> 00:00:04.000",
      "Ann: three",
    ].join("\n");
    expect(parseVtt(vtt).map((c) => c.text)).toEqual(["one", "two", "three"]);
  });

  it("treats 'Name:' as a speaker only when it looks like a name", () => {
    const vtt = [
      "WEBVTT",
      "",
      "00:00:01.000 --> 00:00:02.000",
      "10:30 is when we start",
      "",
      "00:00:02.000 --> 00:00:03.000",
      "Okay. So the agenda for today: budget",
      "",
      "00:00:03.000 --> 00:00:04.000",
      "Why? Because: reasons",
      "",
      "00:00:04.000 --> 00:00:05.000",
      "Dr. Lee: Thanks.",
      "",
      "00:00:05.000 --> 00:00:06.000",
      "Dr. Lee: Again.",
      "",
      "00:00:06.000 --> 00:00:07.000",
      "Мария Иванова: Привет всем",
    ].join("\n");
    expect(parseVtt(vtt).map((c) => [c.speaker, c.text])).toEqual([
      [undefined, "10:30 is when we start"],
      [undefined, "Okay. So the agenda for today: budget"],
      [undefined, "Why? Because: reasons"],
      ["Dr. Lee", "Thanks."],
      ["Dr. Lee", "Again."],
      ["Мария Иванова", "Привет всем"],
    ]);
  });

  it("sorts cues by start time and clamps an end before the start", () => {
    const vtt = "WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nlate\n\n00:00:01.000 --> 00:00:02.000\nearly\n";
    expect(parseVtt(vtt)).toEqual([
      { startMs: 1000, endMs: 2000, text: "early" },
      { startMs: 5000, endMs: 5000, text: "late" },
    ]);
  });

  it("skips cues with invalid timing or no text", () => {
    const vtt = [
      "WEBVTT",
      "",
      "00:00:61.000 --> 00:00:62.000",
      "bad seconds",
      "",
      "00:00:01.000 --> later",
      "bad end",
      "",
      "00:00:03.000 --> 00:00:04.000",
      "<i></i>",
      "",
      "00:00:05.000 --> 00:00:06.000",
      "Ann:",
      "",
      "00:00:07.000 --> 00:00:08.000",
      "kept",
    ].join("\n");
    expect(parseVtt(vtt)).toEqual([{ startMs: 7000, endMs: 8000, text: "kept" }]);
  });

  it("returns [] for input that is not a transcript, and never throws", () => {
    expect(parseVtt("")).toEqual([]);
    expect(parseVtt("WEBVTT\n")).toEqual([]);
    expect(parseVtt("<html><body>Sign in to Zoom</body></html>")).toEqual([]);
    expect(parseVtt("-->\n-->\n\u0000\uD800")).toEqual([]);
    expect(parseVtt(undefined as unknown as string)).toEqual([]);
    expect(parseVtt(42 as unknown as string)).toEqual([]);
  });
});

describe("decodeEntities", () => {
  it("decodes named and numeric entities and leaves unknown ones", () => {
    expect(decodeEntities("&amp;&lt;&gt;&quot;&apos;&nbsp;&#233;&#x1F600;&lrm;&bogus;&#xD800;&#0;")).toBe(
      "&<>\"'\u00A0é😀&bogus;\uFFFD\uFFFD",
    );
  });
});

describe("parseVtt robustness", () => {
  const wellFormed = (cues: ReturnType<typeof parseVtt>) => {
    for (const c of cues) {
      expect(c.endMs).toBeGreaterThanOrEqual(c.startMs);
      expect(c.text.trim()).toBe(c.text);
      expect(c.text).not.toBe("");
    }
  };

  it("property: arbitrary text never throws and yields well-formed cues", () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        "\n",
        "\r\n",
        "\n\n",
        "-->",
        " --> ",
        "WEBVTT",
        "NOTE",
        "00:01.000",
        "Ann: ",
        "<v Bo>",
        "&amp;",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        wellFormed(parseVtt(parts.join("")));
      }),
      { numRuns: 500 },
    );
  });

  it("property: a damaged Zoom file still parses most cues", () => {
    const lines = fixture.split("\n");
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(lines.length - 1), { maxLength: 5 }), (drop) => {
        const damaged = lines.filter((_, i) => !drop.includes(i)).join("\n");
        const cues = parseVtt(damaged);
        wellFormed(cues);
        expect(cues.length).toBeGreaterThanOrEqual(40 - drop.length * 2);
      }),
      { numRuns: 200 },
    );
  });

  it("parses a three-hour transcript (speed is measured by benchmarks, not here)", () => {
    const cues = Array.from({ length: 5000 }, (_, i) => {
      const t = (s: number) => new Date(s * 1000).toISOString().slice(11, 23);
      return `${i + 1}\n${t(i * 2)} --> ${t(i * 2 + 2)}\nSpeaker ${i % 7}: sentence number ${i}.\n`;
    });
    expect(parseVtt(`WEBVTT\n\n${cues.join("\n")}`)).toHaveLength(5000);
  });
});
