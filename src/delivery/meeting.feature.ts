/**
 * The meeting feature (issue #5): transcript and summary jobs, the one live card per meeting
 * (a ProgressBus listener), its buttons, and the timeout that settles parts that never come.
 */
import type { JobHandler } from "../jobs/worker.js";
import type { Feature, Services } from "../services.js";
import { deliverSummaryJob } from "./deliver-summary.job.js";
import { deliverTranscriptJob } from "./deliver-transcript.job.js";
import { meetingCardComposer } from "./meeting-card.callbacks.js";
import {
  CARD_REFRESH_JOB,
  type CardRefreshPayload,
  createMeetingCards,
  PARTS_TIMEOUT_JOB,
} from "./meeting-card.js";
import { DELIVER_SUMMARY_JOB, DELIVER_TRANSCRIPT_JOB } from "./meeting-parts.repository.js";
import { meetingPartsTimeoutJob } from "./meeting-parts-timeout.job.js";
import { createMeetingZoom } from "./meeting-zoom.js";
import { RESEND_PART_JOB, resendPartJob } from "./resend-part.job.js";

// One card listener per Services (one app), however often the hooks are called.
const subscribed = new WeakSet<Services>();

export const meetingFeature: Feature = {
  name: "meeting",
  composer: (services) => meetingCardComposer(services),
  jobs(services) {
    const cards = createMeetingCards(services);
    // Jobs publish progress in the worker, so that is where the card listens.
    if (!subscribed.has(services)) {
      subscribed.add(services);
      services.progress.subscribe((event) => cards.onProgress(event));
    }
    const zoom = createMeetingZoom(services);
    const refresh: JobHandler<CardRefreshPayload> = {
      run: async ({ meetingUuid, chatId }) => {
        await cards.refresh(meetingUuid, chatId);
        return undefined;
      },
    };
    return {
      [DELIVER_TRANSCRIPT_JOB]: deliverTranscriptJob(services, { zoom }),
      [DELIVER_SUMMARY_JOB]: deliverSummaryJob(services, { zoom }),
      [CARD_REFRESH_JOB]: refresh,
      [PARTS_TIMEOUT_JOB]: meetingPartsTimeoutJob(services),
      [RESEND_PART_JOB]: resendPartJob(services),
    };
  },
};
