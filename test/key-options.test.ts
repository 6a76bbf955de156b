import { describe, expect, it } from "vitest";
import { MAX_KEY_BYTES, validateKey } from "../src/key";
import { parseOptions, TRAFFIC_LIMIT_MAX, TRAFFIC_LIMIT_MIN } from "../src/options";
import { codeOf } from "./support/error-code";

describe("validateKey", () => {
  it.each([
    "a",
    "public/文件 (1)+x.pdf",
    'public/a"]}.txt',
    "public/a%2Fb",
    "public/100%",
    "public/%41%zz",
    "public/%2e%2e.txt",
    "public/$5 {x}.txt",
    "public/a$/{b}",
    "public/...",
    "public/.hidden",
    "public/a..b",
    "😀/👨‍👩‍👧",
    `p/${"a".repeat(MAX_KEY_BYTES - 2)}`,
  ])("accepts %j", (key) => {
    expect(codeOf(() => validateKey(key))).toBeUndefined();
  });

  it.each([
    ["", "empty"],
    [`p/${"a".repeat(MAX_KEY_BYTES - 1)}`, "851 bytes"],
    [`p/${"文".repeat(283)}`, "851 bytes of CJK"],
    ["a/../b", "dot-dot segment"],
    ["a/./b", "dot segment"],
    ["a/%2e%2E/b", "encoded dot-dot"],
    ["a/%252e%252e/b", "double-encoded dot-dot"],
    ["pub/%2e%2e%2fsecret.txt", "dot-dot behind an encoded slash"],
    ["pub/%252e%252e%252fsecret.txt", "dot-dot behind a double-encoded slash"],
    ["pub%2f..%2fsecret.txt", "raw dot-dot between encoded slashes"],
    ["pub/%zz/%2e%2e/b", "encoded dot-dot after a stray percent"],
    ["a/%2e%2E%5cb", "dot-dot before an encoded backslash"],
    ["public/%2F", "decodes into an empty segment"],
    ["public/a%252F", "decodes twice into a trailing slash"],
    ["a//b", "empty segment"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CAM policy variable, literally.
    ["public/${uin}/x", "CAM policy variable"],
    ["public/${", "CAM policy variable opening"],
    ["public/a?b", "question mark"],
    ["/a", "leading slash"],
    ["a/", "trailing slash"],
    ["a*", "star"],
    ["a\\b", "backslash"],
    ["a\u0000", "NUL"],
    ["a\u0085", "C1 control"],
    ["a\ud800", "lone surrogate"],
  ])("refuses %j (%s) with InvalidKey", (key) => {
    expect(codeOf(() => validateKey(key))).toBe("InvalidKey");
  });
});

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
