/**
 * WebVTT parsing for Zoom's audio transcripts (`file_type: "TRANSCRIPT"`, reference/zoom.md §2.3).
 *
 * Zoom writes `WEBVTT`, a blank line, then cues made of a numeric id, a timing line and one line of
 * `Speaker Name: text`. Other tools (and older Zoom exports) add BOMs, CRLF, NOTE/STYLE blocks,
 * cue settings, `<v Speaker>` voice spans and `mm:ss.ttt` timestamps, so the parser accepts all of
 * those. It is lenient by design: a malformed cue is skipped, never fatal, because a transcript
 * with one bad cue is still worth delivering.
 */

export type Cue = {
  startMs: number;
  endMs: number;
  /** Speaker name from a `Name: ` prefix or a `<v Name>` voice tag, when present. */
  speaker?: string;
  /** Cue text with markup removed, entities decoded and lines joined by single spaces. */
  text: string;
};

// [hh:]mm:ss.ttt; a comma is accepted as decimal separator because SRT-converted files use it.
const TIMESTAMP = String.raw`(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?`;
const TIMING_LINE = new RegExp(String.raw`^\s*${TIMESTAMP}\s*-->\s*${TIMESTAMP}(?:\s.*)?$`);

/**
 * Parses WebVTT text into cues in start-time order. Never throws: input that is not a string or
 * contains no parsable cue yields `[]`. Cues whose timing is invalid (minutes or seconds ≥ 60) or
 * whose text is empty after cleanup are skipped; an end before the start is clamped to the start.
 */
export function parseVtt(text: string): Cue[] {
  if (typeof text !== "string") return [];
  const raw = readRawCues(text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/));
  const prefixCounts = new Map<string, number>();
  for (const cue of raw) {
    if (cue.prefix) prefixCounts.set(cue.prefix.name, (prefixCounts.get(cue.prefix.name) ?? 0) + 1);
  }
  const cues: Cue[] = [];
  for (const cue of raw) {
    let { speaker, text: body } = cue;
    if (speaker === undefined && cue.prefix && isSpeakerName(cue.prefix.name, prefixCounts)) {
      speaker = cue.prefix.name;
      body = cue.prefix.rest;
    }
    if (body === "") continue;
    const { startMs, endMs } = cue;
    cues.push(speaker ? { startMs, endMs, speaker, text: body } : { startMs, endMs, text: body });
  }
  // Stable sort: cues are supposed to be ordered already; this only repairs files that are not.
  return cues.sort((a, b) => a.startMs - b.startMs);
}

type RawCue = {
  startMs: number;
  endMs: number;
  speaker?: string;
  text: string;
  prefix?: { name: string; rest: string };
};

function readRawCues(lines: string[]): RawCue[] {
  const cues: RawCue[] = [];
  let current: { startMs: number; endMs: number; lines: string[] } | undefined;
  let skippingBlock = false;

  const flush = () => {
    if (current) cues.push(buildRawCue(current.startMs, current.endMs, current.lines));
    current = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") {
      flush();
      skippingBlock = false;
      continue;
    }
    const timing = parseTimingLine(line);
    if (timing) {
      // A timing line always starts a cue, even without the blank line the spec requires.
      flush();
      current = timing === "invalid" ? undefined : { ...timing, lines: [] };
      skippingBlock = timing === "invalid";
      continue;
    }
    if (skippingBlock) continue;
    if (current) {
      // A numeric line right before a timing line is the next cue's id (files that forget the
      // blank line between cues), not text of this cue.
      const next = lines[i + 1];
      if (/^\s*\d+\s*$/.test(line) && next !== undefined && parseTimingLine(next) !== undefined) continue;
      current.lines.push(line);
      continue;
    }
    // Outside a cue: the header, a NOTE/STYLE/REGION block, or a cue id. All are skipped up to
    // the next blank line or timing line.
    skippingBlock = true;
  }
  flush();
  return cues;
}

function parseTimingLine(line: string): { startMs: number; endMs: number } | "invalid" | undefined {
  if (!line.includes("-->")) return undefined;
  const m = TIMING_LINE.exec(line);
  if (!m) return "invalid";
  const startMs = toMs(m[1], m[2], m[3], m[4]);
  const endMs = toMs(m[5], m[6], m[7], m[8]);
  if (startMs === undefined || endMs === undefined) return "invalid";
  return { startMs, endMs: Math.max(startMs, endMs) };
}

function toMs(
  h: string | undefined,
  m: string | undefined,
  s: string | undefined,
  frac: string | undefined,
): number | undefined {
  const hours = h === undefined ? 0 : Number(h);
  const minutes = Number(m);
  const seconds = Number(s);
  if (minutes >= 60 || seconds >= 60) return undefined;
  // "1.5" means 500 ms, not 5 ms.
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, "0"));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

// The `<v Name>` voice span (optionally with classes: `<v.loud Name>`).
const VOICE_TAG = /<v(?:\.[^\s>]*)?\s+([^>]*)>/;
// Only WebVTT's own tags and timestamp tags are markup; any other `<` is literal text that an
// encoder forgot to escape, and removing it would lose words.
const MARKUP = /<\/?(?:c|i|b|u|v|lang|ruby|rt)(?:[.\s][^>]*)?>|<\d+(?::\d{2}){1,2}[.,]\d{1,3}>/g;
// "Name: text". Names may contain dots ("Dr. Lee", "j.doe") but not "!", "?" or brackets. This
// still takes a short "Note: ..." for a speaker, which is the price of accepting any Zoom name.
const SPEAKER_PREFIX = /^([^:!?<>\n]{1,64}?):(?:\s+|$)/;
const MAX_SPEAKER_WORDS = 6;

function buildRawCue(startMs: number, endMs: number, rawLines: string[]): RawCue {
  const joined = rawLines.map((l) => l.trim()).join(" ");
  const voice = VOICE_TAG.exec(joined);
  const speaker = voice ? cleanSpeaker(decodeEntities(voice[1] ?? "")) : undefined;
  const text = normalizeSpace(decodeEntities(joined.replace(MARKUP, "")));
  const m = SPEAKER_PREFIX.exec(text);
  const name = m ? cleanSpeaker(m[1]!) : undefined;
  const prefix = m && name ? { name, rest: text.slice(m[0].length).trim() } : undefined;
  return { startMs, endMs, text, ...(speaker ? { speaker } : {}), ...(prefix ? { prefix } : {}) };
}

// Zoom names are short and carry no sentence punctuation. A candidate with a sentence break inside
// ("Okay. Next topic: budget") is only a name when it recurs as a prefix, as real speakers do.
function isSpeakerName(name: string, counts: ReadonlyMap<string, number>): boolean {
  if (/^\d+$/.test(name) || name.split(" ").length > MAX_SPEAKER_WORDS) return false;
  return !/[.]\s/.test(name) || (counts.get(name) ?? 0) >= 2;
}

function cleanSpeaker(raw: string): string | undefined {
  const name = normalizeSpace(raw);
  return name === "" ? undefined : name;
}

function normalizeSpace(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00A0",
  lrm: "",
  rlm: "",
};

/** Decodes the named entities WebVTT defines plus numeric ones; unknown entities stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith("#")) {
      const code =
        body[1] === "x" || body[1] === "X" ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : "\uFFFD";
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}
