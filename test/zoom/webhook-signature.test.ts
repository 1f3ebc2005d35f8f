import { describe, expect, it } from "vitest";
import {
  computeCrcResponse,
  computeZoomSignature,
  type VerifyZoomSignatureInput,
  verifyZoomSignature,
} from "../../src/zoom/webhook-signature.js";
import { loadZoomFixture } from "../support/fixtures.js";

interface SignatureVectors {
  secret_token: string;
  signature_cases: {
    name: string;
    x_zm_request_timestamp: string;
    raw_body: string;
    expected_x_zm_signature: string;
  }[];
  crc_case: { plainToken: string; expected_encryptedToken: string };
}

const vectors = loadZoomFixture<SignatureVectors>("signature-test-vectors.SYNTHETIC.json");
const secret = vectors.secret_token;
const [asciiCase, unicodeCase] = vectors.signature_cases;
if (!asciiCase || !unicodeCase) throw new Error("signature vectors fixture changed shape");

const ts = Number(asciiCase.x_zm_request_timestamp);
const atTs = ts * 1000;

function input(overrides: Partial<VerifyZoomSignatureInput> = {}): VerifyZoomSignatureInput {
  return {
    secret,
    timestampHeader: asciiCase!.x_zm_request_timestamp,
    signatureHeader: asciiCase!.expected_x_zm_signature,
    rawBody: Buffer.from(asciiCase!.raw_body, "utf8"),
    nowMs: atTs,
    ...overrides,
  };
}

describe("computeZoomSignature", () => {
  it.each(vectors.signature_cases)("matches the vector: $name", (c) => {
    expect(computeZoomSignature(secret, c.x_zm_request_timestamp, Buffer.from(c.raw_body, "utf8"))).toBe(
      c.expected_x_zm_signature,
    );
    // A string body is hashed as UTF-8, giving the same result.
    expect(computeZoomSignature(secret, c.x_zm_request_timestamp, c.raw_body)).toBe(
      c.expected_x_zm_signature,
    );
  });

  it("hashes the non-ASCII body as UTF-8 bytes, not UTF-16 code units or Latin-1", () => {
    const latin1 = Buffer.from(unicodeCase.raw_body, "latin1");
    expect(computeZoomSignature(secret, unicodeCase.x_zm_request_timestamp, latin1)).not.toBe(
      unicodeCase.expected_x_zm_signature,
    );
  });

  it("refuses an empty secret", () => {
    expect(() => computeZoomSignature("", "1", "{}")).toThrow(TypeError);
  });
});

describe("verifyZoomSignature", () => {
  it.each(vectors.signature_cases)("accepts the vector as raw bytes: $name", (c) => {
    const result = verifyZoomSignature({
      secret,
      timestampHeader: c.x_zm_request_timestamp,
      signatureHeader: c.expected_x_zm_signature,
      rawBody: new Uint8Array(Buffer.from(c.raw_body, "utf8")),
      nowMs: Number(c.x_zm_request_timestamp) * 1000,
    });
    expect(result).toEqual({ ok: true, timestamp: Number(c.x_zm_request_timestamp) });
  });

  it("refuses a re-serialized body whose bytes differ (zoom.md §6.2)", () => {
    const reserialized = JSON.stringify(JSON.parse(unicodeCase.raw_body), null, 1);
    const result = verifyZoomSignature({
      ...input(),
      signatureHeader: unicodeCase.expected_x_zm_signature,
      rawBody: Buffer.from(reserialized, "utf8"),
    });
    expect(result).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["299 s in the past", -299_000, true],
    ["299 s in the future", 299_000, true],
    ["exactly 300 s away", 300_000, true],
    ["301 s in the past", -301_000, false],
    ["301 s in the future", 301_000, false],
  ])("timestamp %s", (_label, skewMs, accepted) => {
    // nowMs - ts: a timestamp in the past means the server clock is ahead of it.
    const result = verifyZoomSignature(input({ nowMs: atTs - skewMs }));
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.reason).toBe("stale_timestamp");
  });

  it("honours a custom tolerance", () => {
    expect(verifyZoomSignature(input({ nowMs: atTs + 61_000, toleranceSeconds: 60 }))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect(verifyZoomSignature(input({ nowMs: atTs + 59_000, toleranceSeconds: 60 })).ok).toBe(true);
  });

  it("refuses any single tampered byte", () => {
    const body = Buffer.from(asciiCase.raw_body, "utf8");
    for (const index of [0, Math.floor(body.length / 2), body.length - 1]) {
      const tampered = Buffer.from(body);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      expect(verifyZoomSignature(input({ rawBody: tampered }))).toEqual({
        ok: false,
        reason: "bad_signature",
      });
    }
  });

  it("refuses a body with a trailing newline", () => {
    const body = Buffer.from(`${asciiCase.raw_body}\n`, "utf8");
    expect(verifyZoomSignature(input({ rawBody: body }))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a signature made with another secret, or over another timestamp", () => {
    const forged = computeZoomSignature(
      "another_secret",
      asciiCase.x_zm_request_timestamp,
      asciiCase.raw_body,
    );
    expect(verifyZoomSignature(input({ signatureHeader: forged }))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    // A valid signature replayed with a fresh timestamp header does not verify.
    expect(verifyZoomSignature(input({ timestampHeader: String(ts + 1), nowMs: atTs }))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it.each([
    ["no timestamp", { timestampHeader: undefined }],
    ["null timestamp", { timestampHeader: null }],
    ["empty timestamp", { timestampHeader: "" }],
    ["no signature", { signatureHeader: undefined }],
    ["null signature", { signatureHeader: null }],
    ["empty signature", { signatureHeader: "" }],
  ])("missing headers: %s", (_label, overrides) => {
    expect(verifyZoomSignature(input(overrides))).toEqual({ ok: false, reason: "missing_headers" });
  });

  it.each([
    "abc",
    "1739923528.0",
    "-1739923528",
    "+1739923528",
    " 1739923528",
    "1e9",
    "0x67b4f0c8",
    "1".repeat(16),
  ])("refuses non-numeric timestamp %j", (timestampHeader) => {
    expect(verifyZoomSignature(input({ timestampHeader }))).toEqual({ ok: false, reason: "bad_timestamp" });
  });

  it.each([
    ["truncated", asciiCase.expected_x_zm_signature.slice(0, -1)],
    ["extended", `${asciiCase.expected_x_zm_signature}0`],
    ["without prefix", asciiCase.expected_x_zm_signature.slice(3)],
    ["upper-case hex", `v0=${asciiCase.expected_x_zm_signature.slice(3).toUpperCase()}`],
    ["other scheme", `v1=${asciiCase.expected_x_zm_signature.slice(3)}`],
    ["multibyte of equal char length", `v0=${"é".repeat(64)}`],
  ])("refuses a wrong signature (%s) without throwing", (_label, signatureHeader) => {
    expect(verifyZoomSignature(input({ signatureHeader }))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("reports a forged request as bad_signature even when its timestamp is also stale", () => {
    expect(
      verifyZoomSignature(input({ signatureHeader: `v0=${"0".repeat(64)}`, nowMs: atTs + 3_600_000 })),
    ).toEqual({ ok: false, reason: "bad_signature" });
  });
});

describe("computeCrcResponse", () => {
  it("matches the CRC vector", () => {
    expect(computeCrcResponse(secret, vectors.crc_case.plainToken)).toEqual({
      plainToken: vectors.crc_case.plainToken,
      encryptedToken: vectors.crc_case.expected_encryptedToken,
    });
  });

  it("has the shape of the official response example", () => {
    const official = loadZoomFixture<Record<string, string>>(
      "endpoint.url_validation.response.official-example.json",
    );
    const ours = computeCrcResponse(secret, official.plainToken ?? "");
    expect(Object.keys(ours).sort()).toEqual(Object.keys(official).sort());
    expect(ours.encryptedToken).toMatch(/^[0-9a-f]{64}$/);
  });
});
