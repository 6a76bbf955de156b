import { describe, expect, it } from "vitest";
import { type LogRecord, logLine, stdoutLogger } from "../src/log";
import { hygiene } from "./support/hygiene";

/**
 * Every line boundary Python's str.splitlines knows (its documentation lists them), the widest common reader:
 * \n, \r, \r\n, VT, FF, FS, GS, RS, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
 */
const SPLITLINES_BOUNDARIES = [
  "\n",
  "\r",
  "\r\n",
  "\u000b",
  "\u000c",
  "\u001c",
  "\u001d",
  "\u001e",
  "\u0085",
  "\u2028",
  "\u2029",
];
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters under test.
const SPLITLINES = /\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;

function codePoints(text: string): string {
  return [...text].map((character) => `U+${character.charCodeAt(0).toString(16).padStart(4, "0")}`).join(" ");
}

function record(key: string): LogRecord {
  return { requestId: "r-1", trigger: "web", key, code: "InvalidKey", status: 400, durationMs: 1 };
}

describe("logLine", () => {
  it.each(SPLITLINES_BOUNDARIES.map((boundary) => [codePoints(boundary), boundary]))(
    "keeps a key holding %s on one line, and gives the key back when parsed",
    (_name, boundary) => {
      const key = `public/a${boundary}{"requestId":"forged"}`;
      const line = logLine(record(key));
      expect(line.endsWith("\n")).toBe(true);
      const body = line.slice(0, -1);
      expect(body.split(SPLITLINES)).toEqual([body]);
      expect(JSON.parse(body)).toEqual(record(key));
    },
  );

  it("escapes DEL and C1 controls too, and leaves other non-ASCII as it is", () => {
    const key = "public/\u007f\u0080\u009f文件😀";
    const line = logLine(record(key));
    expect(line).toContain("\\u007f\\u0080\\u009f文件😀");
    expect(JSON.parse(line)).toEqual(record(key));
  });

  it("is what the stdout logger writes", () => {
    const before = hygiene().output.length;
    stdoutLogger(record("public/a\u2028b"));
    expect(hygiene().output.slice(before).join("")).toBe(logLine(record("public/a\u2028b")));
  });
});
