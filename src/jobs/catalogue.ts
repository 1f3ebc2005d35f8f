/**
 * The job catalogue: one map from job kind to payload type, checked at every enqueue and every
 * handler. It starts empty here, in the infrastructure that knows no feature; each feature adds its
 * kinds where it defines them, by declaration merging (graphile-worker's `GraphileWorker.Tasks`):
 *
 * ```ts
 * declare module "../jobs/catalogue.js" {
 *   interface JobCatalogue { "deliver-recording": DeliverRecordingPayload }
 * }
 * ```
 *
 * Payloads are stored as JSON, so a payload type holds only JSON values.
 */
export interface JobCatalogue {}

export type JobKind = keyof JobCatalogue & string;

export type JobPayload<K extends JobKind> = JobCatalogue[K];

/** One job to enqueue: the payload must be the catalogue's type for the kind. */
export interface JobRequest<K extends JobKind> {
  kind: K;
  payload: JobCatalogue[K];
  runAt?: number;
  maxAttempts?: number;
  priority?: number;
  /** At most one job with this key ever exists: a second enqueue is a no-op. */
  dedupeKey?: string;
}
