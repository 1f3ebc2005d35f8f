/**
 * Group commit: many small writes that arrive within one turn of the event loop (or while the
 * previous commit is still on its way to disk) share one statement, one transaction and one fsync.
 * Nothing waits on a timer: the first item schedules a flush for the end of the current turn
 * (setImmediate), items that arrive while a flush runs form the next batch, so a lone write is
 * committed at once and a burst costs one commit per batch instead of one per item. Each
 * submitter's promise settles only after its batch's commit returned: durable before answered.
 */
export interface GroupCommitStats {
  /** Batches written (each one commit). */
  readonly commits: number;
  /** Items written. */
  readonly items: number;
}

export interface GroupCommit<T, R> {
  /** Queues `item` for the next batch; resolves with its result once that batch committed. */
  submit(item: T): Promise<R>;
  /** Items waiting or being written. */
  readonly pending: number;
  readonly stats: GroupCommitStats;
  /** Resolves once everything submitted so far has been written (or failed). */
  flushed(): Promise<void>;
}

export interface GroupCommitOptions<T, R> {
  /** Writes one batch in one transaction and returns one result per item, in order. */
  write(items: readonly T[]): Promise<readonly R[]>;
  /** Largest batch (statement size limits); the rest waits for the next one. Default 500. */
  maxBatch?: number;
  /** Batches written at the same time (PostgreSQL can overlap commits; SQLite has one writer). Default 1. */
  concurrency?: number;
  /** Called after each committed batch (metrics, notifications). */
  onCommit?(size: number): void;
}

interface Waiting<T, R> {
  item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export function createGroupCommit<T, R>(options: GroupCommitOptions<T, R>): GroupCommit<T, R> {
  const maxBatch = options.maxBatch ?? 500;
  const concurrency = options.concurrency ?? 1;
  let queue: Waiting<T, R>[] = [];
  let writing = 0;
  let inFlight = 0;
  let scheduled = false;
  let commits = 0;
  let items = 0;
  let idle: Array<() => void> = [];

  function schedule(): void {
    if (scheduled || queue.length === 0 || writing >= concurrency) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush();
    });
  }

  async function flush(): Promise<void> {
    if (queue.length === 0 || writing >= concurrency) return;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
    writing++;
    try {
      const results = await options.write(batch.map((w) => w.item));
      commits++;
      items += batch.length;
      options.onCommit?.(batch.length);
      for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      writing--;
      inFlight -= batch.length;
      if (queue.length > 0) schedule();
      if (inFlight === 0) {
        const waiters = idle;
        idle = [];
        for (const wake of waiters) wake();
      }
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        inFlight++;
        schedule();
      });
    },
    get pending() {
      return inFlight;
    },
    get stats() {
      return { commits, items };
    },
    flushed() {
      return inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve));
    },
  };
}
