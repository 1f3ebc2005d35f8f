/**
 * Which files of a recording become deliveries, decided when the event arrives and before the
 * files are necessarily downloadable: Zoom may announce files still `processing` (zoom.md §6.4),
 * and the job waits for them. So these choices ignore readiness; the job checks it.
 *
 * - Audio: every `audio_only` M4A segment (stopping and restarting a recording makes one per
 *   segment, zoom.md §4.3); without any, the best MP4, whose audio track the job extracts.
 * - Transcript: every `audio_transcript` VTT (usually announced later, in its own event).
 * - Chat file: every in-meeting chat TXT (`CHAT`), when the chat chose it.
 */
import {
  pickAudioFiles,
  pickChatFiles,
  pickTranscriptFiles,
  pickVideoFile,
  type RecordingFileLike,
} from "../zoom/recording-files.js";

/** The picks in recording-files.ts skip files that are not ready yet; here they must not. */
function asIfReady<F extends RecordingFileLike>(files: readonly F[]): Array<F & { original: F }> {
  return files.map((file) => ({
    ...file,
    status: "completed",
    download_url: file.download_url ?? "about:blank",
    original: file,
  }));
}

export interface AudioSources<F> {
  files: F[];
  /** `m4a`: Zoom's audio-only files; `mp4`: no audio file, the audio comes out of the video. */
  from: "m4a" | "mp4" | "none";
}

export function chooseAudioSources<F extends RecordingFileLike>(files: readonly F[]): AudioSources<F> {
  const view = asIfReady(files);
  const audio = pickAudioFiles(view).map((f) => f.original);
  if (audio.length > 0) return { files: audio, from: "m4a" };
  const video = pickVideoFile(view)?.original;
  return video ? { files: [video], from: "mp4" } : { files: [], from: "none" };
}

/**
 * Video, when the chat chose it: the best MP4 — shared screen with speaker, else speaker, else
 * gallery, else any other layout (src/zoom/recording-files.ts `pickVideoFile`).
 */
export function chooseVideo<F extends RecordingFileLike>(files: readonly F[]): F[] {
  const video = pickVideoFile(asIfReady(files))?.original;
  return video ? [video] : [];
}

export function chooseTranscripts<F extends RecordingFileLike>(files: readonly F[]): F[] {
  return pickTranscriptFiles(asIfReady(files)).map((f) => f.original);
}

export function chooseChatFiles<F extends RecordingFileLike>(files: readonly F[]): F[] {
  return pickChatFiles(asIfReady(files)).map((f) => f.original);
}

/** True when the file is an MP4 video (its audio has to be extracted). */
export function isVideoFile(file: Pick<RecordingFileLike, "file_type" | "file_extension">): boolean {
  return file.file_type.toUpperCase() === "MP4" && (file.file_extension ?? "MP4").toUpperCase() === "MP4";
}
