import { recordOutput } from "./hygiene";

/**
 * The stdout and stderr a command's `run(argv, env, io)` writes, collected for a test to read: each stream, and
 * both interleaved as a terminal shows them. Stderr always goes to the suite's secret check, and so does stdout
 * with `recordStdout` (not for commands whose stdout is a signed URL or a token: that is their product).
 */
export function capturedIo(options: { readonly recordStdout?: boolean } = {}) {
  const output = { stdout: "", stderr: "", both: "" };
  return {
    output,
    io: {
      stdout: (text: string) => {
        output.stdout += text;
        output.both += text;
        if (options.recordStdout === true) recordOutput(text);
      },
      stderr: (text: string) => {
        output.stderr += text;
        output.both += text;
        recordOutput(text);
      },
    },
  };
}
