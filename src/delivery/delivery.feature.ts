/**
 * The delivery pipeline as a feature (issue #4): the Zoom webhook routes, the jobs that deliver
 * recordings and act on deauthorizations, and the sweep of leftover media.
 */
import type { Feature } from "../services.js";
import { zoomWebhookRoutes } from "../zoom/webhook.routes.js";
import { deliverRecordingJob } from "./deliver-recording.job.js";
import { DELIVER_RECORDING_JOB } from "./delivery-jobs.js";
import { DEAUTHORIZE_JOB, deauthorizeJob } from "./ingest-deauthorize.js";
import { mediaSweepTask } from "./media-sweep.js";

export const deliveryFeature: Feature = {
  name: "delivery",
  routes(app, services) {
    zoomWebhookRoutes(app, services);
  },
  jobs(services) {
    return {
      [DELIVER_RECORDING_JOB]: deliverRecordingJob(services),
      [DEAUTHORIZE_JOB]: deauthorizeJob(services),
    };
  },
  periodic(services) {
    return [mediaSweepTask(services)];
  },
};
