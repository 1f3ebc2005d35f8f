import { describe, expect, it } from "vitest";
import {
  alternateMeetingUuidEncoding,
  encodeMeetingUuid,
  needsDoubleEncoding,
} from "../../src/zoom/meeting-uuid.js";
import { loadZoomFixture } from "../support/fixtures.js";

interface UuidCase {
  uuid: string;
  single_encoded: string;
  double_encoded: string;
  official_rule_requires_double: boolean;
}

const { uuid_encoding_cases: cases } = loadZoomFixture<{ uuid_encoding_cases: UuidCase[] }>(
  "signature-test-vectors.SYNTHETIC.json",
);

describe("encodeMeetingUuid", () => {
  it("has fixture cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases)("encodes $uuid per the official rule", (c) => {
    expect(needsDoubleEncoding(c.uuid)).toBe(c.official_rule_requires_double);
    expect(encodeMeetingUuid(c.uuid)).toBe(
      c.official_rule_requires_double ? c.double_encoded : c.single_encoded,
    );
  });

  it.each(cases)("offers the other encoding of $uuid only when it contains a slash", (c) => {
    const expected = c.uuid.includes("/")
      ? c.official_rule_requires_double
        ? c.single_encoded
        : c.double_encoded
      : undefined;
    expect(alternateMeetingUuidEncoding(c.uuid)).toBe(expected);
  });

  it("always encodes + and = at least once, and never leaves a raw slash", () => {
    for (const uuid of ["a+b=", "a/b", "//", "/", "x/y/z=="]) {
      expect(encodeMeetingUuid(uuid)).not.toMatch(/[/+=]/);
    }
  });

  it("double-encodes a trailing // and a lone /", () => {
    expect(encodeMeetingUuid("abc//")).toBe("abc%252F%252F");
    expect(encodeMeetingUuid("/")).toBe("%252F");
  });

  it("refuses an empty UUID", () => {
    expect(() => encodeMeetingUuid("")).toThrow(RangeError);
    expect(() => alternateMeetingUuidEncoding("")).toThrow(RangeError);
  });
});
