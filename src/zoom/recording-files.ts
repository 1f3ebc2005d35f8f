/**
 * Pure choices over a meeting's `recording_files[]`: which file is the audio, the video, the
 * transcript, whether a file can be fetched yet, and a key that names a file across duplicate
 * deliveries. File types and recording types are open enums (`reference/zoom.md` §4.4), so
 * matching is case-insensitive and anything unrecognized is simply not picked.
 */

/** The fields these helpers read; `ZoomRecordingFile` from `events.ts` satisfies it. */
export interface RecordingFileLike {
  id?: string | undefined;
  file_type: string;
  file_extension?: string | undefined;
  status?: string | undefined;
  recording_type?: string | undefined;
  recording_start?: string | undefined;
  download_url?: string | undefined;
}

const same = (value: string | undefined, expected: string): boolean => value?.toLowerCase() === expected;

/**
 * True when the file can be downloaded now: it has a `download_url` and its `status` is
 * `completed`. CC and TIMELINE files carry no `status` at all (zoom.md §4.4) and only appear once
 * written, so a missing status counts as ready; any other status (older docs mention
 * `processing`, UNCONFIRMED) does not.
 */
export function isFileReady(file: RecordingFileLike): boolean {
  if (!file.download_url) return false;
  return file.status === undefined || same(file.status, "completed");
}

/**
 * A stable name for a file within its meeting, for per-file deduplication (zoom.md §6.1: duplicate
 * deliveries differ in `download_url`, so the URL is never part of it). CC and TIMELINE files have
 * no id, and a meeting has at most one of each per recording segment, so type plus segment start
 * names them.
 */
export function fileKey(file: RecordingFileLike): string {
  if (file.id) return file.id;
  return `${file.file_type.toUpperCase()}:${file.recording_start ?? ""}`;
}

/** Chronological order; files without a start keep their place after those with one. */
function byRecordingStart<F extends RecordingFileLike>(files: readonly F[]): F[] {
  const start = (file: F): number => {
    const ms = file.recording_start === undefined ? Number.NaN : Date.parse(file.recording_start);
    return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
  };
  // Array.prototype.sort is stable, so equal starts keep Zoom's order.
  return [...files].sort((a, b) => start(a) - start(b));
}

function isAudio(file: RecordingFileLike): boolean {
  // `audio_interpretation` is also M4A but holds one interpreter's language channel (zoom.md §4.4).
  return (
    same(file.recording_type, "audio_only") &&
    (same(file.file_type, "m4a") || same(file.file_extension, "m4a"))
  );
}

function isTranscript(file: RecordingFileLike): boolean {
  // CC (closed captions) is also VTT but is not the audio transcript.
  return same(file.file_type, "transcript") || same(file.recording_type, "audio_transcript");
}

/** Zoom's in-meeting chat, saved as text (`CHAT` / `chat_file`, TXT; zoom.md §4.4). */
function isChatFile(file: RecordingFileLike): boolean {
  return same(file.file_type, "chat") || same(file.recording_type, "chat_file");
}

function isVideo(file: RecordingFileLike): boolean {
  // The REST example has `file_type: "MP4"` with `file_extension: "M4A"` (zoom.md §4.1); when the
  // two disagree we cannot tell what the bytes are, so such a file is not offered as the video.
  if (!same(file.file_type, "mp4")) return false;
  if (file.file_extension !== undefined && !same(file.file_extension, "mp4")) return false;
  return !same(file.recording_type, "audio_only");
}

/** Preferred video layouts, best first: the speaker with the shared screen, then the speaker alone. */
const VIDEO_PREFERENCE = [
  "shared_screen_with_speaker_view",
  "shared_screen_with_speaker_view(cc)",
  "active_speaker",
  "speaker_view",
  "shared_screen_with_gallery_view",
  "gallery_view",
];

function videoRank(file: RecordingFileLike): number {
  const index = VIDEO_PREFERENCE.indexOf(file.recording_type?.toLowerCase() ?? "");
  return index === -1 ? VIDEO_PREFERENCE.length : index;
}

/**
 * Every ready `audio_only` M4A, in recording order. Stopping and restarting a recording makes a
 * new file per segment (zoom.md §4.3), so one meeting can have several.
 */
export function pickAudioFiles<F extends RecordingFileLike>(files: readonly F[]): F[] {
  return byRecordingStart(files.filter((file) => isAudio(file) && isFileReady(file)));
}

/** The first segment's ready `audio_only` M4A, if any. */
export function pickAudioFile<F extends RecordingFileLike>(files: readonly F[]): F | undefined {
  return pickAudioFiles(files)[0];
}

/** Every ready audio transcript (`TRANSCRIPT` / `audio_transcript`, WebVTT), in recording order. */
export function pickTranscriptFiles<F extends RecordingFileLike>(files: readonly F[]): F[] {
  return byRecordingStart(files.filter((file) => isTranscript(file) && isFileReady(file)));
}

/** Every ready in-meeting chat file (`CHAT` / `chat_file`, TXT), in recording order. */
export function pickChatFiles<F extends RecordingFileLike>(files: readonly F[]): F[] {
  return byRecordingStart(files.filter((file) => isChatFile(file) && isFileReady(file)));
}

/** The first segment's ready transcript, if any. */
export function pickTranscriptFile<F extends RecordingFileLike>(files: readonly F[]): F | undefined {
  return pickTranscriptFiles(files)[0];
}

/**
 * The best ready MP4: shared screen with speaker, then active speaker / speaker view, then any
 * other MP4 layout (gallery, shared screen only, host video, unknown). Ties go to the earliest
 * segment.
 */
export function pickVideoFile<F extends RecordingFileLike>(files: readonly F[]): F | undefined {
  const videos = byRecordingStart(files.filter((file) => isVideo(file) && isFileReady(file)));
  let best: F | undefined;
  for (const file of videos) {
    if (best === undefined || videoRank(file) < videoRank(best)) best = file;
  }
  return best;
}
