/** When a meeting's cloud recording may go to Zoom's trash: the pure decision, case by case. */
import { describe, expect, it } from "vitest";
import type { TrashFacts } from "../../src/delivery/trash.repository.js";
import { trashReadiness } from "../../src/delivery/trash-decision.js";
import type { ChatParts } from "../../src/settings/chat-settings.repository.js";

const DEFAULT_PARTS: ChatParts = { audio: true, video: false, transcript: true, summary: true, chat: false };
type File = TrashFacts["files"][number];
const AUDIO: File = { fileId: "a1", fileType: "M4A", fileSize: 1000, status: "completed" };
const VIDEO: File = { fileId: "v1", fileType: "MP4", fileSize: 9000, status: "completed" };
const VTT: File = { fileId: "t1", fileType: "TRANSCRIPT", fileSize: 300, status: "completed" };
const CHAT: File = { fileId: "c1", fileType: "CHAT", fileSize: 30, status: "completed" };

/** A delivery row: file id, kind, state. */
type Delivery = [string, string, string];
const AUDIO_DELIVERED: Delivery = ["a1", "audio", "delivered"];
const VTT_DELIVERED: Delivery = ["t1", "transcript", "delivered"];

function facts(deliveries: Delivery[], files = [AUDIO, VTT], transcriptCardStatus?: string): TrashFacts {
  return {
    deliveries: deliveries.map(([fileId, kind, state]) => ({ fileId, kind, state })),
    files,
    transcriptCardStatus,
  };
}

describe("trashReadiness", () => {
  it("is ready once audio and transcript were delivered", () => {
    expect(trashReadiness(facts([AUDIO_DELIVERED, VTT_DELIVERED]), DEFAULT_PARTS)).toBe("ready");
  });

  it("waits while anything is on its way, and for a transcript until its deadline", () => {
    expect(trashReadiness(facts([["a1", "audio", "uploading"]]), DEFAULT_PARTS)).toBe("wait");
    expect(trashReadiness(facts([AUDIO_DELIVERED, ["t1", "transcript", "pending"]]), DEFAULT_PARTS)).toBe(
      "wait",
    );
    // Announced (a TRANSCRIPT file) or not: wait until the card says it is not coming.
    expect(trashReadiness(facts([AUDIO_DELIVERED]), DEFAULT_PARTS)).toBe("wait");
    expect(trashReadiness(facts([AUDIO_DELIVERED], [AUDIO]), DEFAULT_PARTS)).toBe("wait");
    expect(trashReadiness(facts([AUDIO_DELIVERED], [AUDIO], "unavailable"), DEFAULT_PARTS)).toBe("ready");
    // A chat without transcripts does not wait for one.
    expect(trashReadiness(facts([AUDIO_DELIVERED]), { ...DEFAULT_PARTS, transcript: false })).toBe("ready");
  });

  it("accepts a transcript made by speech to text (no Zoom file behind it)", () => {
    const stt: Delivery[] = [AUDIO_DELIVERED, ["speech-to-text", "transcript", "delivered"]];
    expect(trashReadiness(facts(stt, [AUDIO]), DEFAULT_PARTS)).toBe("ready");
  });

  it("lets the summary's job run first, whatever its outcome", () => {
    const done = [AUDIO_DELIVERED, VTT_DELIVERED];
    expect(trashReadiness({ ...facts(done), summaryCardStatus: "working" }, DEFAULT_PARTS)).toBe("wait");
    for (const status of ["done", "failed", "unavailable"])
      expect(trashReadiness({ ...facts(done), summaryCardStatus: status }, DEFAULT_PARTS)).toBe("ready");
    expect(
      trashReadiness({ ...facts(done), summaryCardStatus: "working" }, { ...DEFAULT_PARTS, summary: false }),
    ).toBe("ready");
  });

  it("keeps the recording when a part failed, was skipped, or nothing was received", () => {
    const done = VTT_DELIVERED;
    expect(trashReadiness(facts([["a1", "audio", "failed"], done]), DEFAULT_PARTS)).toBe("keep");
    expect(trashReadiness(facts([["a1", "audio", "skipped"], done]), DEFAULT_PARTS)).toBe("keep");
    expect(trashReadiness(facts([done]), DEFAULT_PARTS)).toBe("keep");
    // A file whose size Zoom never stated could not be checked.
    expect(
      trashReadiness(facts([AUDIO_DELIVERED, done], [{ ...AUDIO, fileSize: null }, VTT]), DEFAULT_PARTS),
    ).toBe("keep");
    expect(trashReadiness(facts([["zz", "audio", "delivered"], done]), DEFAULT_PARTS)).toBe("keep");
  });

  it("waits for video and the chat file when the chat receives them and Zoom has them", () => {
    const withVideo = { ...DEFAULT_PARTS, video: true };
    const audioAndVtt = [AUDIO_DELIVERED, VTT_DELIVERED];
    expect(trashReadiness(facts(audioAndVtt, [AUDIO, VIDEO, VTT]), withVideo)).toBe("wait");
    expect(
      trashReadiness(facts([...audioAndVtt, ["v1", "video", "delivered"]], [AUDIO, VIDEO, VTT]), withVideo),
    ).toBe("ready");
    // An audio-only recording has no video to wait for.
    expect(trashReadiness(facts(audioAndVtt), withVideo)).toBe("ready");
    const withChat = { ...DEFAULT_PARTS, chat: true };
    expect(trashReadiness(facts(audioAndVtt, [AUDIO, VTT, CHAT]), withChat)).toBe("wait");
    expect(
      trashReadiness(facts([...audioAndVtt, ["c1", "chat", "delivered"]], [AUDIO, VTT, CHAT]), withChat),
    ).toBe("ready");
  });
});
