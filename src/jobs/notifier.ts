/**
 * Wakes workers the moment work is committed, so a webhook's job starts within milliseconds;
 * polling stays only as the fallback. In one process this is a plain listener set; the PostgreSQL
 * LISTEN/NOTIFY bridge (cross-process) plugs into the same interface. A notification names its
 * topic (`jobs` by default; the webhook inbox uses its own) so a listener wakes only for its work.
 */
export const JOBS_TOPIC = "jobs";
/** Sent after a reconnect, when any work may have been missed: every listener wakes. */
export const ANY_TOPIC = "*";

/** Whether a notification on `topic` concerns a listener for `mine`. */
export function concerns(topic: string, mine: string): boolean {
  return topic === mine || topic === ANY_TOPIC;
}

export interface JobNotifier {
  /** Call after the transaction that enqueued work on `topic` (default `jobs`) has committed. */
  notify(topic?: string): void;
  subscribe(listener: (topic: string) => void): () => void;
}

export function createJobNotifier(): JobNotifier {
  const listeners = new Set<(topic: string) => void>();
  return {
    notify(topic = JOBS_TOPIC) {
      for (const listener of listeners) listener(topic);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
