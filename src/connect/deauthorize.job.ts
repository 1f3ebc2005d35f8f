/**
 * `deauthorize-zoom-user`: the user removed Zoomgram in Zoom (`app_deauthorized`, reference/zoom.md
 * §2.5, §3.8). The webhook route only made the work durable (src/delivery/ingest-deauthorize.ts);
 * this job deletes the user's tokens and data and tells the chat.
 */
import type { JobHandler } from "../jobs/worker.js";
import type { Services } from "../services.js";
import { deauthorizeZoomUser } from "./deauthorize.js";

export const DEAUTHORIZE_JOB = "deauthorize-zoom-user";

/**
 * Deliberately not `zoomUserId`: the purge cancels every unfinished job whose payload names the
 * user, and this job must not cancel itself while it runs.
 */
export interface DeauthorizePayload {
  deauthorizedZoomUserId: string;
}

declare module "../jobs/catalogue.js" {
  interface JobCatalogue {
    [DEAUTHORIZE_JOB]: DeauthorizePayload;
  }
}

export function deauthorizeJob(services: Services): JobHandler<DeauthorizePayload> {
  return {
    async run(payload) {
      await deauthorizeZoomUser(services, {
        zoomUserId: payload.deauthorizedZoomUserId,
        reason: "deauthorized",
      });
    },
  };
}
