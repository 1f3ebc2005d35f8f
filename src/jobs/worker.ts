/**
 * The worker loop: claims jobs, runs their handlers with an AbortSignal and a deadline, keeps the
 * lease alive while they run, and records the outcome. A failing handler never crashes the loop;
 * its error lands on the job row. stop() drains: in-flight jobs finish, or after the grace period
 * are aborted and released without spending an attempt.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Db } from "../db/database.js";
import { AppError, describeError, isAppError } from "../errors.js";
import { meetingUuidOf, withLogContext } from "../observability/log-context.js";
import { type BackoffOptions, backoffDelayMs } from "./backoff.js";
import type { JobCatalogue, JobKind } from "./catalogue.js";
import { concerns, JOBS_TOPIC, type JobNotifier } from "./notifier.js";
import {
  type ClaimedJob,
  claimJobs,
  completeJob,
  extendLease,
  failJob,
  type Job,
  type JobLease,
  reapExpiredJobs,
  rescheduleJob,
} from "./queue.js";

export interface JobContext {
  job: Job;
  signal: AbortSignal;
  logger: Logger;
  /** Extends this job's lease; long downloads call it (the worker also does, on a timer). */
  extendLease(): Promise<boolean>;
}

/** A handler returns nothing when done, or asks to run again later without it counting as failure. */
export type JobOutcome = undefined | { rescheduleAt: number; note?: string };

export interface JobHandler<P = unknown> {
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler that simply finishes returns nothing
  run(payload: P, ctx: JobContext): Promise<JobOutcome | void>;
  /** Called once when the job is declared dead (attempts used up or a permanent error). */
  onDead?(payload: P, error: string, job: Job): Promise<void>;
  timeoutMs?: number;
  /**
   * The handler counts its own failures in `zoomgram_job_failures_total` (with causes the worker
   * cannot see, like an upload rung's 413), so the app's worker-event metrics leave them out.
   */
  countsOwnFailures?: boolean;
}

/** A feature's handlers: each kind's handler takes that kind's payload (src/jobs/catalogue.ts). */
export type JobHandlers = { readonly [K in JobKind]?: JobHandler<JobCatalogue[K]> };

export type WorkerEvent =
  | { type: "claimed"; job: Job }
  | { type: "completed"; job: Job; durationMs: number }
  | { type: "retry"; job: Job; error: unknown; retryAt: number; durationMs: number }
  | { type: "rescheduled"; job: Job; runAt: number }
  | { type: "dead"; job: Job; error: string }
  | { type: "released"; job: Job }
  /**
   * This worker's outcome write was refused: its lease ran out and another worker claimed the job
   * (fencing token replaced). The other claim owns the row; this run's outcome is dropped.
   */
  | { type: "lost"; job: Job; outcome: "completed" | "retry" | "dead" | "rescheduled" | "released" };

/**
 * Work that runs beside the job loop in the worker role and usually ends in jobs (the webhook
 * inbox processor): started and stopped with the worker; `drain()` runs it until it has nothing
 * left, deterministically (tests).
 */
export interface Feeder {
  start(): void;
  stop(): Promise<void>;
  /** Processes everything due now; returns how many items it handled. */
  drain(): Promise<number>;
}

export interface WorkerOptions {
  db: Db;
  /** Every feature's handlers, merged; a kind without a handler is never claimed. */
  handlers: JobHandlers;
  clock: Clock;
  logger: Logger;
  workerId?: string;
  concurrency?: number;
  leaseMs?: number;
  pollIntervalMs?: number;
  timeoutMs?: number;
  backoff?: BackoffOptions;
  notifier?: JobNotifier;
  onEvent?: (event: WorkerEvent) => void;
  /** Waits between retries of an outcome write while the database is away. */
  persistRetryDelaysMs?: readonly number[];
  /** Called when any job dies (after the handler's own onDead): operator alerts. */
  onDead?: (job: Job, error: string) => Promise<void>;
  /** Run beside the job loop; drain() drains them before each round of jobs. */
  feeders?: readonly Feeder[];
}

export class Worker {
  readonly workerId: string;
  private readonly opts: Required<
    Pick<WorkerOptions, "concurrency" | "leaseMs" | "pollIntervalMs" | "timeoutMs">
  > &
    WorkerOptions;
  private readonly inflight = new Map<number, { controller: AbortController; done: Promise<void> }>();
  private running = false;
  private loopDone: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private pendingWake = false;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;

  constructor(options: WorkerOptions) {
    this.opts = {
      concurrency: 4,
      leaseMs: 60_000,
      pollIntervalMs: 2_000,
      timeoutMs: 3_600_000,
      ...options,
    };
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  get activeCount(): number {
    return this.inflight.size;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.opts.notifier?.subscribe((topic) => {
      if (concerns(topic, JOBS_TOPIC)) this.wake();
    });
    this.loopDone = this.loop();
    for (const feeder of this.opts.feeders ?? []) feeder.start();
  }

  /** Makes an idle loop look for work now. */
  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /**
   * Stops claiming; waits up to `timeoutMs` for in-flight jobs, then aborts the rest and releases
   * them for another worker without spending an attempt.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.wake();
    await Promise.all((this.opts.feeders ?? []).map((feeder) => feeder.stop()));
    await this.loopDone;
    const all = Promise.all([...this.inflight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      for (const f of this.inflight.values())
        f.controller.abort(new AppError("job.cancelled", "worker stopping"));
      await all;
    }
  }

  /**
   * Drains the feeders, then claims and runs jobs, until neither has anything due. Deterministic
   * (no timers): tests drive the queue with it, advancing their clock between calls. Returns how
   * many jobs ran.
   */
  async drain(maxRounds = 10_000): Promise<number> {
    let ran = 0;
    for (let round = 0; round < maxRounds; round++) {
      const fed = await this.drainFeeders();
      const jobs = await this.claim(this.opts.concurrency);
      if (jobs.length === 0 && fed === 0) break;
      ran += jobs.length;
      await Promise.all(jobs.map((job) => this.execute(job)));
    }
    return ran;
  }

  /** Runs every feeder until it has nothing due; returns how many items they handled. */
  async drainFeeders(): Promise<number> {
    let fed = 0;
    for (const feeder of this.opts.feeders ?? []) fed += await feeder.drain();
    return fed;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.pendingWake = false;
      const free = this.opts.concurrency - this.inflight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await this.claim(free);
          claimed = jobs.length;
          for (const job of jobs) this.track(job);
        } catch (error) {
          // The database went away: keep in-flight jobs (their leases protect them) and retry.
          this.opts.logger.warn({ err: describeError(error) }, "job claim failed; retrying");
        }
      }
      if (!this.running) break;
      if (claimed > 0 && claimed === free) continue;
      if (this.pendingWake && this.inflight.size < this.opts.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private track(job: ClaimedJob): void {
    const controller = new AbortController();
    const done = this.execute(job, controller)
      .catch((error) =>
        // Only the outcome write can land here (the database stayed away through every retry):
        // the job's lease will expire and another worker will run it again.
        this.opts.logger.error({ jobId: job.id, err: describeError(error) }, "could not record job outcome"),
      )
      .finally(() => {
        this.inflight.delete(job.id);
        this.wake();
      });
    this.inflight.set(job.id, { controller, done });
  }

  /**
   * The handler of a stored job's kind. The payload was written by `enqueueJob` for that kind, so
   * it has the catalogue's type; the worker itself only passes it through.
   */
  private handlerFor(kind: string): JobHandler<unknown> | undefined {
    return (this.opts.handlers as Readonly<Record<string, JobHandler<unknown> | undefined>>)[kind];
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const now = this.opts.clock.now();
    const dead = await reapExpiredJobs(this.opts.db.kysely, now);
    for (const job of dead) {
      const error = job.lastError ?? "lease expired";
      try {
        await this.handlerFor(job.kind)?.onDead?.(job.payload, error, job);
      } catch (deadError) {
        this.opts.logger.error({ err: describeError(deadError) }, "onDead handler failed");
      }
      await this.notifyDead(job, error);
    }
    const jobs = await claimJobs(this.opts.db.kysely, this.opts.db.dialect, {
      workerId: this.workerId,
      limit,
      leaseMs: this.opts.leaseMs,
      now,
      kinds: Object.keys(this.opts.handlers),
    });
    for (const job of jobs) this.opts.onEvent?.({ type: "claimed", job });
    return jobs;
  }

  private async execute(job: ClaimedJob, controller = new AbortController()): Promise<void> {
    const { db, clock } = this.opts;
    const handler = this.handlerFor(job.kind);
    const meetingUuid = meetingUuidOf(job.payload);
    const logger = this.opts.logger.child({
      jobId: job.id,
      jobKind: job.kind,
      attempt: job.attempts,
      ...(meetingUuid !== undefined ? { meetingUuid } : {}),
    });
    const started = clock.now();
    if (!handler) {
      await failJob(db.kysely, {
        jobId: job.id,
        leaseToken: job.leaseToken,
        error: `no handler for job kind ${job.kind}`,
        now: clock.now(),
        retryAt: undefined,
      });
      return;
    }
    const timeoutMs = handler.timeoutMs ?? this.opts.timeoutMs;
    const timer = setTimeout(
      () =>
        controller.abort(
          new AppError("job.timeout", `job timed out after ${timeoutMs} ms`, { retryable: true }),
        ),
      timeoutMs,
    );
    const extend = () => extendLease(db.kysely, jobLease(job), this.opts.leaseMs, clock.now());
    const heartbeat = setInterval(
      () => {
        extend()
          .then((held) => {
            if (!held) controller.abort(new AppError("job.cancelled", "lease lost"));
          })
          .catch(() => {});
      },
      Math.max(1_000, Math.floor(this.opts.leaseMs / 3)),
    );
    const ctx: JobContext = { job, signal: controller.signal, logger, extendLease: extend };
    try {
      const aborted = new Promise<never>((_, reject) => {
        if (controller.signal.aborted) reject(controller.signal.reason);
        controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
      });
      aborted.catch(() => {});
      // Lines logged by the handler through any logger carry the job id and meeting UUID.
      const run = withLogContext({ jobId: job.id, jobKind: job.kind, meetingUuid }, () =>
        handler.run(job.payload, ctx),
      );
      const outcome = await Promise.race([run, aborted]);
      await this.recordSuccess(job, outcome, logger, started);
    } catch (error) {
      await this.onFailure(job, handler, error, controller, logger, started);
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
    }
  }

  /** Records a finished run: completed, or rescheduled when the handler asked to run later. */
  private async recordSuccess(
    job: ClaimedJob,
    // biome-ignore lint/suspicious/noConfusingVoidType: a handler that simply finishes returns nothing
    outcome: JobOutcome | void,
    logger: Logger,
    started: number,
  ): Promise<void> {
    const { db, clock } = this.opts;
    if (outcome && "rescheduleAt" in outcome) {
      const held = await this.persist(() =>
        rescheduleJob(db.kysely, jobLease(job), outcome.rescheduleAt, clock.now(), {
          refundAttempt: true,
          note: outcome.note,
        }),
      );
      if (!held) return this.lost(job, "rescheduled", logger);
      this.opts.onEvent?.({ type: "rescheduled", job, runAt: outcome.rescheduleAt });
      return;
    }
    const held = await this.persist(() => completeJob(db.kysely, jobLease(job), clock.now()));
    if (!held) return this.lost(job, "completed", logger);
    this.opts.onEvent?.({ type: "completed", job, durationMs: clock.now() - started });
  }

  /**
   * An outcome write was fenced off: the lease ran out (by the database's clock) and another
   * worker claimed the job. Its run decides the job; this one's outcome is dropped, not retried.
   */
  private lost(job: ClaimedJob, outcome: Extract<WorkerEvent, { type: "lost" }>["outcome"], logger: Logger) {
    logger.warn({ outcome }, "job was taken over by another worker after its lease expired; outcome dropped");
    this.opts.onEvent?.({ type: "lost", job, outcome });
  }

  private async onFailure(
    job: ClaimedJob,
    handler: JobHandler,
    error: unknown,
    controller: AbortController,
    logger: Logger,
    started: number,
  ): Promise<void> {
    const { db, clock } = this.opts;
    const now = clock.now();
    const cancelled = isAppError(error) && error.code === "job.cancelled";
    if (cancelled && this.stopping) {
      const held = await this.persist(() =>
        rescheduleJob(db.kysely, jobLease(job), now, now, { refundAttempt: true }),
      );
      if (!held) return this.lost(job, "released", logger);
      this.opts.onEvent?.({ type: "released", job });
      logger.info("job released on shutdown");
      return;
    }
    if (cancelled && controller.signal.aborted) {
      // The lease was lost: another worker owns the job now; leave its row alone.
      logger.warn("job lease lost; abandoning this run");
      return;
    }
    const message = describeError(error);
    const retryable = isAppError(error) ? error.retryable : true;
    const hasAttempts = job.attempts < job.maxAttempts;
    const retryAt =
      retryable && hasAttempts
        ? now +
          Math.max(
            isAppError(error) ? (error.retryAfterMs ?? 0) : 0,
            backoffDelayMs(job.attempts, this.opts.backoff),
          )
        : undefined;
    const state = await this.persist(() =>
      failJob(db.kysely, { ...jobLease(job), error: message, now, retryAt }),
    );
    if (state === "lost") return this.lost(job, retryAt === undefined ? "dead" : "retry", logger);
    if (state === "retry" && retryAt !== undefined) {
      logger.warn({ err: message, retryAt }, "job failed; will retry");
      this.opts.onEvent?.({ type: "retry", job, error, retryAt, durationMs: now - started });
    } else if (state === "dead") {
      logger.error({ err: message }, "job is dead");
      try {
        await handler.onDead?.(job.payload, message, job);
      } catch (deadError) {
        logger.error({ err: describeError(deadError) }, "onDead handler failed");
      }
      await this.notifyDead(job, message);
    }
  }

  /**
   * Writes a job's outcome, retrying while the database is unreachable (a failover, a restart):
   * the work is done and must not be redone just because the write failed once.
   */
  private async persist<T>(write: () => Promise<T>): Promise<T> {
    const delays = this.opts.persistRetryDelaysMs ?? [250, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        const delay = delays[attempt];
        if (delay === undefined) throw error;
        this.opts.logger.warn(
          { err: describeError(error), attempt: attempt + 1 },
          "database write failed; retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async notifyDead(job: Job, error: string): Promise<void> {
    this.opts.onEvent?.({ type: "dead", job, error });
    try {
      await this.opts.onDead?.(job, error);
    } catch (deadError) {
      this.opts.logger.error({ err: describeError(deadError) }, "dead-job alert failed");
    }
  }
}

function jobLease(job: ClaimedJob): JobLease {
  return { jobId: job.id, leaseToken: job.leaseToken };
}
