import { writeSync } from "node:fs";
import type { LoggedCause } from "./cause";

/**
 * One JSON line per invocation. Only the fields below can reach a log: no secret, token, signature or
 * signed URL is ever a field, and values are escaped (see logLine) so a hostile key cannot forge a line.
 */
export interface LogRecord {
  readonly requestId: string;
  readonly trigger: Trigger;
  /** HTTP triggers: the request's method. */
  readonly method?: string;
  /** HTTP triggers, when no key could be read: the request path (still percent-encoded, without the query). */
  readonly path?: string;
  readonly key?: string;
  /** Batch invocations: how many keys, and how many got a URL. */
  readonly keys?: number;
  readonly succeeded?: number;
  /** "OK" or the error code. */
  readonly code: string;
  readonly status: number;
  /** For an error: the message the caller got (messages never carry a secret). */
  readonly message?: string;
  readonly cache?: "hit" | "miss";
  readonly stsRequestId?: string;
  readonly auth?: string;
  readonly durationMs: number;
  /** Safe context of a failure: the STS error code and RequestId, or the configuration problems (which never
   * quote a secret value). */
  readonly detail?: Readonly<Record<string, string>>;
  /** For an InternalError: what it wraps, redacted (see cause.ts). */
  readonly cause?: LoggedCause;
}

/** functionUrl and apiGateway: SCF HTTP events; web: the node:http adapter (web function, npm start). */
export type Trigger = "functionUrl" | "apiGateway" | "direct" | "batch" | "web" | "unknown";

export type Logger = (record: LogRecord) => void;

/** Keys can be up to 850 bytes when valid, and anything when hostile: keep log lines bounded. */
const MAX_LOGGED_KEY = 900;

export function clipKey(key: string): string {
  return key.length > MAX_LOGGED_KEY ? `${key.slice(0, MAX_LOGGED_KEY)}…` : key;
}

/**
 * Characters some reader takes for the end of a line that JSON.stringify leaves raw: NEL (U+0085), LINE
 * SEPARATOR and PARAGRAPH SEPARATOR (U+2028, U+2029) end a line for Python's str.splitlines and many log
 * viewers, and the last two for JavaScript's own regular expressions. The rest of C1 and DEL go too: they are
 * invisible in a log either way. (JSON.stringify already escapes every C0 control: VT, FF, FS, GS and RS,
 * which splitlines also breaks on, included.)
 */
const LINE_BREAKERS = /[\u007f-\u009f\u2028\u2029]/g;

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** The record as one JSON line that every line-splitting reader sees as one line, ending in "\n". */
export function logLine(record: LogRecord): string {
  return `${JSON.stringify(record).replace(LINE_BREAKERS, escapeCharacter)}\n`;
}

/**
 * A synchronous write to fd 1: the first touch of `process.stdout` builds a stream and costs a few ms of the
 * cold start. If the descriptor is a non-blocking pipe that is full (EAGAIN), the stream takes over.
 */
export const stdoutLogger: Logger = (record) => {
  const line = logLine(record);
  try {
    writeSync(1, line);
  } catch {
    process.stdout.write(line);
  }
};
