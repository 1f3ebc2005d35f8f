/**
 * Speech to text when Zoom gives no transcript (issue 16): the `transcribe-recording` job that
 * delivery enqueues at `recording.completed` (due STT_WAIT_MINUTES later), backed by the
 * OpenAI-compatible client at STT_API_URL. Without STT_API_URL the feature does nothing.
 */
import { TRANSCRIBE_RECORDING_JOB } from "../delivery/delivery-jobs.js";
import type { DeliveryServices } from "../delivery/delivery-services.js";
import type { FeatureParts } from "../services.js";
import { createSpeechClient, type SpeechClientOptions } from "../stt/speech-client.js";
import type { SpeechPieceLimits } from "./transcribe-audio.js";
import { transcribeRecordingJob } from "./transcribe-recording.job.js";

export interface SpeechFeatureOptions extends SpeechPieceLimits {
  /** Waits between a piece's retries (tests record them instead of sleeping). */
  sleep?: SpeechClientOptions["sleep"];
}

export function createSpeechFeature(
  services: DeliveryServices,
  options: SpeechFeatureOptions = {},
): FeatureParts {
  const { stt } = services.config;
  const client = stt.apiUrl
    ? createSpeechClient({
        url: stt.apiUrl,
        apiKey: stt.apiKey,
        model: stt.model,
        fetch: services.fetch,
        now: () => services.clock.now(),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      })
    : undefined;
  const limits: SpeechPieceLimits = {
    ...(options.maxPieceBytes !== undefined ? { maxPieceBytes: options.maxPieceBytes } : {}),
    ...(options.maxPieceSec !== undefined ? { maxPieceSec: options.maxPieceSec } : {}),
  };
  return { jobs: { [TRANSCRIBE_RECORDING_JOB]: transcribeRecordingJob(services, { client, limits }) } };
}
