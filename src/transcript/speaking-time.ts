import type { Cue } from "./vtt.js";

export type SpeakerTime = {
  /** Undefined for cues without a speaker; the renderer supplies a localized label. */
  speaker?: string;
  ms: number;
  /** Fraction of all speaking time, 0..1; shares sum to 1. */
  share: number;
};

/**
 * Speaking time per speaker, longest first (ties by name). Overlapping cues of one speaker count
 * once (Zoom repeats fragments in overlapping cues), while two speakers talking at once both get
 * the time. Empty when the cues hold no time at all.
 */
export function speakingTime(cues: readonly Cue[]): SpeakerTime[] {
  const bySpeaker = new Map<string | undefined, Array<[number, number]>>();
  for (const cue of cues) {
    if (!(cue.endMs > cue.startMs)) continue;
    const list = bySpeaker.get(cue.speaker) ?? [];
    list.push([cue.startMs, cue.endMs]);
    bySpeaker.set(cue.speaker, list);
  }
  const totals = [...bySpeaker].map(([speaker, intervals]) => ({ speaker, ms: unionLength(intervals) }));
  const sum = totals.reduce((acc, t) => acc + t.ms, 0);
  if (sum === 0) return [];
  return totals
    .sort((a, b) => b.ms - a.ms || compareNames(a.speaker, b.speaker))
    .map(({ speaker, ms }) =>
      speaker === undefined ? { ms, share: ms / sum } : { speaker, ms, share: ms / sum },
    );
}

function unionLength(intervals: Array<[number, number]>): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const [start, end] of intervals) {
    if (start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = start;
      curEnd = end;
    } else {
      curEnd = Math.max(curEnd, end);
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

// Code-unit order rather than localeCompare, so the result does not depend on the host's locale.
// The unknown speaker sorts last among equals.
function compareNames(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}
