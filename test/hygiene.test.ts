import { describe, expect, it } from "vitest";
import { hygiene, leaks, recordOutput, registerSecret } from "./support/hygiene";

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

  it("records what the function writes to stdout", () => {
    const before = hygiene().output.length;
    process.stdout.write('{"requestId":"stdout-probe"}\n');
    expect(hygiene().output.slice(before).join("")).toContain("stdout-probe");
  });
});
