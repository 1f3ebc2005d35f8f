import { join } from "node:path";
import { addAudioMeeting, meetingUuid, startFakes } from "./lib/fixtures.js";
import { makeShortAudio } from "./lib/media.js";
import { startZoomgram } from "./lib/processes.js";
import { prepareService, signedHeaders } from "./lib/setup.js";
import { type LatencySummary, summarize } from "./lib/stats.js";

export interface LatencyResult {
  meetings: number;
  fileBytes: number;
  /** Webhook sent → acknowledged. */
  ack: LatencySummary;
  /** Acknowledged → first byte of the sendAudio body at the fake Telegram. */
  ackToFirstByte: LatencySummary;
  /** Acknowledged → Telegram answered the upload. */
  ackToDelivered: LatencySummary;
}

const now = () => performance.timeOrigin + performance.now();

export async function runLatency(opts: {
  meetings?: number;
  workDir: string;
  log: (line: string) => void;
}): Promise<LatencyResult> {
  const meetings = opts.meetings ?? 100;
  const audio = await makeShortAudio(30);
  const fakes = await startFakes();
  const service = await prepareService(fakes, { name: "latency" });
  const child = await startZoomgram({
    role: "serve",
    env: service.env,
    logFile: join(opts.workDir, "latency.log"),
    cpu: 1,
  });
  const ack: number[] = [];
  const firstByte: number[] = [];
  const delivered: number[] = [];
  try {
    const url = `http://127.0.0.1:${child.port}/webhooks/zoom`;
    // One unmeasured meeting warms up the JIT, the token and the connections.
    for (let i = -1; i < meetings; i++) {
      const uuid = addAudioMeeting(fakes, {
        uuid: meetingUuid("latency"),
        path: audio.path,
        durationMinutes: 1,
        topic: `Latency ${i}`,
      });
      const callsBefore = fakes.tg.calls.length;
      const body = JSON.stringify(fakes.zoom.buildEvent("recording.completed", uuid));
      const sentAt = now();
      const res = await fetch(url, { method: "POST", headers: signedHeaders(body), body });
      await res.arrayBuffer();
      const ackAt = now();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      const call = await fakes.tg.waitFor(
        () => fakes.tg.calls.slice(callsBefore).find((c) => c.method === "sendAudio" && c.status === 200),
        60_000,
      );
      if (i < 0) continue;
      ack.push(ackAt - sentAt);
      firstByte.push((call.firstByteAt ?? call.at) - ackAt);
      delivered.push(call.at - ackAt);
    }
  } finally {
    await child.stop();
    await fakes.close();
    service.remove();
  }
  const result: LatencyResult = {
    meetings,
    fileBytes: audio.bytes,
    ack: summarize(ack),
    ackToFirstByte: summarize(firstByte),
    ackToDelivered: summarize(delivered),
  };
  opts.log(
    `  latency: ack p50 ${result.ack.p50.toFixed(1)} ms; ack → first byte p50 ${result.ackToFirstByte.p50.toFixed(1)} ms, p99 ${result.ackToFirstByte.p99.toFixed(1)} ms`,
  );
  return result;
}
