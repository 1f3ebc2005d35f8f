/**
 * Operations: /history (and its resend buttons) in the bot, the missed-webhook sweep that
 * recovers recordings whose Zoom webhook never arrived, and the sweep of leftover media files.
 */
import type { DeliveryServices } from "../delivery/delivery-services.js";
import type { FeatureParts } from "../services.js";
import { historyComposer } from "./history.composer.js";
import { mediaSweepTask } from "./media-sweep.js";
import { missedWebhookSweepTask } from "./missed-webhook-sweep.js";

export function createOpsFeature(services: DeliveryServices): FeatureParts {
  return {
    composer: historyComposer(services),
    periodic: [missedWebhookSweepTask(services), mediaSweepTask(services)],
    commands: { history: 50 },
  };
}
