/**
 * Delivering recordings: the Zoom webhook routes and their ingest, the jobs that deliver audio,
 * video, transcript, summary and Zoom's chat file, and the one live card per meeting and chat (a progress-bus listener, its
 * buttons, and the timeout that settles parts that never come).
 */
import type { FeatureParts } from "../services.js";
import { deliverChatFileJob } from "./deliver-chat-file.job.js";
import { deliverRecordingJob } from "./deliver-recording.job.js";
import { deliverSummaryJob } from "./deliver-summary.job.js";
import { deliverTranscriptJob } from "./deliver-transcript.job.js";
import {
  CARD_REFRESH_JOB,
  DELIVER_CHAT_FILE_JOB,
  DELIVER_RECORDING_JOB,
  DELIVER_SUMMARY_JOB,
  DELIVER_TRANSCRIPT_JOB,
  PARTS_TIMEOUT_JOB,
  RECORDING_CHANGED_CARD_JOB,
  RESEND_PART_JOB,
  TRASH_RECORDING_JOB,
} from "./delivery-jobs.js";
import type { DeliveryServices } from "./delivery-services.js";
import { createInboxAdmission } from "./inbox-admission.js";
import { createInboxProcessor } from "./inbox-processor.js";
import { createInboxWriter } from "./inbox-writer.js";
import { recordingChangedCardJob } from "./ingest-lifecycle.js";
import { meetingCardComposer } from "./meeting-card.callbacks.js";
import { createMeetingCards } from "./meeting-card.js";
import { meetingPartsTimeoutJob } from "./meeting-parts-timeout.job.js";
import { createMeetingZoom } from "./meeting-zoom.js";
import { resendPartJob } from "./resend-part.job.js";
import { trashRecordingJob, trashTrigger } from "./trash-recording.job.js";
import { zoomWebhookRoutes } from "./webhook.routes.js";

export function createDeliveryFeature(services: DeliveryServices): FeatureParts {
  const cards = createMeetingCards(services);
  // Jobs publish progress in the worker; the card listens in the same process.
  services.progress.subscribe((event) => cards.onProgress(event));
  // After the card stored a part's state: a meeting whose parts all arrived may go to Zoom's trash.
  services.progress.subscribe(trashTrigger(services));
  const zoom = createMeetingZoom(services);
  const inbox = { writer: createInboxWriter(services), admission: createInboxAdmission(services) };
  return {
    routes: (app) => zoomWebhookRoutes(app, services, inbox),
    feeders: [createInboxProcessor(services)],
    beforeScrape: () => inbox.admission.refresh(),
    stop: () => inbox.writer.close(),
    composer: meetingCardComposer(services),
    jobs: {
      [DELIVER_RECORDING_JOB]: deliverRecordingJob(services),
      [DELIVER_TRANSCRIPT_JOB]: deliverTranscriptJob(services, { zoom }),
      [DELIVER_SUMMARY_JOB]: deliverSummaryJob(services, { zoom }),
      [DELIVER_CHAT_FILE_JOB]: deliverChatFileJob(services, { zoom }),
      [CARD_REFRESH_JOB]: {
        run: async ({ meetingUuid, chatId }) => {
          await cards.refresh(meetingUuid, chatId);
        },
      },
      [PARTS_TIMEOUT_JOB]: meetingPartsTimeoutJob(services),
      [RESEND_PART_JOB]: resendPartJob(services),
      [TRASH_RECORDING_JOB]: trashRecordingJob(services),
      [RECORDING_CHANGED_CARD_JOB]: recordingChangedCardJob(services),
    },
  };
}
