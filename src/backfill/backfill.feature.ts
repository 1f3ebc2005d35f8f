/**
 * Backfill: /import delivers a chat's past Zoom cloud recordings of a period through the normal
 * delivery pipeline, month by month, paced and resumable (src/backfill/backfill-step.job.ts).
 */
import type { DeliveryServices } from "../delivery/delivery-services.js";
import type { FeatureParts } from "../services.js";
import { BACKFILL_STEP_JOB } from "./backfill-jobs.js";
import { backfillStepJob } from "./backfill-step.job.js";
import { createImportComposer } from "./import.composer.js";

export function createBackfillFeature(services: DeliveryServices): FeatureParts {
  return {
    composer: createImportComposer(services),
    jobs: { [BACKFILL_STEP_JOB]: backfillStepJob(services) },
    commands: { import: 55 },
  };
}
