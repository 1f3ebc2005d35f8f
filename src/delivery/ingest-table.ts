/**
 * Which ingestor handles which Zoom event (see src/delivery/ingest.ts for the contract). Adding
 * an event is one line here. Events without an entry (and unknown events) are acknowledged with
 * 200 and ignored: Zoom never retries a 2xx, and an unhandled event is not an error.
 */

import type { IngestTable } from "./ingest.js";
import { ingestAppDeauthorized } from "./ingest-deauthorize.js";
import { ingestRecordingRecovered, ingestRecordingRemoved } from "./ingest-lifecycle.js";
import { ingestRecordingCompleted } from "./ingest-recording.js";
import { ingestSummaryCompleted } from "./ingest-summary.js";
import { ingestTranscriptCompleted } from "./ingest-transcript.js";

export const ingestors: IngestTable = {
  "recording.completed": ingestRecordingCompleted,
  "recording.transcript_completed": ingestTranscriptCompleted,
  "meeting.summary_completed": ingestSummaryCompleted,
  app_deauthorized: ingestAppDeauthorized,
  "recording.trashed": ingestRecordingRemoved,
  "recording.deleted": ingestRecordingRemoved,
  "recording.recovered": ingestRecordingRecovered,
};
