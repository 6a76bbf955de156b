import { afterAll, expect } from "vitest";
import { hygiene, leaks, recordOutput } from "../support/hygiene";

/**
 * Runs in every test file: whatever reaches stdout, stderr or the console in this worker is recorded, and at
 * the end of the file none of it may contain a secret a test double registered.
 */
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recordOutput(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    recordOutput(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    original(...args);
  };
}

afterAll(() => {
  expect(leaks(), `secrets in the output of this test file (${hygiene().secrets.size} registered)`).toEqual([]);
});
