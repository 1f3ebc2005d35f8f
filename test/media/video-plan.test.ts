/** The video ladder: direct when it fits, a smaller transcode when watchable, else parts, else the link. */
import { describe, expect, it } from "vitest";
import { uploadBudgetBytes } from "../../src/media/delivery-plan.js";
import { MAX_VIDEO_PARTS, planVideoDelivery } from "../../src/media/video-plan.js";

const MB = 1_000_000;
const base = { uploadLimitMb: 50, maxDownloadBytes: 4096 * MB, ffmpeg: true };

describe("planVideoDelivery", () => {
  it("sends as is what fits the upload budget (50 MB cloud, 2000 MB local Bot API)", () => {
    expect(planVideoDelivery({ ...base, fileBytes: 40 * MB, durationSec: 600 })).toEqual({ rung: "direct" });
    expect(planVideoDelivery({ ...base, fileBytes: uploadBudgetBytes(50) + 1, durationSec: 60 }).rung).toBe(
      "transcode",
    );
    // An hour at 720p (~600 MB) goes as is through a local Bot API server.
    expect(
      planVideoDelivery({ ...base, uploadLimitMb: 2000, fileBytes: 600 * MB, durationSec: 3600 }),
    ).toEqual({
      rung: "direct",
    });
  });

  it("transcodes to a height the bitrate carries, while it stays watchable", () => {
    // 5 minutes in 47 MB: ~1.2 Mbit/s of video → 480p.
    expect(planVideoDelivery({ ...base, fileBytes: 120 * MB, durationSec: 300 })).toMatchObject({
      rung: "transcode",
      height: 480,
    });
    // 2 minutes: plenty → 720p, capped at 2.5 Mbit/s.
    expect(planVideoDelivery({ ...base, fileBytes: 80 * MB, durationSec: 120 })).toEqual({
      rung: "transcode",
      height: 720,
      videoKbps: 2500,
    });
    // 15 minutes: ~340 kbit/s of video → 360p.
    expect(planVideoDelivery({ ...base, fileBytes: 200 * MB, durationSec: 900 })).toMatchObject({
      rung: "transcode",
      height: 360,
    });
  });

  it("splits a long recording into parts that fit, and links what would flood the chat", () => {
    const plan = planVideoDelivery({ ...base, fileBytes: 300 * MB, durationSec: 3600 });
    expect(plan).toEqual({ rung: "split", parts: 7, partSeconds: 515 });
    expect(planVideoDelivery({ ...base, fileBytes: 900 * MB, durationSec: 3 * 3600 })).toEqual({
      rung: "link",
      reason: "too-long",
    });
    expect(MAX_VIDEO_PARTS).toBe(10);
  });

  it("links when it cannot do better: no ffmpeg, too large to download, unknown duration", () => {
    expect(planVideoDelivery({ ...base, ffmpeg: false, fileBytes: 60 * MB, durationSec: 300 })).toEqual({
      rung: "link",
      reason: "no-ffmpeg",
    });
    expect(planVideoDelivery({ ...base, fileBytes: 5000 * MB, durationSec: 300 })).toEqual({
      rung: "link",
      reason: "too-large-to-download",
    });
    expect(planVideoDelivery({ ...base, fileBytes: 60 * MB, durationSec: undefined })).toEqual({
      rung: "link",
      reason: "unknown-duration",
    });
  });

  it("after a 413 skips the refused rung and aims under 90% of the refused size", () => {
    // 40 MB fitted the 50 MB budget but Telegram refused it: a transcode aimed under 36 MB.
    const after413 = { ...base, fileBytes: 40 * MB, durationSec: 600, attempted: ["direct"] as const };
    expect(planVideoDelivery({ ...after413, refusedBytes: 40 * MB })).toEqual({
      rung: "transcode",
      height: 360,
      videoKbps: Math.floor((36 * MB * 0.9 * 8) / 600 / 1000 / 1.05 - 64),
    });
    // The transcode refused too: parts under 90% of the refused 30 MB.
    expect(
      planVideoDelivery({ ...after413, attempted: ["direct", "transcode"], refusedBytes: 30 * MB }),
    ).toEqual({ rung: "split", parts: 2, partSeconds: 300 });
    expect(
      planVideoDelivery({ ...after413, attempted: ["direct", "transcode", "split"], refusedBytes: 30 * MB }),
    ).toEqual({ rung: "link", reason: "refused" });
  });
});
