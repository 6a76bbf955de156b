import { describe, expect, it } from "vitest";
import { loggedCause, redact, secretValues } from "../src/cause";
import { PresignError } from "../src/errors";

describe("secretValues", () => {
  it("takes the values of settings named like secrets, and nothing else", () => {
    const env = {
      LINK_SECRET: "a passphrase with spaces in it",
      STS_SECRET_KEY: "k".repeat(32),
      TENCENTCLOUD_SESSIONTOKEN: "token-token-token",
      STS_SECRET_ID: "AKIDnotsecret",
      COS_BUCKET: "examplebucket-1250000000",
      JWT_SECRET: "short",
    };
    expect(secretValues(env).sort()).toEqual(["a passphrase with spaces in it", "k".repeat(32), "token-token-token"]);
  });
});

describe("redact", () => {
  it("blanks known secrets wherever they stand, and any long key-like run", () => {
    const message =
      "failed with a passphrase with spaces in it and AKIDabcdefghijklmnopqrstuvwxyz0123 near public/a.txt";
    expect(redact(message, ["a passphrase with spaces in it"])).toBe(
      "failed with [redacted] and [redacted] near public/a.txt",
    );
  });

  it("clips a long message", () => {
    expect(redact("word ".repeat(200), []).length).toBeLessThanOrEqual(301);
  });
});

describe("loggedCause", () => {
  it("describes what an InternalError wraps, its own cause too, with file:line:column frames", () => {
    const inner = new RangeError("inner");
    const outer = new TypeError("outer", { cause: inner });
    const logged = loggedCause(new PresignError("InternalError", "generic", { cause: outer }), []);
    expect(logged).toMatchObject({
      name: "TypeError",
      message: "outer",
      cause: { name: "RangeError", message: "inner" },
    });
    expect(logged?.frames[0]).toMatch(/cause\.test\.ts:\d+:\d+$/);
    expect(logged?.frames.every((frame) => !frame.includes("/"))).toBe(true);
  });

  it("says nothing for errors that explain themselves by their code", () => {
    expect(loggedCause(new PresignError("NoSuchKey", "missing", { cause: new Error("x") }), [])).toBeUndefined();
    expect(loggedCause(undefined, [])).toBeUndefined();
  });

  it("copes with a thrown value that is not an Error", () => {
    expect(loggedCause(new PresignError("InternalError", "generic", { cause: "a string" }), [])).toEqual({
      name: "string",
      message: "a string",
      frames: [],
    });
  });
});
