/**
 * Wakes workers the moment a job is committed, so a webhook's job starts within milliseconds;
 * polling stays only as the fallback. In one process this is a plain listener set; the PostgreSQL
 * LISTEN/NOTIFY bridge (cross-process) plugs into the same interface.
 */
export interface JobNotifier {
  /** Call after the transaction that enqueued a job has committed. */
  notify(): void;
  subscribe(listener: () => void): () => void;
}

export function createJobNotifier(): JobNotifier {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
