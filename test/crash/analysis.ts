/**
 * What the crash suite concludes from its records (issue #9 §1), as pure functions.
 *
 * A recording is delivered at least once or the run fails. Every upload Telegram accepted must be
 * the recording's exact bytes. A recording delivered twice is a duplicate, and the only
 * acceptable cause is a kill inside the window between Telegram accepting an upload of that file
 * and our commit of its delivery row: Telegram has the file, our database does not know yet, and
 * the restarted job sends it again. So a duplicate is explained when a kill of a process that
 * runs jobs happened after the first accepted upload of that file and before its delivery row was
 * committed. Anything else fails the run.
 */

export interface AcceptedUpload {
  /** Which recording (one per meeting in the suite). */
  key: string;
  /** When Telegram accepted it (ms, the fake's clock = wall clock). */
  at: number;
  /**
   * When its request began arriving at Telegram. A kill between this and `at` still ends with the
   * upload accepted (the body was complete) and its sender dead: the window opens here.
   */
  startedAt?: number;
  sha256: string;
}

export interface KillRecord {
  /** When SIGKILL was sent (ms, wall clock). */
  at: number;
  /** Roles killed. */
  roles: string[];
  /** Whether a process that runs jobs (serve or worker) was among them. */
  killedJobRunner: boolean;
  /** How the moment was picked, for the report. */
  trigger: string;
}

export interface Commit {
  key: string;
  /** delivered_at of the delivery row (ms), or null when it never became delivered. */
  deliveredAt: number | null;
}

export interface Duplicate {
  key: string;
  /** Accepted uploads beyond the first. */
  extra: number;
  /** When the first accepted upload's request began arriving (its window opens). */
  firstStartedAt: number;
  firstAcceptedAt: number;
  deliveredAt: number | null;
  /**
   * One kill per extra upload: the i-th falls after the i-th accepted upload's request began and
   * before the next one's (the job could only send it again after its runner died). Undefined
   * when any extra upload has no such kill.
   */
  explainedBy: KillRecord[] | undefined;
}

export interface CrashReport {
  recordings: number;
  delivered: number;
  /** Recordings with no accepted upload or no committed delivery row. */
  missing: string[];
  /** Accepted uploads whose bytes are not the recording's. */
  corrupt: AcceptedUpload[];
  duplicates: Duplicate[];
  unexplained: Duplicate[];
  kills: number;
  /** Kills of a job runner that fell inside some recording's accept → commit window. */
  killsInWindow: number;
}

/**
 * How much earlier than Telegram notices a request its sender may have written it: socket buffers
 * and the event loop of the process hosting the fake (ms). A kill this much before the request's
 * arrival still counts as inside the window.
 */
export const ARRIVAL_SLACK_MS = 25;

/** Whether `kill` fell inside the window that opened at `opensAt` and closed at `deliveredAt`. */
export function insideWindow(kill: KillRecord, opensAt: number, deliveredAt: number | null): boolean {
  if (!kill.killedJobRunner) return false;
  return kill.at >= opensAt - ARRIVAL_SLACK_MS && (deliveredAt === null || kill.at < deliveredAt);
}

export function analyzeCrashRun(input: {
  keys: readonly string[];
  uploads: readonly AcceptedUpload[];
  commits: readonly Commit[];
  kills: readonly KillRecord[];
  sourceSha256: string;
}): CrashReport {
  const byKey = new Map<string, AcceptedUpload[]>();
  for (const upload of input.uploads) {
    const list = byKey.get(upload.key) ?? [];
    list.push(upload);
    byKey.set(upload.key, list);
  }
  const committed = new Map(input.commits.map((c) => [c.key, c.deliveredAt]));
  const missing: string[] = [];
  const duplicates: Duplicate[] = [];
  const windows: Array<{ from: number; to: number | null }> = [];
  for (const key of input.keys) {
    const uploads = (byKey.get(key) ?? []).slice().sort((a, b) => a.at - b.at);
    const deliveredAt = committed.get(key) ?? null;
    if (uploads.length === 0 || deliveredAt === null) {
      missing.push(key);
      continue;
    }
    const first = uploads[0] as AcceptedUpload;
    const opensAt = first.startedAt ?? first.at;
    windows.push({ from: opensAt, to: deliveredAt });
    if (uploads.length > 1) {
      const explainedBy: KillRecord[] = [];
      for (let i = 0; i + 1 < uploads.length; i++) {
        const upload = uploads[i] as AcceptedUpload;
        const next = uploads[i + 1] as AcceptedUpload;
        const kill = input.kills.find(
          (k) =>
            insideWindow(k, upload.startedAt ?? upload.at, deliveredAt) && k.at < (next.startedAt ?? next.at),
        );
        if (!kill) break;
        explainedBy.push(kill);
      }
      duplicates.push({
        key,
        extra: uploads.length - 1,
        firstStartedAt: opensAt,
        firstAcceptedAt: first.at,
        deliveredAt,
        explainedBy: explainedBy.length === uploads.length - 1 ? explainedBy : undefined,
      });
    }
  }
  const known = new Set(input.keys);
  const strays = input.uploads.filter((u) => !known.has(u.key));
  return {
    recordings: input.keys.length,
    delivered: input.keys.length - missing.length,
    missing,
    corrupt: [...input.uploads.filter((u) => u.sha256 !== input.sourceSha256), ...strays],
    duplicates,
    unexplained: duplicates.filter((d) => d.explainedBy === undefined),
    kills: input.kills.length,
    killsInWindow: input.kills.filter((k) => windows.some((w) => insideWindow(k, w.from, w.to))).length,
  };
}

/** A few lines for the console. */
export function formatCrashReport(report: CrashReport, extra: Record<string, string | number> = {}): string {
  const lines = [
    `crash suite: ${report.delivered}/${report.recordings} recordings delivered`,
    `  kills: ${report.kills} (${report.killsInWindow} inside an upload-accepted → delivery-committed window)`,
    `  duplicates: ${report.duplicates.reduce((n, d) => n + d.extra, 0)} (unexplained: ${report.unexplained.length})`,
    ...report.duplicates.map((d) => {
      const rel = (t: number) => `${t - d.firstStartedAt >= 0 ? "+" : ""}${t - d.firstStartedAt} ms`;
      const why = d.explainedBy
        ? `explained by the kill${d.explainedBy.length > 1 ? "s" : ""} at ${d.explainedBy
            .map((k) => `${rel(k.at)} (${k.roles.join("+")}, ${k.trigger})`)
            .join(", ")}`
        : "UNEXPLAINED";
      return `    ${d.key}: +${d.extra}; upload began ${new Date(d.firstStartedAt).toISOString()}, accepted ${rel(d.firstAcceptedAt)}, committed ${d.deliveredAt === null ? "never" : rel(d.deliveredAt)}; ${why}`;
    }),
    `  missing: ${report.missing.length}, corrupt uploads: ${report.corrupt.length}`,
    ...Object.entries(extra).map(([k, v]) => `  ${k}: ${v}`),
  ];
  return lines.join("\n");
}

/** mulberry32: a small seeded PRNG, so a run's schedule is the same every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
