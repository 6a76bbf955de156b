import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cosEncode, encodeKeyPath } from "../../src/cos/encode";
import { codeOf } from "../support/error-code";
import { hasDotSegment, nastyString, objectKey } from "./arbitraries";

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** An independent statement of the rule, byte by byte over the UTF-8 encoding. */
function referenceEncode(s: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const char = String.fromCharCode(byte);
    out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

describe("cosEncode", () => {
  it("keeps only A-Z a-z 0-9 - _ . ~", () => {
    expect(cosEncode("AZaz09-_.~")).toBe("AZaz09-_.~");
    expect(cosEncode("!'()*")).toBe("%21%27%28%29%2A");
    expect(cosEncode(' +/%?#&=;:@,$[]"\\')).toBe("%20%2B%2F%25%3F%23%26%3D%3B%3A%40%2C%24%5B%5D%22%5C");
    expect(cosEncode("腾讯云😀")).toBe("%E8%85%BE%E8%AE%AF%E4%BA%91%F0%9F%98%80");
  });

  it("matches a byte-wise reference and decodes back, for arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(nastyString(40), fc.string({ unit: "binary", maxLength: 40 })), (s) => {
        const encoded = cosEncode(s);
        expect(encoded).toBe(referenceEncode(s));
        expect(decodeURIComponent(encoded)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it("encodes sub-delims wherever they stand, next to each other and to non-ASCII text", () => {
    for (const s of ["'", "''", "!a", "a*", "(文)", "😀'😀", "*'()!", "UTF-8''%E6%96%87", "a b(c)d e"]) {
      expect(cosEncode(s)).toBe(referenceEncode(s));
    }
  });

  it("refuses a lone surrogate with a stable code", () => {
    expect(codeOf(() => cosEncode("a\ud800b"))).toBe("InvalidParameter");
    expect(codeOf(() => cosEncode("\udc00"))).toBe("InvalidParameter");
    // Also when the text has sub-delims, which are encoded around, and the surrogate is in any stretch.
    expect(codeOf(() => cosEncode("'\ud800"))).toBe("InvalidParameter");
    expect(codeOf(() => cosEncode("\udc00(x)"))).toBe("InvalidParameter");
  });
});

describe("encodeKeyPath", () => {
  it("encodes the reference example", () => {
    expect(encodeKeyPath("dir/文件 (1)+x.pdf")).toBe("/dir/%E6%96%87%E4%BB%B6%20%281%29%2Bx.pdf");
  });

  it("keeps every `/`, including empty segments", () => {
    expect(encodeKeyPath("a//b/")).toBe("/a//b/");
    expect(encodeKeyPath("/lead")).toBe("//lead");
  });

  it("is `/` + each segment cosEncoded, and new URL() neither changes nor normalises it", () => {
    fc.assert(
      fc.property(objectKey, (key) => {
        const path = encodeKeyPath(key);
        expect(path).toBe(`/${key.split("/").map(cosEncode).join("/")}`);
        const parsed = new URL(`https://h.example${path}`);
        expect(parsed.pathname).toBe(path);
        expect(decodeURIComponent(parsed.pathname.slice(1))).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });

  it("allows dots that are not a whole segment", () => {
    for (const key of ["...", ".a", "a.", "..a", "a..", "a/.../b", ".hidden/x", "a/.b/c"]) {
      const path = encodeKeyPath(key);
      expect(new URL(`https://h.example${path}`).pathname).toBe(path);
    }
  });

  // Why dot segments are refused rather than encoded: WHATWG URL treats %2E like a dot.
  it("documents the WHATWG behaviour that rules out %2E", () => {
    expect(new URL("https://h.example/a/%2E%2E/b").pathname).toBe("/b");
    expect(new URL("https://h.example/a/.%2e/b").pathname).toBe("/b");
    expect(new URL("https://h.example/a/%2e/b").pathname).toBe("/a/b");
  });

  it("refuses `.` and `..` segments with InvalidKey", () => {
    for (const key of [".", "..", "./a", "../a", "a/.", "a/..", "a/./b", "a/../b", "a//../b"]) {
      expect(
        codeOf(() => encodeKeyPath(key)),
        key,
      ).toBe("InvalidKey");
    }
  });

  it("refuses exactly the keys with a dot segment, for arbitrary keys", () => {
    fc.assert(
      fc.property(nastyString(20), (key) => {
        expect(codeOf(() => encodeKeyPath(key))).toBe(hasDotSegment(key) ? "InvalidKey" : undefined);
      }),
      { numRuns: 1000 },
    );
  });
});
