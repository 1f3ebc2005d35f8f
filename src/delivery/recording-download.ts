/**
 * A recording file downloaded the way every job of the service downloads one (the audio, the
 * transcript and chat file, speech to text): downloadRecording (src/zoom/download.ts) through the
 * ZOOM_DOWNLOAD_HOSTS policy, at most MAX_RECORDING_MB, with the service's fetch, Zoom timeouts,
 * clock and randomness, every byte counted in the downloaded-bytes metric.
 */
import type { Services } from "../services.js";
import { type DownloadRecordingOptions, type DownloadResult, downloadRecording } from "../zoom/download.js";

export interface RecordingFileDownload
  extends Pick<
    DownloadRecordingOptions,
    "url" | "tokens" | "destination" | "signal" | "attempt" | "onWritten" | "onRestart"
  > {
  /** Zoom's `file_size`, when it gave one: the download must end at exactly this many bytes. */
  expectedBytes: number | undefined;
  /** A lower cap than MAX_RECORDING_MB, for files that must be small (a transcript). */
  maxBytes?: number;
}

export function downloadRecordingFile(
  services: Pick<Services, "config" | "fetch" | "clock" | "random" | "metrics">,
  input: RecordingFileDownload,
): Promise<DownloadResult> {
  const { expectedBytes, maxBytes, ...rest } = input;
  const recordingLimit = services.config.media.maxRecordingMb * 1_000_000;
  return downloadRecording({
    ...rest,
    allowedHosts: services.config.zoom.downloadHosts,
    ...(expectedBytes !== undefined ? { expectedBytes } : {}),
    maxBytes: maxBytes === undefined ? recordingLimit : Math.min(maxBytes, recordingLimit),
    fetch: services.fetch,
    timeouts: services.config.zoom.timeouts,
    now: () => services.clock.now(),
    random: services.random,
    onBytes: (n) => services.metrics.bytesDownloaded.inc(n),
  });
}
