import { describe, expect, it } from "vitest";
import { stdoutLogger } from "../../src/log";
import { hygiene, leaks, recordOutput, registerSecret } from "./hygiene";

describe("the secret-hygiene check itself", () => {
  it("finds a registered secret in recorded output, masked, and ignores short values", () => {
    const secret = "tmpSecretKey-0123456789abcdef";
    registerSecret(secret, "abc");
    const before = hygiene().output.length;
    recordOutput(`{"requestId":"r","note":"${secret}"}`);
    recordOutput('{"requestId":"r","note":"abc"}');
    try {
      expect(leaks()).toEqual(['{"requestId":"r","note":"<secret tmp…>"}']);
      expect(hygiene().secrets.has("abc")).toBe(false);
    } finally {
      // Leave the file's own end-of-file check clean.
      hygiene().output.splice(before);
    }
  });

  it("records what the function's own logger writes, and stream writes too", () => {
    const before = hygiene().output.length;
    stdoutLogger({ requestId: "logger-probe", trigger: "direct", code: "OK", status: 200, durationMs: 1 });
    process.stdout.write('{"requestId":"stream-probe"}\n');
    const recorded = hygiene().output.slice(before).join("");
    expect(recorded).toContain("logger-probe");
    expect(recorded).toContain("stream-probe");
  });
});
