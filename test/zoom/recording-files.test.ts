import { describe, expect, it } from "vitest";
import { parseZoomEvent, recordingMeetingSchema, type ZoomRecordingFile } from "../../src/zoom/events.js";
import {
  fileKey,
  isFileReady,
  pickAudioFile,
  pickAudioFiles,
  pickTranscriptFile,
  pickTranscriptFiles,
  pickVideoFile,
  type RecordingFileLike,
} from "../../src/zoom/recording-files.js";
import { loadZoomFixture } from "../support/fixtures.js";

function filesOf(fixture: string): ZoomRecordingFile[] {
  const result = parseZoomEvent(loadZoomFixture(fixture));
  if (result.kind !== "ok") throw new Error(`${fixture} did not parse`);
  const { event } = result;
  if (event.event !== "recording.completed" && event.event !== "recording.transcript_completed") {
    throw new Error(`${fixture} is not a recording event`);
  }
  return event.payload.object.recording_files;
}

let counter = 0;
function file(
  overrides: Partial<RecordingFileLike> & Pick<RecordingFileLike, "file_type">,
): RecordingFileLike {
  counter += 1;
  return {
    id: `id-${counter}`,
    status: "completed",
    recording_start: "2025-01-01T10:00:00Z",
    download_url: `https://us02web.zoom.us/rec/webhook_download/${counter}`,
    ...overrides,
  };
}

const audio = (o: Partial<RecordingFileLike> = {}) =>
  file({ file_type: "M4A", file_extension: "M4A", recording_type: "audio_only", ...o });
const video = (recording_type: string, o: Partial<RecordingFileLike> = {}) =>
  file({ file_type: "MP4", file_extension: "MP4", recording_type, ...o });
const transcript = (o: Partial<RecordingFileLike> = {}) =>
  file({ file_type: "TRANSCRIPT", file_extension: "VTT", recording_type: "audio_transcript", ...o });
const cc = (o: Partial<RecordingFileLike> = {}) =>
  file({ id: undefined, status: undefined, file_type: "CC", file_extension: "VTT", ...o });

describe("on the official examples", () => {
  const completed = filesOf("recording.completed.official-example.json");

  it("picks the audio_only M4A and the shared-screen MP4 of recording.completed", () => {
    expect(pickAudioFile(completed)?.id).toBe("ed6c2f27-2ae7-42f4-b3d0-835b493e4fa8");
    expect(pickVideoFile(completed)?.id).toBe("388ffb46-1541-460d-8447-4624451a1db7");
    expect(pickTranscriptFile(completed)).toBeUndefined();
  });

  it("picks the transcript of recording.transcript_completed", () => {
    const files = filesOf("recording.transcript_completed.official-example.json");
    expect(pickTranscriptFile(files)?.file_type).toBe("TRANSCRIPT");
    expect(pickAudioFile(files)).toBeUndefined();
    expect(pickVideoFile(files)).toBeUndefined();
  });

  it("does not take the REST example's MP4-typed M4A as audio or video (zoom.md §4.1)", () => {
    const meeting = recordingMeetingSchema.parse(
      loadZoomFixture("get-meeting-recordings.response.official-example.json"),
    );
    expect(pickVideoFile(meeting.recording_files)).toBeUndefined();
    expect(pickAudioFile(meeting.recording_files)).toBeUndefined();
  });
});

describe("isFileReady", () => {
  it.each<[string, Partial<RecordingFileLike>, boolean]>([
    ["completed with a URL", {}, true],
    ["COMPLETED in capitals", { status: "COMPLETED" }, true],
    ["processing", { status: "processing" }, false],
    ["an unknown status", { status: "failed" }, false],
    ["no URL", { download_url: undefined }, false],
    ["an empty URL", { download_url: "" }, false],
    ["no status (CC, TIMELINE)", { status: undefined }, true],
  ])("%s → %s", (_label, overrides, ready) => {
    expect(isFileReady(audio(overrides))).toBe(ready);
  });
});

describe("fileKey", () => {
  it("is the file id when there is one", () => {
    expect(fileKey(audio({ id: "abc" }))).toBe("abc");
  });

  it("is type and segment start for files without id, stable across deliveries", () => {
    const first = cc({ recording_start: "2021-03-23T22:14:57Z", download_url: "https://a.zoom.us/1" });
    const again = cc({ recording_start: "2021-03-23T22:14:57Z", download_url: "https://b.zoom.us/2" });
    expect(fileKey(first)).toBe("CC:2021-03-23T22:14:57Z");
    expect(fileKey(again)).toBe(fileKey(first));
  });

  it("tells CC and TIMELINE of one segment apart, and one segment from the next", () => {
    const start = "2021-03-23T22:14:57Z";
    const keys = [
      cc({ recording_start: start }),
      file({ id: undefined, file_type: "TIMELINE", recording_start: start }),
      cc({ recording_start: "2021-03-23T23:00:00Z" }),
    ].map(fileKey);
    expect(new Set(keys).size).toBe(3);
  });

  it("treats an empty id as absent and normalizes the type's case", () => {
    expect(fileKey(file({ id: "", file_type: "cc", recording_start: "t" }))).toBe("CC:t");
    expect(fileKey(file({ id: undefined, file_type: "TIMELINE", recording_start: undefined }))).toBe(
      "TIMELINE:",
    );
  });
});

describe("pickAudioFile", () => {
  it("ignores interpretation channels, unfinished files and other types", () => {
    const files = [
      audio({ recording_type: "audio_interpretation" }),
      audio({ status: "processing" }),
      audio({ download_url: undefined }),
      video("active_speaker"),
      transcript(),
    ];
    expect(pickAudioFile(files)).toBeUndefined();
  });

  it("accepts lower-case types and an M4A extension under another file_type label", () => {
    expect(pickAudioFile([audio({ file_type: "m4a", recording_type: "AUDIO_ONLY" })])).toBeDefined();
    expect(pickAudioFile([audio({ file_type: "AUDIO", file_extension: "m4a" })])).toBeDefined();
  });

  it("lists every segment in recording order and picks the first", () => {
    const late = audio({ recording_start: "2025-01-01T11:00:00Z" });
    const early = audio({ recording_start: "2025-01-01T10:00:00Z" });
    const undated = audio({ recording_start: undefined });
    expect(pickAudioFiles([undated, late, early])).toEqual([early, late, undated]);
    expect(pickAudioFile([late, early])).toBe(early);
  });
});

describe("pickTranscriptFile", () => {
  it("matches by file_type or by recording_type, never CC", () => {
    expect(pickTranscriptFile([cc(), transcript({ recording_type: undefined })])?.file_type).toBe(
      "TRANSCRIPT",
    );
    expect(
      pickTranscriptFile([file({ file_type: "VTT", recording_type: "audio_transcript" })]),
    ).toBeDefined();
    expect(pickTranscriptFile([cc()])).toBeUndefined();
  });

  it("skips a transcript that is not ready and orders segments", () => {
    const second = transcript({ recording_start: "2025-01-01T12:00:00Z" });
    const first = transcript({ recording_start: "2025-01-01T09:00:00Z" });
    expect(pickTranscriptFiles([transcript({ status: "processing" }), second, first])).toEqual([
      first,
      second,
    ]);
  });
});

describe("pickVideoFile", () => {
  it.each<[string, string[], string]>([
    [
      "shared screen with speaker over everything",
      ["gallery_view", "active_speaker", "shared_screen_with_speaker_view"],
      "shared_screen_with_speaker_view",
    ],
    [
      "the (CC) variant next",
      ["speaker_view", "shared_screen_with_speaker_view(CC)"],
      "shared_screen_with_speaker_view(CC)",
    ],
    ["active speaker over gallery", ["gallery_view", "shared_screen", "active_speaker"], "active_speaker"],
    ["speaker view over host video", ["host_video", "speaker_view"], "speaker_view"],
    [
      "any MP4 when no speaker layout exists",
      ["shared_screen_with_gallery_view"],
      "shared_screen_with_gallery_view",
    ],
    ["an unknown layout as a last resort", ["brand_new_layout"], "brand_new_layout"],
  ])("prefers %s", (_label, layouts, expected) => {
    expect(pickVideoFile(layouts.map((layout) => video(layout)))?.recording_type).toBe(expected);
  });

  it("takes an MP4 with no recording_type or extension", () => {
    expect(pickVideoFile([file({ file_type: "MP4" })])).toBeDefined();
  });

  it("skips unready, audio-only and extension-contradicting MP4s", () => {
    const best = video("gallery_view");
    const files = [
      video("shared_screen_with_speaker_view", { status: "processing" }),
      video("active_speaker", { download_url: undefined }),
      video("speaker_view", { file_extension: "M4A" }),
      file({ file_type: "MP4", recording_type: "audio_only" }),
      best,
    ];
    expect(pickVideoFile(files)).toBe(best);
  });

  it("breaks ties by the earliest segment", () => {
    const late = video("active_speaker", { recording_start: "2025-01-01T11:00:00Z" });
    const early = video("active_speaker", { recording_start: "2025-01-01T10:00:00Z" });
    expect(pickVideoFile([late, early])).toBe(early);
  });

  it("returns undefined for no files", () => {
    expect(pickVideoFile([])).toBeUndefined();
    expect(pickAudioFile([])).toBeUndefined();
    expect(pickTranscriptFile([])).toBeUndefined();
  });
});
