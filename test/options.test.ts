import { describe, expect, it } from "vitest";
import { parseOptions, TRAFFIC_LIMIT_MAX, TRAFFIC_LIMIT_MIN } from "../src/options";
import { codeOf } from "./support/error-code";

describe("parseOptions", () => {
  it("types what it accepts and leaves out what is absent", () => {
    expect(parseOptions({ filename: "报告.pdf", expires: "60", trafficLimit: String(TRAFFIC_LIMIT_MIN) })).toEqual({
      filename: "报告.pdf",
      expiresSeconds: 60,
      trafficLimit: TRAFFIC_LIMIT_MIN,
    });
    expect(parseOptions({ expires: 600, trafficLimit: TRAFFIC_LIMIT_MAX, disposition: "inline" })).toEqual({
      expiresSeconds: 600,
      trafficLimit: TRAFFIC_LIMIT_MAX,
      disposition: "inline",
    });
    expect(parseOptions({})).toEqual({});
  });

  it("accepts each limit itself: expires 604800, a 255-character filename", () => {
    expect(parseOptions({ expires: "604800", filename: "x".repeat(255) })).toEqual({
      expiresSeconds: 604_800,
      filename: "x".repeat(255),
    });
    expect(codeOf(() => parseOptions({ filename: "x".repeat(256) }))).toBe("InvalidParameter");
  });

  it.each([
    [{ expires: "0" }],
    [{ expires: -1 }],
    [{ expires: 1.5 }],
    [{ expires: "604801" }],
    [{ expires: true }],
    [{ trafficLimit: String(TRAFFIC_LIMIT_MIN - 1) }],
    [{ trafficLimit: String(TRAFFIC_LIMIT_MAX + 1) }],
    [{ filename: "" }],
    [{ filename: "a\r\nb" }],
    [{ filename: 3 }],
    [{ disposition: "Attachment" }],
    [{ versionId: "a b" }],
  ])("refuses %j with InvalidParameter", (raw) => {
    expect(codeOf(() => parseOptions(raw))).toBe("InvalidParameter");
  });
});
