/**
 * Operations: /history (and its resend buttons) in the bot, the missed-webhook sweep that
 * recovers recordings whose Zoom webhook never arrived, the sweep of leftover media files, and
 * the retention task that prunes data nothing needs any more (RETENTION_DAYS).
 */
import type { DeliveryServices } from "../delivery/delivery-services.js";
import type { FeatureParts } from "../services.js";
import { historyComposer } from "./history.composer.js";
import { mediaSweepTask } from "./media-sweep.js";
import { missedWebhookSweepTask } from "./missed-webhook-sweep.js";
import { retentionTask } from "./retention.js";

export function createOpsFeature(services: DeliveryServices): FeatureParts {
  return {
    composer: historyComposer(services),
    periodic: [missedWebhookSweepTask(services), mediaSweepTask(services), retentionTask(services)],
    commands: { history: 50 },
  };
}
