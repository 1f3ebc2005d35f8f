import { join } from "node:path";
import { addAudioMeeting, meetingUuid, startFakes } from "./lib/fixtures.js";
import { makeLongAudio } from "./lib/media.js";
import { ChildTracker, MemorySampler } from "./lib/proc.js";
import { startZoomgram, waitForLog } from "./lib/processes.js";
import { postWebhook, prepareService } from "./lib/setup.js";

export interface FfmpegRun {
  kind: "transcode" | "split" | "probe" | "other";
  wallMs: number;
}

export interface LargeResult {
  audioSeconds: number;
  bitrateKbps: number;
  sourceBytes: number;
  uploadLimitMb: number;
  /** Webhook sent → Telegram answered the last part. */
  wallMs: number;
  /** Every sendAudio/sendDocument upload Telegram accepted, in order. */
  uploads: Array<{ method: string; fileBytes: number; requestBytes: number }>;
  /** Uploads Telegram refused with 413. */
  refused413: number;
  rung: string | undefined;
  ffmpeg: FfmpegRun[];
  /** Audio seconds / transcode wall seconds. */
  transcodeSpeed: number | undefined;
  peakRss: number;
}

function classify(argv: string[]): FfmpegRun["kind"] {
  const cmd = argv.join(" ");
  if (/ffprobe/.test(argv[0] ?? "")) return "probe";
  if (/-f segment|-segment_time/.test(cmd)) return "split";
  if (/-b:a/.test(cmd)) return "transcode";
  return "other";
}

export async function runLarge(opts: { workDir: string; log: (line: string) => void }): Promise<LargeResult> {
  const bitrateKbps = 128;
  const media = await makeLongAudio({ bitrateKbps, seconds: 3 * 3600, name: "large-3h-128k" });
  const fakes = await startFakes({ uploadLimitMb: 50 });
  const service = await prepareService(fakes, { name: "large", uploadLimitMb: 50 });
  const child = await startZoomgram({
    role: "serve",
    env: service.env,
    logFile: join(opts.workDir, "large.log"),
    cpu: 1,
  });
  try {
    const uuid = addAudioMeeting(fakes, {
      uuid: meetingUuid("large"),
      path: media.path,
      durationMinutes: 180,
      topic: "Three-hour all-hands",
    });
    const tracker = new ChildTracker(child.pid, 20).start();
    const memory = new MemorySampler(child.pid, 50).start();
    const t0 = Date.now();
    const ack = await postWebhook(child.port as number, fakes.zoom.buildEvent("recording.completed", uuid));
    if (ack.status !== 200) throw new Error(`webhook answered ${ack.status}`);
    const done = await waitForLog(
      child,
      (log) => {
        const line = log.split("\n").find((l) => l.includes('"msg":"audio delivered"'));
        return line ? (JSON.parse(line) as { rung?: string; parts?: number }) : undefined;
      },
      10 * 60_000,
    );
    const sightings = tracker.stop();
    const peakRss = memory.stop();
    const uploads = fakes.tg.calls
      .filter((c) => (c.method === "sendAudio" || c.method === "sendDocument") && c.status === 200)
      .map((c) => ({ method: c.method, requestBytes: c.bytesReceived, at: c.at }));
    const files = fakes.tg.sent.filter((s) => s.files.length > 0).map((s) => s.files[0]?.size ?? 0);
    const lastAt = Math.max(...uploads.map((u) => u.at));
    // Only ffmpeg/ffprobe runs.
    const ffmpeg = sightings
      .filter((s) => /ff(mpeg|probe)$/.test(s.argv[0] ?? ""))
      .map((s) => ({ kind: classify(s.argv), wallMs: s.lastSeen - s.firstSeen }));
    const transcodeMs = ffmpeg.filter((f) => f.kind === "transcode").reduce((n, f) => n + f.wallMs, 0);
    const result: LargeResult = {
      audioSeconds: media.seconds,
      bitrateKbps,
      sourceBytes: media.bytes,
      uploadLimitMb: 50,
      wallMs: lastAt - t0,
      uploads: uploads.map((u, i) => ({
        method: u.method,
        requestBytes: u.requestBytes,
        fileBytes: files[i] ?? 0,
      })),
      refused413: fakes.tg.calls.filter((c) => c.status === 413).length,
      rung: done.rung,
      ffmpeg,
      transcodeSpeed: transcodeMs > 0 ? media.seconds / (transcodeMs / 1000) : undefined,
      peakRss,
    };
    opts.log(
      `  large: ${(result.wallMs / 1000).toFixed(1)} s, rung ${result.rung}, ${uploads.length} uploads (${result.uploads.map((u) => (u.fileBytes / 1e6).toFixed(1)).join(" + ")} MB), transcode ${result.transcodeSpeed?.toFixed(0)}× real time, 413s ${result.refused413}`,
    );
    return result;
  } finally {
    await child.stop();
    await fakes.close();
    service.remove();
  }
}
