/**
 * Benchmark 2 — relay. A 100 MB and a 1 GiB M4A from the fake Zoom through Zoomgram (`serve`, one
 * fresh process per size, pinned to CPU 1) to the fake Telegram with a 2000 MB limit: the time
 * from the webhook to Telegram's answer to the upload, and the Zoomgram process's peak RSS
 * (VmHWM). Beside it, in the same run, `curl | curl` relaying the same file between the same fakes.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { curlRelay } from "./lib/curl-relay.js";
import { addAudioMeeting, type Fakes, meetingUuid, startFakes } from "./lib/fixtures.js";
import { makeLongAudio } from "./lib/media.js";
import { cpuSeconds, MemorySampler, readMemory } from "./lib/proc.js";
import { startZoomgram } from "./lib/processes.js";
import { CHAT_ID, postWebhook, prepareService } from "./lib/setup.js";

export interface RelayCase {
  label: string;
  bytes: number;
  audioSeconds: number;
  zoomgram: {
    wallMs: number;
    ackMs: number;
    /** VmHWM of the Zoomgram process over its whole life (start-up included). */
    peakRss: number;
    /** RSS right before the webhook, {@link IDLE_AFTER_MS} after start-up with nothing done (idle). */
    idleRss: number;
    /** RSS two seconds after start-up (just started: start-up's young generation still committed). */
    startRss?: number;
    /** CPU seconds the process spent from the webhook to Telegram's answer. */
    cpuSeconds: number;
    /** CPU seconds the harness (both fakes) spent meanwhile. */
    fakesCpuSeconds?: number;
    /**
     * From sending the webhook to Zoomgram asking the fake Zoom for the file's first byte: the
     * job's fixed steps (acknowledgement, inbox, job claim, recordings API call, meeting card).
     */
    downloadAskedMs?: number;
    uploadedBytes: number;
    sha256Match: boolean;
  };
  curl: {
    wallMs: number;
    downloaderPeakRss: number;
    uploaderPeakRss: number;
    cpuSeconds: number;
    /** CPU seconds the harness (both fakes) spent meanwhile. */
    fakesCpuSeconds?: number;
    sha256Match: boolean;
  };
  timeRatio: number;
}

export interface RelayResult {
  uploadLimitMb: number;
  cases: RelayCase[];
  mediaGenerationMs: number;
}

async function sha256File(path: string): Promise<string> {
  const cache = `${path}.sha256`;
  if (existsSync(cache)) return readFileSync(cache, "utf8").trim();
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const hex = hash.digest("hex");
  writeFileSync(cache, hex);
  return hex;
}

/**
 * When the idle figure is read: a process that has idled a while, not one that just started (at
 * two seconds V8 still holds the young generation start-up grew to; it lets go within seconds).
 */
export const IDLE_AFTER_MS = Number(process.env.BENCH_RELAY_IDLE_MS ?? 30_000);

/** Seconds of CPU in a process.cpuUsage() difference. */
const cpuOf = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/** The meeting's file from the fake Zoom to the fake Telegram by `curl | curl`, pinned to CPU 1. */
function curlRelayOf(fakes: Fakes, uuid: string) {
  const event = fakes.zoom.buildEvent("recording.completed", uuid) as {
    download_token: string;
    payload: { object: { recording_files: Array<{ download_url: string }> } };
  };
  return curlRelay({
    downloadUrl: event.payload.object.recording_files[0]?.download_url as string,
    bearer: event.download_token,
    uploadUrl: `${fakes.tg.url}/bot${fakes.tg.token}/sendAudio`,
    chatId: CHAT_ID,
    cpu: 1,
  });
}

async function relayOne(
  fakes: Fakes,
  media: { path: string; bytes: number; seconds: number; label: string },
  workDir: string,
  log: (line: string) => void,
): Promise<RelayCase> {
  const sha = await sha256File(media.path);
  const uuid = addAudioMeeting(fakes, {
    uuid: meetingUuid(`relay${media.label}`),
    path: media.path,
    durationMinutes: Math.round(media.seconds / 60),
    topic: `Relay ${media.label}`,
  });
  // One unmeasured curl | curl first, so both measured relays meet fakes already warmed up (JIT,
  // page cache): otherwise whichever runs second is measured against faster fakes.
  await curlRelayOf(fakes, uuid);
  const service = await prepareService(fakes, { name: "relay", uploadLimitMb: 2000 });
  const child = await startZoomgram({
    role: "serve",
    env: service.env,
    logFile: join(workDir, `relay-${media.label}.log`),
    cpu: 1,
  });
  try {
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const startRss = readMemory(child.pid)?.rss ?? 0;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, IDLE_AFTER_MS - (Date.now() - started))));
    const idleRss = readMemory(child.pid)?.rss ?? 0;
    const cpuBefore = cpuSeconds(child.pid) ?? 0;
    const sampler = new MemorySampler(child.pid, 50).start();
    const sentBefore = fakes.tg.sent.length;
    const harness0 = process.cpuUsage();
    const t0 = Date.now();
    const ack = await postWebhook(child.port as number, fakes.zoom.buildEvent("recording.completed", uuid));
    if (ack.status !== 200) throw new Error(`webhook answered ${ack.status}`);
    const sent = await fakes.tg.waitFor(
      () => fakes.tg.sent.slice(sentBefore).find((s) => s.method === "sendAudio" && s.files.length > 0),
      15 * 60_000,
    );
    const wallMs = sent.at - t0;
    const asked = fakes.zoom.requests.find((r) => r.at >= t0 && r.route === "download");
    const harnessCpu = cpuOf(process.cpuUsage(harness0));
    const cpu = (cpuSeconds(child.pid) ?? 0) - cpuBefore;
    const peakRss = sampler.stop();
    const file = sent.files[0];
    log(
      `  relay ${media.label}: Zoomgram ${(wallMs / 1000).toFixed(2)} s, peak RSS ${(peakRss / 1e6).toFixed(0)} MB (idle ${(idleRss / 1e6).toFixed(0)} MB, just started ${(startRss / 1e6).toFixed(0)} MB), CPU ${cpu.toFixed(2)} s`,
    );

    const curlBefore = fakes.tg.sent.length;
    const harness1 = process.cpuUsage();
    const curl = await curlRelayOf(fakes, uuid);
    const harnessCpuCurl = cpuOf(process.cpuUsage(harness1));
    const curlSent = fakes.tg.sent.slice(curlBefore).find((s) => s.method === "sendAudio");
    log(
      `  relay ${media.label}: curl|curl ${(curl.wallMs / 1000).toFixed(2)} s, peak RSS ${(curl.downloaderPeakRss / 1e6).toFixed(0)} MB + ${(curl.uploaderPeakRss / 1e6).toFixed(0)} MB, CPU ${curl.cpuSeconds.toFixed(2)} s, exit ${curl.exitCodes.join("/")}; the fakes' CPU ${harnessCpu.toFixed(2)} s with Zoomgram, ${harnessCpuCurl.toFixed(2)} s with curl`,
    );
    return {
      label: media.label,
      bytes: media.bytes,
      audioSeconds: media.seconds,
      zoomgram: {
        wallMs,
        ackMs: ack.ackAt - t0,
        peakRss,
        idleRss,
        startRss,
        cpuSeconds: cpu,
        fakesCpuSeconds: harnessCpu,
        ...(asked ? { downloadAskedMs: asked.at - t0 } : {}),
        uploadedBytes: file?.size ?? 0,
        sha256Match: file?.sha256 === sha,
      },
      curl: {
        wallMs: curl.wallMs,
        downloaderPeakRss: curl.downloaderPeakRss,
        uploaderPeakRss: curl.uploaderPeakRss,
        cpuSeconds: curl.cpuSeconds,
        fakesCpuSeconds: harnessCpuCurl,
        sha256Match: curlSent?.files[0]?.sha256 === sha,
      },
      timeRatio: wallMs / curl.wallMs,
    };
  } finally {
    await child.stop();
    service.remove();
  }
}

export async function runRelay(opts: { workDir: string; log: (line: string) => void }): Promise<RelayResult> {
  const t0 = Date.now();
  const sizes = [
    { label: "100MB", targetBytes: 100e6 },
    { label: "1GiB", targetBytes: 2 ** 30 },
  ].filter(
    (s) => !process.env.BENCH_RELAY_SIZES || process.env.BENCH_RELAY_SIZES.split(",").includes(s.label),
  );
  const media = [];
  for (const s of sizes) {
    const m = await makeLongAudio({
      bitrateKbps: 256,
      targetBytes: s.targetBytes,
      name: `relay-${s.label}-256k`,
    });
    media.push({ ...m, label: s.label });
  }
  const mediaGenerationMs = Date.now() - t0;
  opts.log(`relay: media ready in ${(mediaGenerationMs / 1000).toFixed(1)} s (cached under os.tmpdir())`);
  const fakes = await startFakes({ uploadLimitMb: 2000 });
  try {
    const cases: RelayCase[] = [];
    for (const m of media) cases.push(await relayOne(fakes, m, opts.workDir, opts.log));
    return { uploadLimitMb: 2000, cases, mediaGenerationMs };
  } finally {
    await fakes.close();
  }
}
