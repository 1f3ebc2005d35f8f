/**
 * The features the app is made of, in the order their bot composers and routes are installed.
 * Each feature module adds itself here with one line.
 */
import { deliveryFeature } from "./delivery/delivery.feature.js";
import { meetingFeature } from "./delivery/meeting.feature.js";
import { opsFeature } from "./ops.feature.js";
import type { Feature } from "./services.js";
import { connectFeature } from "./zoom/connect.feature.js";

export const features: readonly Feature[] = [connectFeature, deliveryFeature, meetingFeature, opsFeature];
