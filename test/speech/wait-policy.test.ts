/** When speech to text takes over from Zoom. */
import { describe, expect, it } from "vitest";
import {
  decideBeforeDownload,
  decideFromZoomFiles,
  MAX_ZOOM_TRANSCRIPT_WAIT_MS,
} from "../../src/speech/wait-policy.js";

const row = (file_id: string, state: string, detail: string | null = null) => ({ file_id, state, detail });

describe("speech wait policy", () => {
  it("skips when Zoom's transcript is here or ours was delivered; fills the gap Zoom's failure left", () => {
    expect(decideBeforeDownload([])).toEqual({ kind: "transcribe" });
    expect(decideBeforeDownload([row("zoom-file", "pending")]).kind).toBe("skip");
    expect(decideBeforeDownload([row("zoom-file", "delivered")]).kind).toBe("skip");
    expect(decideBeforeDownload([row("speech-to-text", "delivered")]).kind).toBe("skip");
    expect(decideBeforeDownload([row("zoom-file", "failed")])).toEqual({ kind: "transcribe" });
    expect(decideBeforeDownload([row("zoom-file", "skipped", "empty transcript")])).toEqual({
      kind: "transcribe",
    });
    expect(decideBeforeDownload([row("speech-to-text", "failed")])).toEqual({ kind: "transcribe" });
  });

  it("hands over to a ready Zoom transcript, waits for one in processing for at most a day", () => {
    const base = { requestedAt: 0, waitMinutes: 10 };
    expect(decideFromZoomFiles({ ...base, now: 1, transcripts: [] })).toEqual({ kind: "transcribe" });
    expect(decideFromZoomFiles({ ...base, now: 1, transcripts: [{ ready: true }] })).toEqual({
      kind: "zoom-ready",
    });
    expect(decideFromZoomFiles({ ...base, now: 1_000, transcripts: [{ ready: false }] })).toEqual({
      kind: "wait",
      until: 601_000,
    });
    expect(
      decideFromZoomFiles({ ...base, now: MAX_ZOOM_TRANSCRIPT_WAIT_MS, transcripts: [{ ready: false }] }),
    ).toEqual({ kind: "transcribe" });
    expect(decideFromZoomFiles({ ...base, waitMinutes: 0, now: 0, transcripts: [{ ready: false }] })).toEqual(
      {
        kind: "wait",
        until: 60_000,
      },
    );
  });
});
