import { invalidParameter } from "./errors";
import { hasControlCharacter, isWellFormedUnicode } from "./text";

export type Disposition = "attachment" | "inline";

/** What a caller may ask for besides the key, validated and typed. */
export interface DownloadOptions {
  readonly filename?: string;
  readonly disposition?: Disposition;
  readonly versionId?: string;
  readonly expiresSeconds?: number;
  readonly trafficLimit?: number;
}

/** The raw option values as a caller sent them: query strings, or JSON values from a direct invocation. */
export interface RawOptions {
  readonly filename?: unknown;
  readonly disposition?: unknown;
  readonly versionId?: unknown;
  readonly expires?: unknown;
  readonly trafficLimit?: unknown;
}

/** COS's own bounds for x-cos-traffic-limit, in bit/s; outside them COS answers 400. */
export const TRAFFIC_LIMIT_MIN = 819_200;
export const TRAFFIC_LIMIT_MAX = 838_860_800;
/** Above this an `expires` is a mistake, not a wish to be clamped: a week. */
export const EXPIRES_CEILING = 604_800;
const MAX_FILENAME_LENGTH = 255;
/** COS version IDs are base64-like strings. */
const VERSION_ID = /^[A-Za-z0-9+/=_-]{1,128}$/;

function text(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParameter(`${name} must be a string`);
  return value;
}

/** A request option that is a whole number within bounds, from a decimal string or a JSON number. (env.ts has
 * its own wholeNumber for settings: that one falls back and reports a problem, this one refuses the request.) */
function wholeNumberOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const digits = typeof value === "number" ? String(value) : value;
  if (typeof digits !== "string" || !/^[0-9]{1,12}$/.test(digits)) {
    throw invalidParameter(`${name} must be a whole number from ${min} to ${max}`);
  }
  const number = Number(digits);
  if (number < min || number > max) throw invalidParameter(`${name} must be a whole number from ${min} to ${max}`);
  return number;
}

function filename(value: unknown): string | undefined {
  const name = text("filename", value);
  if (name === undefined) return undefined;
  if (name.length === 0 || name.length > MAX_FILENAME_LENGTH) {
    throw invalidParameter(`filename must be 1 to ${MAX_FILENAME_LENGTH} characters`);
  }
  if (hasControlCharacter(name) || !isWellFormedUnicode(name)) {
    throw invalidParameter("filename must not contain control characters or invalid Unicode");
  }
  return name;
}

function disposition(value: unknown): Disposition | undefined {
  const kind = text("disposition", value);
  if (kind === undefined) return undefined;
  if (kind !== "attachment" && kind !== "inline")
    throw invalidParameter('disposition must be "attachment" or "inline"');
  return kind;
}

function versionId(value: unknown): string | undefined {
  const id = text("versionId", value);
  if (id === undefined) return undefined;
  if (!VERSION_ID.test(id)) throw invalidParameter("versionId is not a COS version ID");
  return id;
}

/** Parses every option; the first problem found is the answer. */
export function parseOptions(raw: RawOptions): DownloadOptions {
  const options = {
    filename: filename(raw.filename),
    disposition: disposition(raw.disposition),
    versionId: versionId(raw.versionId),
    expiresSeconds: wholeNumberOption("expires", raw.expires, 1, EXPIRES_CEILING),
    trafficLimit: wholeNumberOption("trafficLimit", raw.trafficLimit, TRAFFIC_LIMIT_MIN, TRAFFIC_LIMIT_MAX),
  };
  // Drop the absent ones so the object only says what was asked.
  return definedOnly(options) as DownloadOptions;
}

/** The record without its undefined entries. */
export function definedOnly<T>(record: Readonly<Record<string, T | undefined>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Record<string, T>;
}
