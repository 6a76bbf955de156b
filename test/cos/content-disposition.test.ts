import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contentDisposition } from "../../src/cos/content-disposition";
import { PresignError } from "../../src/errors";
import { nastyString } from "./arbitraries";

/** A strict reader of exactly the shape we emit; anything else fails the match. */
const SHAPE = /^(attachment|inline)(?:; filename="([^"\\]*)"(?:; filename\*=UTF-8''([A-Za-z0-9\-_.~%]+))?)?$/;

function parse(value: string): { type: string; fallback?: string; exact?: string } {
  const match = SHAPE.exec(value);
  if (match === null) throw new Error(`unexpected Content-Disposition: ${JSON.stringify(value)}`);
  const [, type = "", fallback, star] = match;
  return {
    type,
    ...(fallback === undefined ? {} : { fallback }),
    ...(star === undefined ? {} : { exact: decodeURIComponent(star) }),
  };
}

describe("contentDisposition", () => {
  it("gives a CJK name an ASCII fallback and the exact name in filename*", () => {
    expect(contentDisposition("文件 (1).pdf", "attachment")).toBe(
      "attachment; filename=\"__ (1).pdf\"; filename*=UTF-8''%E6%96%87%E4%BB%B6%20%281%29.pdf",
    );
  });

  it("keeps a plain ASCII name as is, without filename*", () => {
    expect(contentDisposition("report-2024 (final).pdf", "inline")).toBe('inline; filename="report-2024 (final).pdf"');
  });

  it("is the bare type for an empty name", () => {
    expect(contentDisposition("", "attachment")).toBe("attachment");
    expect(contentDisposition("", "inline")).toBe("inline");
  });

  it("never lets quotes, backslashes, CR, LF or controls through raw", () => {
    const value = contentDisposition('a"b\\c\r\nSet-Cookie: x=1;\u0000\u007f%41.txt', "attachment");
    expect(value).toBe(
      "attachment; filename=\"a_b_c__Set-Cookie: x=1____41.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x%3D1%3B%00%7F%2541.txt",
    );
  });

  it("refuses a name that is not well-formed Unicode", () => {
    expect(() => contentDisposition("a\ud800.txt", "attachment")).toThrow(PresignError);
  });

  it("replaces an emoji (one code point, two UTF-16 units) by a single _", () => {
    expect(parse(contentDisposition("😀.png", "inline")).fallback).toBe("_.png");
  });

  it("is a valid header value that parses back to the name, for arbitrary names", () => {
    fc.assert(
      fc.property(
        fc.oneof(nastyString(30), fc.string({ unit: "binary", maxLength: 30 })),
        fc.constantFrom("attachment" as const, "inline" as const),
        (name, type) => {
          const value = contentDisposition(name, type);
          // Visible ASCII and space only: no CR, LF, NUL, other controls or non-ASCII in the header.
          expect(value).toMatch(/^[\x20-\x7e]*$/);
          const parsed = parse(value);
          expect(parsed.type).toBe(type);
          if (name === "") {
            expect(value).toBe(type);
            return;
          }
          // The fallback has one character per code point of the name, and no ", \, % or ;.
          expect(parsed.fallback).toBeDefined();
          expect([...(parsed.fallback ?? "")]).toHaveLength([...name].length);
          expect(parsed.fallback).not.toMatch(/["\\%;]/);
          expect(parsed.exact ?? parsed.fallback).toBe(name);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
