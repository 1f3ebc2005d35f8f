/**
 * Operations: /history (and its resend buttons) in the bot, and the missed-webhook sweep that
 * recovers recordings whose Zoom webhook never arrived.
 */
import { missedWebhookSweepTask } from "./delivery/missed-webhook-sweep.js";
import type { Feature } from "./services.js";
import { historyComposer } from "./telegram/composers/history.composer.js";

export const opsFeature: Feature = {
  name: "ops",
  composer: (services) => historyComposer(services),
  periodic: (services) => [missedWebhookSweepTask(services)],
};
