import { describe, expect, it } from "vitest";
import { keyAllowedByPrefixes } from "../../src/auth";

describe("keyAllowedByPrefixes", () => {
  it("* allows every key", () => {
    expect(keyAllowedByPrefixes("anything/at/all.bin", ["*"])).toBe(true);
    expect(keyAllowedByPrefixes("x", ["reports/", "*"])).toBe(true);
  });

  it("matches by plain startsWith", () => {
    expect(keyAllowedByPrefixes("reports/q3.pdf", ["reports/"])).toBe(true);
    expect(keyAllowedByPrefixes("reports/2025/q3.pdf", ["public/", "reports/"])).toBe(true);
    expect(keyAllowedByPrefixes("private/q3.pdf", ["reports/"])).toBe(false);
    // No trailing slash, no folder semantics: "reports" also covers "reports-old/".
    expect(keyAllowedByPrefixes("reports-old/x", ["reports"])).toBe(true);
    expect(keyAllowedByPrefixes("reports-old/x", ["reports/"])).toBe(false);
  });

  it("is case-sensitive and does no globbing or normalisation", () => {
    expect(keyAllowedByPrefixes("Reports/q3.pdf", ["reports/"])).toBe(false);
    expect(keyAllowedByPrefixes("reports/q3.pdf", ["rep*"])).toBe(false);
    expect(keyAllowedByPrefixes("reports/../secret", ["reports/"])).toBe(true);
    expect(keyAllowedByPrefixes("secret", ["./secret"])).toBe(false);
  });

  it("an empty list allows nothing, nor does an empty entry", () => {
    expect(keyAllowedByPrefixes("reports/q3.pdf", [])).toBe(false);
    expect(keyAllowedByPrefixes("reports/q3.pdf", [""])).toBe(false);
    expect(keyAllowedByPrefixes("reports/q3.pdf", ["", ""])).toBe(false);
    expect(keyAllowedByPrefixes("reports/q3.pdf", ["", "reports/"])).toBe(true);
  });
});
