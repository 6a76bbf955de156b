import { writeSync } from "node:fs";
import type { LoggedCause } from "./cause";

/**
 * One JSON line per invocation. Only the fields below can reach a log: no secret, token, signature or
 * signed URL is ever a field, and values are JSON-escaped so a hostile key cannot forge a line.
 */
export interface LogRecord {
  readonly requestId: string;
  readonly trigger: Trigger;
  /** HTTP triggers: the request's method. */
  readonly method?: string;
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
 * A synchronous write to fd 1: the first touch of `process.stdout` builds a stream and costs a few ms of the
 * cold start. If the descriptor is a non-blocking pipe that is full (EAGAIN), the stream takes over.
 */
export const stdoutLogger: Logger = (record) => {
  const line = `${JSON.stringify(record)}\n`;
  try {
    writeSync(1, line);
  } catch {
    process.stdout.write(line);
  }
};
