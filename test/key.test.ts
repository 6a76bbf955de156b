import { describe, expect, it } from "vitest";
import { MAX_KEY_BYTES, validateKey } from "../src/key";
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
