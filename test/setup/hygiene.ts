import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { format } from "node:util";
import { afterAll, expect } from "vitest";
import { hygiene, leaks, recordOutput } from "../support/hygiene";

/**
 * Runs in every test file: whatever reaches stdout, stderr (streams or fds 1 and 2) or the console in this
 * worker is recorded, and at the end of the file none of it may contain a secret a test double registered.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordOutput(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
// The function's logger writes to fd 1 synchronously (see src/log.ts).
const writeSync = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
fs.writeSync = ((fd: unknown, data: unknown, ...rest: unknown[]) => {
  if ((fd === 1 || fd === 2) && (typeof data === "string" || data instanceof Uint8Array)) {
    recordOutput(typeof data === "string" ? data : Buffer.from(data).toString("utf8"));
  }
  return writeSync(fd, data, ...rest);
}) as typeof fs.writeSync;
// ES modules that imported writeSync by name see the patched one too.
syncBuiltinESMExports();
for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    // What console itself would print: JSON.stringify turns an Error into {} and throws on a cycle.
    recordOutput(format(...args));
    original(...args);
  };
}

afterAll(() => {
  expect(leaks(), `secrets in the output of this test file (${hygiene().secrets.size} registered)`).toEqual([]);
});
