/**
 * Secret hygiene across the whole suite. Test doubles register every secret they hold or mint (caller keys,
 * temporary keys, session tokens, link secrets, JWTs, q-signatures); everything the function logs in a test
 * worker is recorded. test/setup/hygiene.ts fails a test file whose recorded output contains a registered
 * secret.
 */
interface Hygiene {
  readonly secrets: Set<string>;
  readonly output: string[];
}

const store = globalThis as typeof globalThis & { __cosPresignHygiene?: Hygiene };

export function hygiene(): Hygiene {
  store.__cosPresignHygiene ??= { secrets: new Set(), output: [] };
  return store.__cosPresignHygiene;
}

/** Values shorter than 8 characters would match by chance ("abc"), so they are not worth registering. */
export function registerSecret(...values: ReadonlyArray<string | undefined | null>): void {
  for (const value of values) {
    if (typeof value === "string" && value.length >= 8) hygiene().secrets.add(value);
  }
}

export function recordOutput(text: string): void {
  hygiene().output.push(text);
}

/** Every registered secret found in the recorded output, each with the line it was in (secret masked). */
export function leaks(): string[] {
  const { secrets, output } = hygiene();
  const found: string[] = [];
  for (const line of output) {
    for (const secret of secrets) {
      if (line.includes(secret)) found.push(line.replaceAll(secret, `<secret ${secret.slice(0, 3)}…>`));
    }
  }
  return found;
}
