/**
 * Reading the environment, shared by config.ts, sts/settings.ts and auth/settings.ts so every variable is read
 * by the same rules: unset and blank mean the same (deployment tools often write `NAME=` for "not set"),
 * settings are trimmed, secrets are not, and a problem names the variable but never repeats its value.
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** A COS or STS region name, such as ap-guangzhou. */
export const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

/** The trimmed value, or undefined when unset or blank. */
export function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

/** A secret as it was given (a key is what it is, spaces included), or undefined when unset or blank. */
export function secretValue(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** A whole number from `min` to `max`; the fallback when unset or blank, or (with a problem) when out of range. */
export function wholeNumber(
  env: Env,
  name: string,
  range: { readonly fallback: number; readonly min: number; readonly max: number; readonly unit: string },
  problems: string[],
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return range.fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    problems.push(`${name} must be a whole number of ${range.unit} from ${range.min} to ${range.max}`);
    return range.fallback;
  }
  return value;
}

/** `"true"` or `"false"` (any case); the fallback when unset or blank. */
export function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== "true" && raw !== "false") problems.push(`${name} must be "true" or "false"`);
  return raw === "true";
}

/** A comma-separated list, each item trimmed, empty items dropped. */
export function list(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
