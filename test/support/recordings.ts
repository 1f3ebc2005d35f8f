/**
 * A finished Zoom recording on the fake Zoom, as most delivery tests want one: one host's meeting
 * with an M4A, optionally Zoom's own transcript, and whatever other files the test is about.
 */
import type { AddMeetingInput, AddRecordingFileInput, FakeMeeting, FakeZoom } from "../fakes/fake-zoom.js";

export type RecordingInput = Omit<AddMeetingInput, "hostUserId" | "topic" | "start_time" | "files"> & {
  /** Default `Topic <uuid>`. */
  topic?: string;
  /** Default 2026-01-15 11:00 UTC. */
  start_time?: string;
  /** The M4A (audio_only) at this path. */
  audio?: string;
  /** A Zoom transcript (TRANSCRIPT, audio_transcript) with this text. */
  vtt?: string;
  /** Further files (videos, the chat file, …), listed after the audio and the transcript. */
  files?: AddRecordingFileInput[];
};

/** Adds the recording of `input.uuid`, hosted by `host`, to the fake Zoom. */
export function addRecording(
  zoom: FakeZoom,
  host: string | { id: string },
  input: RecordingInput,
): FakeMeeting {
  const { audio, vtt, files = [], ...meeting } = input;
  return zoom.addMeeting({
    hostUserId: typeof host === "string" ? host : host.id,
    topic: `Topic ${meeting.uuid}`,
    start_time: "2026-01-15T11:00:00Z",
    ...meeting,
    files: [
      ...(audio === undefined ? [] : [{ file_type: "M4A", recording_type: "audio_only", path: audio }]),
      ...(vtt === undefined
        ? []
        : [{ file_type: "TRANSCRIPT", recording_type: "audio_transcript", bytes: vtt }]),
      ...files,
    ],
  });
}

/** An MP4 of `recordingType` (`shared_screen_with_speaker_view`, `gallery_view`, …) at `path`. */
export function videoFile(recordingType: string, path: string): AddRecordingFileInput {
  return { file_type: "MP4", recording_type: recordingType, path };
}

/** A recording hosted by a Zoom user nobody connected (`stranger@example.com`, added to the fake now). */
export function addStrangersRecording(zoom: FakeZoom, input: RecordingInput): FakeMeeting {
  return addRecording(zoom, zoom.addUser({ email: "stranger@example.com" }), input);
}
