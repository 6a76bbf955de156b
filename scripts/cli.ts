/**
 * What the command-line scripts share: each exports `run(argv, env, io)`, which returns its exit status and
 * touches neither `process.argv`, `process.env` nor the process's streams, so tests run it in-process. Only
 * the few lines under `require.main === module` connect it to the real process.
 */

export interface CliIo {
  /** What the command produces (a link, a token, a result), so it can be piped; invoke's also carries the
   * function's own log line first, as `scf invoke local` shows it. */
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

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
/** Longer than any link or token should live, and far inside what a Date (and a link's exp) can hold. */
const MAX_TTL_SECONDS = 10 * 365 * 86_400;

/** `--ttl`: a lifetime such as 3600, 90m, 12h, 7d or 2w, in seconds, from one second to ten years. */
export function ttlOption(raw: string): number {
  const match = /^(\d{1,9})([smhdw]?)$/.exec(raw.trim());
  const amount = match?.[1];
  const seconds = match === null || amount === undefined ? 0 : Number(amount) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
  if (seconds <= 0) throw new Refusal(`--ttl ${JSON.stringify(raw)} is not a duration such as 900, 15m, 1h, 7d or 2w`);
  if (seconds > MAX_TTL_SECONDS) throw new Refusal(`--ttl ${JSON.stringify(raw)} is longer than 10 years`);
  return seconds;
}

/** A mistake in the command line or the settings: the message names it; `usage` says whether the usage line helps. */
export class Refusal extends Error {
  constructor(
    message: string,
    readonly usage = true,
  ) {
    super(message);
  }
}

/** Prints a Refusal (exit status 2); anything else is not a refusal and goes on up. */
export function refused(command: string, shortUsage: string, error: unknown, io: CliIo): 2 {
  if (!(error instanceof Refusal)) throw error;
  io.stderr(`${command}: ${error.message}\n${error.usage ? `${shortUsage}\n` : ""}`);
  return 2;
}

/** For commands that read the clock (a link's or a token's expiry). */
export interface ClockIo extends CliIo {
  /** Unix milliseconds. */
  readonly now?: () => number;
}
