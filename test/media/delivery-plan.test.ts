import { describe, expect, it } from "vitest";
import {
  estimateSpeechAacBytes,
  MULTIPART_RESERVE_BYTES,
  planAudioDelivery,
  splitSourceFor,
  uploadBudgetBytes,
} from "../../src/media/delivery-plan.js";

const MB = 1_000_000;
const budget50 = uploadBudgetBytes(50);

describe("uploadBudgetBytes", () => {
  it("is 95% of limit × 10^6 minus the multipart reserve", () => {
    expect(MULTIPART_RESERVE_BYTES).toBe(65_536);
    expect(budget50).toBe(47_500_000 - 65_536);
    expect(uploadBudgetBytes(2000)).toBe(1_900_000_000 - 65_536);
    // Even read as 2^20-byte megabytes by nobody, it stays under the decimal limit.
    expect(budget50).toBeLessThan(50 * MB);
  });

  it("refuses a non-positive limit", () => {
    expect(() => uploadBudgetBytes(0)).toThrow(RangeError);
  });
});

describe("estimateSpeechAacBytes", () => {
  it("is duration × 48 kbit/s / 8 × 1.05", () => {
    expect(estimateSpeechAacBytes(3600)).toBe(22_680_000);
    expect(estimateSpeechAacBytes(60, 32)).toBe(252_000);
    expect(estimateSpeechAacBytes(Number.NaN)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("planAudioDelivery", () => {
  // 48 kbit/s mono fits 47.43 MB up to ~7529 s (2 h 5 min).
  const hour = { durationSec: 3600, budgetBytes: budget50, ffmpegAvailable: true };
  const threeHours = { durationSec: 3 * 3600, budgetBytes: budget50, ffmpegAvailable: true };

  it("sends a file that fits as is, with or without ffmpeg", () => {
    expect(planAudioDelivery({ ...hour, sizeBytes: 40 * MB })).toBe("direct");
    expect(planAudioDelivery({ ...hour, sizeBytes: budget50 })).toBe("direct");
    expect(planAudioDelivery({ ...hour, sizeBytes: 40 * MB, ffmpegAvailable: false })).toBe("direct");
  });

  it("transcodes when the 48 kbit/s estimate fits", () => {
    expect(planAudioDelivery({ ...hour, sizeBytes: budget50 + 1 })).toBe("transcode");
    expect(planAudioDelivery({ ...hour, sizeBytes: 120 * MB })).toBe("transcode");
  });

  it("splits when even the transcode would not fit", () => {
    expect(planAudioDelivery({ ...threeHours, sizeBytes: 170 * MB })).toBe("split");
  });

  it("sends a link when it does not fit and there is no ffmpeg", () => {
    expect(planAudioDelivery({ ...hour, sizeBytes: 120 * MB, ffmpegAvailable: false })).toBe("link");
    expect(planAudioDelivery({ ...threeHours, sizeBytes: 170 * MB, ffmpegAvailable: false })).toBe("link");
  });

  it("moves down the ladder past rungs that got a 413", () => {
    const fits = { ...hour, sizeBytes: 40 * MB };
    expect(planAudioDelivery({ ...fits, attempted: ["direct"] })).toBe("transcode");
    expect(planAudioDelivery({ ...fits, attempted: ["direct", "transcode"] })).toBe("split");
    expect(planAudioDelivery({ ...fits, attempted: ["direct", "transcode", "split"] })).toBe("link");
    expect(planAudioDelivery({ ...fits, attempted: ["direct"], ffmpegAvailable: false })).toBe("link");
    expect(planAudioDelivery({ ...threeHours, sizeBytes: 170 * MB, attempted: ["split"] })).toBe("link");
  });

  it("skips a transcode that would not make the file smaller", () => {
    // 20 MB for an hour is ~44 kbit/s already; the 48 kbit/s estimate (22.68 MB) is larger.
    expect(planAudioDelivery({ ...hour, sizeBytes: 20 * MB, attempted: ["direct"] })).toBe("split");
  });

  it("splits when the duration is unknown", () => {
    expect(planAudioDelivery({ ...hour, durationSec: Number.NaN, sizeBytes: 120 * MB })).toBe("split");
  });

  it("always ends at link", () => {
    const all = ["direct", "transcode", "split", "link"] as const;
    expect(planAudioDelivery({ ...hour, sizeBytes: 120 * MB, attempted: all })).toBe("link");
  });
});

describe("splitSourceFor", () => {
  it("splits the transcode when it is expected to be smaller than the original", () => {
    expect(splitSourceFor({ sizeBytes: 170 * MB, durationSec: 3 * 3600 })).toBe("transcoded");
  });

  it("splits the original when it is already at or below speech bit rate", () => {
    expect(splitSourceFor({ sizeBytes: 60 * MB, durationSec: 3 * 3600 })).toBe("original");
    expect(splitSourceFor({ sizeBytes: 60 * MB, durationSec: Number.NaN })).toBe("original");
  });
});
