/** The stdout and stderr a command's `run(argv, env, io)` writes, collected for a test to read. */
export function capturedIo() {
  const output = { stdout: "", stderr: "" };
  return {
    output,
    io: {
      stdout: (text: string) => {
        output.stdout += text;
      },
      stderr: (text: string) => {
        output.stderr += text;
      },
    },
  };
}
