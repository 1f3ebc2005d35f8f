import { audioStreamOf, noAudioClassifier, runFfmpeg } from "./run-ffmpeg.js";

export { isMediaError, MediaError, type MediaErrorCode } from "./media-error.js";
export { type AudioPart, type SplitAudioOptions, splitAudio } from "./split-audio.js";

/**
 * Copies the first audio stream of a Zoom MP4 into an M4A without re-encoding (Zoom records AAC,
 * which the M4A container takes as is), so it costs disk I/O only and loses no quality. The `moov`
 * atom goes first (`+faststart`) so players can start before the whole file has arrived.
 * Throws MediaError `no_audio` when the input has no audio stream.
 */
export async function extractAudio(
  ffmpeg: string,
  inputMp4: string,
  outputM4a: string,
  signal?: AbortSignal,
): Promise<void> {
  await runFfmpeg(
    ffmpeg,
    [...audioStreamOf(inputMp4), "-c:a", "copy", "-movflags", "+faststart", outputM4a],
    { what: "audio extraction", outputs: [outputM4a], signal, classify: noAudioClassifier(inputMp4) },
  );
}

export interface SpeechAacOptions {
  /** Target AAC bit rate; default 48 kbit/s, plenty for a mono meeting voice. */
  bitrateKbps?: number;
  /** Default 1 (mono): meeting audio gains nothing from stereo and it halves the size. */
  channels?: number;
}

/**
 * Re-encodes any input's first audio stream to AAC-LC for speech, in an M4A/MP4 named by the
 * output's extension, `moov` first. Used when the original is over the upload budget.
 * Throws MediaError `no_audio` when the input has no audio stream.
 */
export async function transcodeSpeechAac(
  ffmpeg: string,
  input: string,
  output: string,
  options: SpeechAacOptions = {},
  signal?: AbortSignal,
): Promise<void> {
  const { bitrateKbps = 48, channels = 1 } = options;
  await runFfmpeg(
    ffmpeg,
    [
      ...audioStreamOf(input),
      "-c:a",
      "aac",
      "-b:a",
      `${bitrateKbps}k`,
      "-ac",
      String(channels),
      "-movflags",
      "+faststart",
      output,
    ],
    { what: "speech transcode", outputs: [output], signal, classify: noAudioClassifier(input) },
  );
}
