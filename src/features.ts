/**
 * The features the app is made of, lowest first (ops → delivery → connect: each may use those
 * before it). The composition root builds each once from the services and installs what it
 * returns: routes, composer, job handlers, periodic tasks, bot commands. A new feature adds one line.
 */
import { createBackfillFeature } from "./backfill/backfill.feature.js";
import { createConnectFeature } from "./connect/connect.feature.js";
import { createDeliveryFeature } from "./delivery/delivery.feature.js";
import type { DeliveryServices } from "./delivery/delivery-services.js";
import { createOpsFeature } from "./ops/ops.feature.js";
import type { FeatureParts } from "./services.js";
import { createSettingsFeature } from "./settings/settings.feature.js";
import { createSpeechFeature } from "./speech/speech.feature.js";

/** Everything the composition root builds: the infrastructure plus what features provide below. */
export type AppServices = DeliveryServices;

export interface Feature {
  readonly name: string;
  build(services: AppServices): FeatureParts;
}

export const features: readonly Feature[] = [
  { name: "connect", build: createConnectFeature },
  { name: "settings", build: createSettingsFeature },
  { name: "delivery", build: createDeliveryFeature },
  { name: "speech", build: (services) => createSpeechFeature(services) },
  { name: "backfill", build: createBackfillFeature },
  { name: "ops", build: createOpsFeature },
];
