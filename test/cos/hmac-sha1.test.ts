import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha1Hex } from "../../src/cos/hmac-sha1";

/** The platform's HMAC-SHA1, the oracle: strings are read as UTF-8, as hmacSha1Hex reads them. */
const nodeHmac = (key: string, message: string): string => createHmac("sha1", key).update(message).digest("hex");

/** `length` characters of printable ASCII, different for every (seed, length). */
const ascii = (length: number, seed: number): string =>
  Array.from({ length }, (_, i) => String.fromCharCode(0x20 + ((i * 31 + seed * 7) % 95))).join("");

describe("hmacSha1Hex", () => {
  // RFC 2202 §3, the cases whose key and data are ASCII (the others use bytes that are not UTF-8 text).
  it.each([
    ["1", "\x0b".repeat(20), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"],
    ["2", "Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"],
    ["5", "\x0c".repeat(20), "Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"],
  ])("gives RFC 2202 test case %s", (_case, key, message, digest) => {
    expect(hmacSha1Hex(key, message)).toBe(digest);
  });

  it("equals createHmac for ASCII keys of every length to 130 bytes and messages of every length to 200", () => {
    // Crosses each boundary SHA-1 padding has: 55/56 bytes (the length no longer fits the block), 64, 119/120.
    for (let keyLength = 0; keyLength <= 130; keyLength++) {
      for (let messageLength = 0; messageLength <= 200; messageLength += keyLength % 2 === 0 ? 1 : 7) {
        const key = ascii(keyLength, messageLength);
        const message = ascii(messageLength, keyLength);
        expect(hmacSha1Hex(key, message), `key ${keyLength} bytes, message ${messageLength}`).toBe(
          nodeHmac(key, message),
        );
      }
    }
  });

  it("equals createHmac for non-ASCII text across the block boundaries, where UTF-8 and UTF-16 lengths part", () => {
    // A key of at most 64 code units but more than 64 UTF-8 bytes must be hashed first (RFC 2104), and a
    // message's padding depends on its length in bytes, not in code units.
    const keys = ["é".repeat(32), "é".repeat(33), "中".repeat(21), "中".repeat(22), "😀".repeat(16), "😀".repeat(17)];
    const messages = [55, 56, 63, 64, 119, 120].flatMap((bytes) => [
      `${"a".repeat(bytes - 2)}é`,
      `${"a".repeat(bytes - 3)}中`,
      `${"a".repeat(bytes - 4)}😀`,
    ]);
    for (const key of keys) {
      for (const message of messages) {
        expect(hmacSha1Hex(key, message), `${key.length} × ${key[0]}, ${message.length} code units`).toBe(
          nodeHmac(key, message),
        );
      }
    }
  });

  it("equals createHmac for any Unicode key and message, read as UTF-8", () => {
    // binary-ascii reaches U+0080–U+00FF (two UTF-8 bytes each); binary reaches every plane. size "max" lets
    // the strings reach their maxLength, so keys pass 64 bytes and messages span several blocks.
    const text = (maxLength: number) =>
      fc.oneof(
        fc.string({ unit: "binary-ascii", maxLength, size: "max" }),
        fc.string({ unit: "binary", maxLength, size: "max" }),
        fc.string({ unit: "grapheme", maxLength, size: "max" }),
      );
    fc.assert(
      fc.property(text(80), text(160), (key, message) => {
        expect(hmacSha1Hex(key, message)).toBe(nodeHmac(key, message));
      }),
      { numRuns: 1000 },
    );
  });

  it("reads a lone surrogate as U+FFFD, as createHmac does", () => {
    for (const [key, message] of [
      ["\ud800", "m"],
      ["k", "a\udfffb"],
      ["\udc00😀", "😀\ud83d"],
    ] as const) {
      expect(hmacSha1Hex(key, message)).toBe(nodeHmac(key, message));
      expect(hmacSha1Hex(key, message)).toBe(
        hmacSha1Hex(key.replace(/[\ud800-\udfff]/gu, "\ufffd"), message.replace(/[\ud800-\udfff]/gu, "\ufffd")),
      );
    }
  });

  it("gives each call its own answer, whatever came before (the calls share scratch space)", () => {
    // A non-ASCII message is found out only after the whole inner hash, then handed to createHmac; a long key
    // takes another path.
    const calls: Array<[string, string]> = [
      ["key", "message"],
      ["k", `${"a".repeat(70)}é`],
      ["x".repeat(200), "message"],
      ["é", "message"],
      ["key", ""],
    ];
    const forward = calls.map(([key, message]) => hmacSha1Hex(key, message));
    const backward = [...calls].reverse().map(([key, message]) => hmacSha1Hex(key, message));
    expect(backward.reverse()).toEqual(forward);
    expect(forward).toEqual(calls.map(([key, message]) => nodeHmac(key, message)));
  });
});
