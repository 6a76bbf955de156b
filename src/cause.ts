import type { PresignError } from "./errors";

/** What the operator's log line says of an unexpected error: enough to find the bug, never a secret. */
export interface LoggedCause {
  readonly name: string;
  /** Redacted (see redact) and clipped. */
  readonly message: string;
  /** The top stack frames as `function file:line:column`, file names without their folders. */
  readonly frames: readonly string[];
  /** The error this one was caused by, when it says. */
  readonly cause?: LoggedCause;
}

const MAX_FRAMES = 5;
const MAX_MESSAGE = 300;
const MAX_DEPTH = 3;
/**
 * Settings whose values are secrets by name: LINK_SECRET, STS_SECRET_KEY, TENCENTCLOUD_SESSIONTOKEN, … but not the
 * key ids (STS_SECRET_ID, TENCENTCLOUD_SECRETID), which name a key without granting anything.
 */
const SECRET_SETTING = /SECRET|TOKEN|PASSWORD|PRIVATE|KEY$/i;
const KEY_ID = /ID$/i;
/**
 * A long unbroken run of key-like characters: a key, a token, a signature or a JWT segment that reached a message
 * unannounced. Ordinary words and paths are shorter, or broken by other characters.
 */
const SECRET_LIKE = /[A-Za-z0-9+/=_-]{24,}/g;

/**
 * The values of the secret settings in `env`, to be blanked wherever they appear. An environment that cannot be
 * read (the very bug being logged, perhaps) gives none: the pattern below still applies.
 */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  try {
    for (const [name, value] of Object.entries(env)) {
      if (SECRET_SETTING.test(name) && !KEY_ID.test(name) && typeof value === "string" && value.trim().length >= 8)
        values.push(value.trim());
    }
  } catch {
    // Keep what was read before the failure.
  }
  return values;
}

function blank(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) clean = clean.split(secret).join("[redacted]");
  return clean;
}

export function redact(text: string, secrets: readonly string[]): string {
  const clean = blank(text, secrets).replace(SECRET_LIKE, "[redacted]");
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
}

/** `    at fn (/var/user/index.js:1:2345)` → `fn index.js:1:2345`. */
function frameOf(line: string): string | undefined {
  const match = /^\s*at (?:(.+?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
  if (match === null) return undefined;
  const [, fn, file = "", row, column] = match;
  const base = file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);
  return `${fn === undefined ? "" : `${fn} `}${base}:${row}:${column}`;
}

function describe(error: unknown, secrets: readonly string[], depth: number): LoggedCause {
  if (!(error instanceof Error)) {
    return { name: typeof error, message: redact(String(error), secrets), frames: [] };
  }
  const frames: string[] = [];
  for (const line of (error.stack ?? "").split("\n")) {
    const frame = frameOf(line);
    // Only the known secrets: a frame names functions and files, and long identifiers are not key material.
    if (frame !== undefined) frames.push(blank(frame, secrets));
    if (frames.length === MAX_FRAMES) break;
  }
  const inner = error.cause;
  return {
    name: error.name,
    message: redact(error.message, secrets),
    frames,
    ...(inner === undefined || depth >= MAX_DEPTH ? {} : { cause: describe(inner, secrets, depth + 1) }),
  };
}

/**
 * The cause worth logging, if any: what an InternalError wraps (a bug, or a dependency that failed to load). Errors
 * the caller caused, or that a service reported, explain themselves by their code and detail.
 */
export function loggedCause(error: PresignError | undefined, secrets: readonly string[]): LoggedCause | undefined {
  if (error?.code !== "InternalError") return undefined;
  return describe(error.cause ?? error, secrets, 1);
}
