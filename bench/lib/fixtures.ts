/** Fake servers and meetings shared by the benchmarks. */
import type { ZoomUser } from "../../test/fakes/fake-zoom.js";
import { startFakes as startWorldFakes, type Fakes as WorldFakes } from "../../test/support/world.js";
import { CHAT_ID } from "./setup.js";

export interface Fakes extends WorldFakes {
  user: ZoomUser;
}

export async function startFakes(opts: { uploadLimitMb?: number; latencyMs?: number } = {}): Promise<Fakes> {
  const fakes = await startWorldFakes({
    zoom: { latencyMs: opts.latencyMs ?? 0 },
    telegram: {
      uploadLimitMb: opts.uploadLimitMb ?? 50,
      latencyMs: opts.latencyMs ?? 0,
      // Millisecond timestamps with sub-millisecond precision, on the same clock as the harness.
      now: () => performance.timeOrigin + performance.now(),
    },
  });
  fakes.tg.addChat({ id: CHAT_ID, type: "private", first_name: "Bench" });
  const user = fakes.zoom.addUser({ email: "bench@example.com", first_name: "Bench", last_name: "Host" });
  return { ...fakes, user };
}

let meetingSeq = 0;
/** A unique Zoom-shaped meeting UUID (22 base64 characters and `==`). */
export function meetingUuid(tag: string, n = ++meetingSeq): string {
  const digits = n.toString(36);
  return `${tag.slice(0, 21 - digits.length).padEnd(22 - digits.length, "A")}${digits}==`;
}

/** Adds a meeting with one audio_only M4A from disk; returns its UUID. */
export function addAudioMeeting(
  fakes: Fakes,
  opts: { uuid: string; path: string; durationMinutes: number; topic?: string },
): string {
  fakes.zoom.addMeeting({
    uuid: opts.uuid,
    hostUserId: fakes.user.id,
    topic: opts.topic ?? "Benchmark meeting",
    start_time: "2026-03-02T10:00:00Z",
    duration: opts.durationMinutes,
    files: [{ file_type: "M4A", recording_type: "audio_only", path: opts.path }],
  });
  return opts.uuid;
}
