/**
 * What the command-line scripts share: each exports `run(argv, env, io)`, which returns its exit status and
 * touches neither `process.argv`, `process.env` nor the process's streams, so tests run it in-process. Only
 * the few lines under `require.main === module` connect it to the real process.
 */

export interface CliIo {
  /** What the command produces (a link, a token, a result), and nothing else, so it can be piped. */
  readonly stdout: (text: string) => void;
  /** Notes, problems and usage. */
  readonly stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Runs a command for real: its status becomes the process's exit code; an unexpected throw is reported without a stack. */
export function runAsMain(
  name: string,
  run: (argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number> | number,
): void {
  Promise.resolve()
    .then(() => run(process.argv.slice(2), process.env, processIo))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
}

/** The function's configuration problems (loadConfig's list, which never quotes a secret), one per line. */
export function problemReport(command: string, problems: readonly string[], refusal: string): string {
  const count = problems.length;
  return (
    `${command}: the function's configuration has ${count} problem${count === 1 ? "" : "s"}; ${refusal}:\n` +
    problems.map((problem) => `  - ${problem}\n`).join("")
  );
}
