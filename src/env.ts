/**
 * Reading the environment, shared by config.ts, sts/settings.ts and auth/settings.ts so every variable is read
 * by the same rules: unset and blank mean the same (deployment tools often write `NAME=` for "not set"),
 * settings are trimmed, secrets are not, and a problem names the variable but never repeats its value.
 */

import { isLoopbackHost } from "./loopback";

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

/** RFC 1123 host names and dotted IPv4 (URL.hostname gives them lower-case). */
const HOST_NAME = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/**
 * A host setting (STS_ENDPOINT, COS_DOMAIN): `host[:port]`, `https://host[:port]`, or `http://` towards a
 * loopback host only (a local fake or emulator; anything else would send keys or signed requests in the clear).
 * Returns the host as a WHATWG client will send it (lower case, no default port) and the protocol, or the
 * problem, naming the variable. IPv6 only as the bracketed loopback.
 */
export function parseHostUrl(
  name: string,
  raw: string,
  example: string,
): { readonly host: string; readonly protocol: "https:" | "http:" } | string {
  // Spelled out rather than /i: the first case-insensitive regular expression in a process pays for one-time
  // set-up, and this runs on every cold start (docs/performance.md, cold start).
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw);
  let url: URL;
  try {
    url = new URL(hasScheme ? raw : `https://${raw}`);
  } catch {
    return `${name} must be a host name such as ${example}, optionally with :port or https://`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `${name} must use https:// (or http:// for a loopback test server)`;
  }
  if (url.username !== "" || url.password !== "" || (url.pathname !== "/" && url.pathname !== "") || url.search) {
    return `${name} must be only a host and optional port, without credentials, path or query`;
  }
  if (url.hostname !== "[::1]" && !HOST_NAME.test(url.hostname)) {
    return `${name} has an invalid host name`;
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return `${name} may use http:// only for a loopback host (127.x.x.x, localhost, [::1]); use https://`;
  }
  return { host: url.host, protocol: url.protocol };
}
