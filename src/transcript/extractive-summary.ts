import { cleanCues, isFillerOnly } from "./clean-cues.js";
import { splitSentences, words } from "./sentences.js";
import { STOP_WORDS } from "./stop-words.js";
import type { Cue } from "./vtt.js";

export type ExtractiveSummaryOptions = {
  /** Default 5. */
  maxSentences?: number;
  /** Sentences with fewer words are not picked ("Sounds good.", "Thanks, bye."). Default 6. */
  minWords?: number;
};

type Candidate = { index: number; text: string; content: Set<string>; score: number };

/**
 * A summary that needs no AI service: picks the sentences that carry the meeting's most frequent
 * content words, in the order they were said.
 *
 * 1. Noise is removed (`cleanCues`) and consecutive cues of one speaker joined, so sentences
 *    spanning cue boundaries come out whole; then the text is split into sentences.
 * 2. Words are counted over the whole meeting, ignoring stop words (en/ru/es/de/pt/fr), fillers,
 *    numbers and one-letter words, and normalized by the most frequent word.
 * 3. A sentence scores the sum of its distinct words' normalized frequencies divided by the square
 *    root of their count: long sentences are not favoured just for being long, nor are one-word
 *    ones for being focused. Earlier sentences get up to 10 % more (meetings state their purpose
 *    early).
 * 4. Sentences are taken greedily by score, each discounted by up to half for content words an
 *    already taken sentence covers (80 % covered: skipped as a repeat), and returned in original
 *    order.
 *
 * Deterministic: ties go to the earlier sentence.
 */
export function extractiveSummary(
  cues: readonly Cue[],
  options: ExtractiveSummaryOptions = {},
): { sentences: string[] } {
  const maxSentences = options.maxSentences ?? 5;
  const minWords = options.minWords ?? 6;
  if (maxSentences <= 0) return { sentences: [] };

  const sentences = turns(cleanCues(cues)).flatMap(splitSentences);
  const contentWords = sentences.map((s) => words(s).filter(isContentWord));
  const freq = new Map<string, number>();
  for (const list of contentWords) for (const w of list) freq.set(w, (freq.get(w) ?? 0) + 1);
  const maxFreq = Math.max(1, ...freq.values());

  const last = Math.max(1, sentences.length - 1);
  const candidates: Candidate[] = [];
  sentences.forEach((text, index) => {
    const content = new Set(contentWords[index]);
    if (content.size === 0 || words(text).length < minWords) return;
    let sum = 0;
    for (const w of content) sum += (freq.get(w) ?? 0) / maxFreq;
    const position = 1 + 0.1 * (1 - index / last);
    candidates.push({ index, text, content, score: (sum / Math.sqrt(content.size)) * position });
  });

  // Greedy selection with a redundancy penalty (maximal marginal relevance): a sentence loses up to
  // half its score for words already covered, so the summary spans several subjects instead of
  // restating the most frequent one; near-duplicates are not taken at all.
  const picked: Candidate[] = [];
  const remaining = [...candidates];
  while (picked.length < maxSentences && remaining.length > 0) {
    let best: { at: number; value: number } | undefined;
    remaining.forEach((c, at) => {
      const covered = Math.max(0, ...picked.map((p) => overlap(p.content, c.content)));
      if (covered >= NEAR_DUPLICATE) return;
      const value = c.score * (1 - 0.5 * covered);
      if (!best || value > best.value) best = { at, value };
    });
    if (!best) break;
    picked.push(...remaining.splice(best.at, 1));
  }
  return { sentences: picked.sort((a, b) => a.index - b.index).map((c) => c.text) };
}

/** Share of a sentence's content words already in a picked sentence at which it is a repeat. */
const NEAR_DUPLICATE = 0.8;

function isContentWord(w: string): boolean {
  return w.length > 1 && !STOP_WORDS.has(w) && !/^\d+$/.test(w) && !isFillerOnly(w);
}

// Shared words relative to the smaller set, so a short restatement of a long sentence counts.
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / Math.min(a.size, b.size);
}

function turns(cues: readonly Cue[]): string[] {
  const out: string[] = [];
  let speaker: string | undefined;
  for (const [i, cue] of cues.entries()) {
    if (i > 0 && cue.speaker === speaker) out[out.length - 1] += ` ${cue.text}`;
    else out.push(cue.text);
    speaker = cue.speaker;
  }
  return out;
}
