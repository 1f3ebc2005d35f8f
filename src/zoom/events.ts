/**
 * Schemas for the Zoom webhook events Zoomgram acts on, and the one entry point that classifies a
 * parsed body. Zoom's payloads drift between documentation versions (`reference/zoom.md` §2, §9),
 * so the schemas are lenient about types and optional fields, keep unknown keys, and treat enums
 * as open; they are strict only about what routing, deduplication and downloads rely on: the
 * meeting UUID, the host and account ids, file sizes and download URLs.
 */

import { z } from "zod";
import { stripPasscodes } from "./passcodes.js";

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const nonEmptyString = z.string().min(1);

/** `null` is read as "absent": REST and webhook examples differ on whether they omit or null a field. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/**
 * A display-only field: a value of an unexpected type becomes `undefined` instead of rejecting the
 * whole event, because losing a delivery over a cosmetic field is worse than a blank caption.
 */
function cosmetic<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

/** A display-only string (see {@link cosmetic}): names, emails, times shown in a caption. */
const cosmeticString = cosmetic(z.string());

/** A number that Zoom sometimes sends as a decimal string (`type: "1"` in zoom.md §4.1). */
const lenientNumber = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);

/**
 * The meeting number: a number in recording events, a string in `meeting.started` (zoom.md §6.6).
 * Normalized to its decimal string so callers never branch on the type.
 */
const meetingNumber = z
  .union([z.int().nonnegative(), nonEmptyString])
  .transform((value) => (typeof value === "number" ? String(value) : value));

/** Download URLs are fetched (with a bearer token) later, so they must at least be http(s) URLs. */
const httpUrl = z.url({ protocol: /^https?$/ });

/** Keeps the strings of a list and drops anything else, for lists that are only displayed. */
const stringList = z
  .array(z.unknown())
  .transform((items) => items.filter((item): item is string => typeof item === "string"));

/** `user_data_retention` is a bool in ZoomNet and the string `"false"` in the official example (zoom.md §2.5). */
const lenientBoolean = z.union([
  z.boolean(),
  z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(["true", "false"]))
    .transform((value) => value === "true"),
]);

/** `event_ts` (ms) only feeds latency metrics; it is absent or a string in some sources (zoom.md §9.8). */
const eventTimestamp = cosmetic(lenientNumber);

/** An event's `payload`: the account it comes from (always there), and the event's own fields. */
function accountPayload<F extends z.core.$ZodLooseShape>(fields: F) {
  return z.looseObject({ account_id: nonEmptyString, ...fields });
}

/** The envelope of every event: its name, `event_ts` and the event's own payload. */
function eventSchema<N extends string, P extends z.ZodType>(name: N, payload: P) {
  return z.looseObject({ event: z.literal(name), event_ts: eventTimestamp, payload });
}

// ---------------------------------------------------------------------------------------------
// Recordings (zoom.md §2.2, §2.3, §4.1, §4.4)
// ---------------------------------------------------------------------------------------------

/**
 * One entry of `recording_files[]`. `id`, `status`, `file_size`, `recording_type` and `play_url`
 * are absent for `CC` and `TIMELINE` files (zoom.md §4.4); `file_type` and `recording_type` are
 * open enums.
 */
export const recordingFileSchema = z.looseObject({
  id: optional(nonEmptyString),
  /** The meeting instance UUID, despite its name. */
  meeting_id: cosmeticString,
  file_type: nonEmptyString,
  file_extension: cosmeticString,
  file_name: cosmeticString,
  /** Bytes; decides the upload strategy before downloading (zoom.md §4.3). */
  file_size: optional(z.int().nonnegative()),
  download_url: optional(httpUrl),
  play_url: cosmeticString,
  status: optional(z.string()),
  recording_type: optional(z.string()),
  recording_start: cosmeticString,
  recording_end: cosmeticString,
});
export type ZoomRecordingFile = z.output<typeof recordingFileSchema>;

/**
 * A recorded meeting instance: `payload.object` of the recording events, and also the body of
 * `GET /meetings/{uuid}/recordings` (zoom.md §4.1), which has the same fields at top level.
 */
export const recordingMeetingSchema = z.looseObject({
  /** The meeting instance UUID: the dedupe key (zoom.md §6.1) and the REST path id (§4.2). */
  uuid: nonEmptyString,
  id: meetingNumber,
  host_id: nonEmptyString,
  account_id: cosmeticString,
  host_email: cosmeticString,
  topic: z.string(),
  type: cosmetic(z.union([z.number(), z.string()])),
  start_time: z.string(),
  timezone: cosmeticString,
  /** Minutes. */
  duration: cosmetic(lenientNumber),
  share_url: cosmeticString,
  total_size: cosmetic(lenientNumber),
  recording_count: cosmetic(lenientNumber),
  recording_files: z.array(recordingFileSchema),
  participant_audio_files: cosmetic(z.array(recordingFileSchema)),
});
export type ZoomRecordingMeeting = z.output<typeof recordingMeetingSchema>;

const recordingPayloadSchema = accountPayload({ object: recordingMeetingSchema });

/**
 * The webhook's 24 h download token (zoom.md §2.2). Optional for transcripts in Rivet's types
 * (§2.3); a malformed one is dropped so the caller falls back to the user's OAuth token.
 */
const downloadToken = cosmetic(nonEmptyString);

/** A recording event (completed, transcript, lifecycle): the envelope plus the download token. */
function recordingEventSchema<N extends string, P extends z.ZodType>(name: N, payload: P) {
  return eventSchema(name, payload).extend({ download_token: downloadToken });
}

export const recordingCompletedEventSchema = recordingEventSchema(
  "recording.completed",
  recordingPayloadSchema,
);
export type RecordingCompletedEvent = z.output<typeof recordingCompletedEventSchema>;
export const recordingTranscriptCompletedEventSchema = recordingEventSchema(
  "recording.transcript_completed",
  recordingPayloadSchema,
);
export type RecordingTranscriptCompletedEvent = z.output<typeof recordingTranscriptCompletedEventSchema>;

// ---------------------------------------------------------------------------------------------
// Recording lifecycle (zoom.md §11.4): trashed, deleted, recovered
// ---------------------------------------------------------------------------------------------

/**
 * `payload.object` of the lifecycle events: the meeting (uuid, id, host_id) and, when Zoom lists
 * them, the files the change concerns — a single file moved to the trash lists only that one. The
 * files' URLs are never fetched from these events, so only `file_type` and the ids must be there.
 */
const recordingLifecycleObjectSchema = z.looseObject({
  uuid: nonEmptyString,
  id: cosmetic(meetingNumber),
  host_id: nonEmptyString,
  account_id: cosmeticString,
  topic: cosmeticString,
  start_time: cosmeticString,
  recording_files: optional(z.array(recordingFileSchema)),
});

const recordingLifecyclePayloadSchema = accountPayload({
  /** Who did it (an email) and their user id: shown nowhere, kept out of the audit row's logic. */
  operator: cosmeticString,
  operator_id: cosmeticString,
  object: recordingLifecycleObjectSchema,
});

const recordingLifecycleEventSchema = <N extends string>(name: N) =>
  recordingEventSchema(name, recordingLifecyclePayloadSchema);

export const recordingTrashedEventSchema = recordingLifecycleEventSchema("recording.trashed");
export type RecordingTrashedEvent = z.output<typeof recordingTrashedEventSchema>;
export const recordingDeletedEventSchema = recordingLifecycleEventSchema("recording.deleted");
export type RecordingDeletedEvent = z.output<typeof recordingDeletedEventSchema>;
export const recordingRecoveredEventSchema = recordingLifecycleEventSchema("recording.recovered");
export type RecordingRecoveredEvent = z.output<typeof recordingRecoveredEventSchema>;

// ---------------------------------------------------------------------------------------------
// Meeting summary (zoom.md §2.4)
// ---------------------------------------------------------------------------------------------

const summaryDetailSchema = z.looseObject({
  label: cosmeticString,
  summary: cosmeticString,
});

/**
 * The summary text in either documented shape, every field optional: Rivet's
 * `summary_overview` / `summary_details[]` / `next_steps[]`, or ZoomNet's (newer) Markdown
 * `summary_content` with `summary_doc_url`. `GET /meetings/{uuid}/meeting_summary` returns these
 * names at top level, so this schema also parses that response.
 */
export const meetingSummaryContentSchema = z.looseObject({
  summary_title: cosmeticString,
  summary_overview: cosmeticString,
  summary_details: cosmetic(z.array(summaryDetailSchema)),
  next_steps: cosmetic(stringList),
  summary_content: cosmeticString,
  summary_doc_url: cosmetic(httpUrl),
});
export type MeetingSummaryContent = z.output<typeof meetingSummaryContentSchema>;

/** `payload.object` of `meeting.summary_completed`: the summary plus the meeting it belongs to. */
export const meetingSummaryObjectSchema = meetingSummaryContentSchema.extend({
  meeting_uuid: nonEmptyString,
  meeting_host_id: nonEmptyString,
  meeting_host_email: cosmeticString,
  meeting_id: cosmetic(meetingNumber),
  meeting_topic: cosmeticString,
  meeting_start_time: cosmeticString,
  meeting_end_time: cosmeticString,
  summary_start_time: cosmeticString,
  summary_end_time: cosmeticString,
  summary_created_time: cosmeticString,
  summary_last_modified_time: cosmeticString,
});
export type MeetingSummaryObject = z.output<typeof meetingSummaryObjectSchema>;

/** Has no `download_token` and no files: the summary is inline (zoom.md §2.4). */
export const meetingSummaryCompletedEventSchema = eventSchema(
  "meeting.summary_completed",
  accountPayload({ object: meetingSummaryObjectSchema }),
);
export type MeetingSummaryCompletedEvent = z.output<typeof meetingSummaryCompletedEventSchema>;

// ---------------------------------------------------------------------------------------------
// Deauthorization (zoom.md §2.5, §3.8) and CRC (§1.6)
// ---------------------------------------------------------------------------------------------

export const appDeauthorizedEventSchema = eventSchema(
  "app_deauthorized",
  accountPayload({
    user_id: nonEmptyString,
    client_id: cosmeticString,
    deauthorization_time: cosmeticString,
    /** An id for this deauthorization, not a webhook signature (zoom.md §2.5). */
    signature: cosmeticString,
    /**
     * `true` lets the app keep data past ten days; `false` or absent means delete within ten days
     * (zoom.md §3.8). An unreadable value becomes `undefined`, which callers treat like `false`.
     */
    user_data_retention: cosmetic(lenientBoolean),
    /** ZoomNet puts a `"2024-09-08 15:58:40"` string here (zoom.md §2.5). */
    event_ts: cosmetic(z.union([z.number(), z.string()])),
  }),
);
export type AppDeauthorizedEvent = z.output<typeof appDeauthorizedEventSchema>;

export const urlValidationEventSchema = eventSchema(
  "endpoint.url_validation",
  z.looseObject({ plainToken: nonEmptyString }),
);
export type UrlValidationEvent = z.output<typeof urlValidationEventSchema>;

// ---------------------------------------------------------------------------------------------
// Types and classification
// ---------------------------------------------------------------------------------------------

/** A change to a recording made in Zoom: moved to the trash, deleted for good, or restored. */
export type RecordingLifecycleEvent = RecordingTrashedEvent | RecordingDeletedEvent | RecordingRecoveredEvent;

/** Every event Zoomgram acts on, discriminated by `event`. */
export type ZoomEvent =
  | RecordingCompletedEvent
  | RecordingTranscriptCompletedEvent
  | MeetingSummaryCompletedEvent
  | AppDeauthorizedEvent
  | RecordingLifecycleEvent
  | UrlValidationEvent;

export type ZoomEventName = ZoomEvent["event"];

const eventSchemas = {
  "recording.completed": recordingCompletedEventSchema,
  "recording.transcript_completed": recordingTranscriptCompletedEventSchema,
  "meeting.summary_completed": meetingSummaryCompletedEventSchema,
  app_deauthorized: appDeauthorizedEventSchema,
  "recording.trashed": recordingTrashedEventSchema,
  "recording.deleted": recordingDeletedEventSchema,
  "recording.recovered": recordingRecoveredEventSchema,
  "endpoint.url_validation": urlValidationEventSchema,
} satisfies Record<ZoomEventName, z.ZodType>;

/** The event names {@link parseZoomEvent} recognizes. */
export const ZOOM_EVENT_NAMES = Object.freeze(Object.keys(eventSchemas)) as readonly ZoomEventName[];

export type ParsedZoomEvent =
  | { kind: "ok"; event: ZoomEvent }
  /** A well-formed envelope for an event we do not handle: acknowledge with 200 (zoom.md §1.7). */
  | { kind: "unknown"; event: string }
  /** Not an event we can act on; `issues` are `path: message` lines, free of payload values. */
  | { kind: "invalid"; issues: string[] };

function isKnownEvent(name: string): name is ZoomEventName {
  return Object.hasOwn(eventSchemas, name);
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}

/**
 * Classifies a webhook body that already passed signature verification and `JSON.parse`.
 * Only the envelope's `event` decides between "unknown" and the per-event schema, so a new Zoom
 * event never fails validation and an unexpected shape of a known one is reported, not guessed at.
 */
export function parseZoomEvent(json: unknown): ParsedZoomEvent {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { kind: "invalid", issues: ["(root): expected a JSON object"] };
  }
  const name = (json as { event?: unknown }).event;
  if (typeof name !== "string" || name.length === 0) {
    return { kind: "invalid", issues: ["event: expected a non-empty string"] };
  }
  if (!isKnownEvent(name)) return { kind: "unknown", event: name };

  // Passcodes never get further than this (issue #13, item 5).
  const result = eventSchemas[name].safeParse(stripPasscodes(json));
  if (!result.success) return { kind: "invalid", issues: formatIssues(result.error) };
  return { kind: "ok", event: result.data as ZoomEvent };
}

// ---------------------------------------------------------------------------------------------
// Summary normalization
// ---------------------------------------------------------------------------------------------

/** A meeting summary independent of which of Zoom's shapes carried it. */
export interface NormalizedMeetingSummary {
  title?: string;
  overview?: string;
  /** Rivet's `summary_details`, in order; entries without text are dropped. */
  sections: { label: string; text: string }[];
  nextSteps: string[];
  /** ZoomNet's / the REST API's Markdown `summary_content`. */
  markdown?: string;
  /** A link to the summary document in Zoom. */
  docUrl?: string;
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads a summary from a `meeting.summary_completed` `payload.object` or a
 * `GET /meetings/{uuid}/meeting_summary` body, in either documented shape (zoom.md §2.4, §9.7).
 * When both shapes are present (the REST API still sends the deprecated fields) both are kept;
 * the renderer decides which to show. Input that is not an object yields an empty summary.
 */
export function normalizeMeetingSummary(obj: unknown): NormalizedMeetingSummary {
  const parsed = meetingSummaryContentSchema.safeParse(obj);
  const summary: NormalizedMeetingSummary = { sections: [], nextSteps: [] };
  if (!parsed.success) return summary;
  const data = parsed.data;

  const title = text(data.summary_title);
  const overview = text(data.summary_overview);
  const markdown = text(data.summary_content);
  if (title !== undefined) summary.title = title;
  if (overview !== undefined) summary.overview = overview;
  if (markdown !== undefined) summary.markdown = markdown;
  if (data.summary_doc_url !== undefined) summary.docUrl = data.summary_doc_url;

  for (const detail of data.summary_details ?? []) {
    const body = text(detail.summary);
    if (body !== undefined) summary.sections.push({ label: text(detail.label) ?? "", text: body });
  }
  for (const step of data.next_steps ?? []) {
    const line = text(step);
    if (line !== undefined) summary.nextSteps.push(line);
  }
  return summary;
}
