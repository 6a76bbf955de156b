import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoTimestamp } from "../src/time";

describe("isoTimestamp", () => {
  it("is toISOString to the byte, for whole seconds in years 1000–9999", () => {
    fc.assert(
      fc.property(fc.integer({ min: -30_610_224_000, max: 253_402_300_799 }), (seconds) => {
        expect(isoTimestamp(seconds)).toBe(new Date(seconds * 1000).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it("pads every field", () => {
    expect(isoTimestamp(0)).toBe("1970-01-01T00:00:00.000Z");
    expect(isoTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000)).toBe("2026-01-02T03:04:05.000Z");
  });
});
