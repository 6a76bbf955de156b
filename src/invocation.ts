import { randomUUID } from "node:crypto";
import { loggedCause, secretValues } from "./cause";
import type { RuntimeOptions } from "./context";
import type { Env } from "./env";
import { asPresignError, type PresignError } from "./errors";
import { clipKey, type Logger, type LogRecord, stdoutLogger, type Trigger } from "./log";
import type { PresignOutcome } from "./presign";

/** What an adapter reports of one invocation, for its log line. */
export interface InvocationOutcome {
  readonly trigger: Trigger;
  readonly method?: string;
  /** HTTP triggers: the request path, logged when no key could be read from it. */
  readonly path?: string;
  readonly status: number;
  readonly key?: string;
  /** Batch invocations: how many keys, and how many got a URL. */
  readonly keys?: number;
  readonly succeeded?: number;
  readonly presigned?: PresignOutcome;
  readonly auth?: string;
  readonly error?: PresignError;
  /** A batch's first unexpected item failure: the batch answered, but the bug must still reach the log. */
  readonly itemError?: PresignError;
}

export interface Invoked<A> {
  readonly answer: A;
  readonly outcome: InvocationOutcome;
}

/** What every entry accepts: the wiring (context.ts) and the log sink. */
export type FunctionOptions = RuntimeOptions & InvocationOptions;

export interface InvocationOptions {
  readonly log?: Logger;
  /** Where the secret settings are read from, to keep them out of logged error messages; default process.env. */
  readonly env?: Env;
}

/**
 * Runs one invocation: `work` answers and says what happened; anything it throws is answered by `fail` (as its
 * PresignError, or an InternalError that keeps it as the cause). Either way one log line is written, with the
 * duration, and the cause of an unexpected error.
 */
export type Invoke = <A>(
  requestId: string,
  trigger: Trigger,
  work: () => Promise<Invoked<A>>,
  fail: (error: PresignError) => A,
) => Promise<A>;

/** The parts of SCF's `context` (its handler's second argument) the adapters read. */
export interface ScfContext {
  readonly request_id?: string;
}

/** A request id from the platform is used when it looks like one; otherwise a fresh one. */
const PLATFORM_REQUEST_ID = /^[\w-]{1,128}$/;

export function requestIdFrom(...candidates: ReadonlyArray<unknown>): string {
  for (const candidate of candidates) {
    if (typeof candidate === "string" && PLATFORM_REQUEST_ID.test(candidate)) return candidate;
  }
  return randomUUID();
}

export function createInvoker(options: InvocationOptions = {}): Invoke {
  const log = options.log ?? stdoutLogger;
  // Read afresh for each unexpected error (SCF rotates the execution role's keys in a warm instance), and only then:
  // the normal path never pays for it.
  const causeOf = (error: PresignError | undefined) =>
    error?.code === "InternalError" ? loggedCause(error, secretValues(options.env ?? process.env)) : undefined;

  return async <A>(
    requestId: string,
    trigger: Trigger,
    work: () => Promise<Invoked<A>>,
    fail: (error: PresignError) => A,
  ): Promise<A> => {
    // hrtime, not performance.now(): the latter loads perf_hooks on the cold path.
    const started = process.hrtime.bigint();
    let invoked: Invoked<A>;
    try {
      invoked = await work();
    } catch (thrown) {
      const error = asPresignError(thrown);
      invoked = { answer: fail(error), outcome: { trigger, status: error.status, error } };
    }
    const { outcome } = invoked;
    const { error, presigned } = outcome;
    const cause = causeOf(error ?? outcome.itemError);
    const record: LogRecord = {
      requestId,
      trigger: outcome.trigger,
      ...(outcome.method === undefined ? {} : { method: outcome.method }),
      ...(outcome.key === undefined ? {} : { key: clipKey(outcome.key) }),
      ...(outcome.key !== undefined || outcome.path === undefined ? {} : { path: clipKey(outcome.path) }),
      ...(outcome.keys === undefined ? {} : { keys: outcome.keys, succeeded: outcome.succeeded ?? 0 }),
      code: error?.code ?? "OK",
      status: outcome.status,
      ...(error === undefined ? {} : { message: error.message }),
      ...(presigned === undefined ? {} : { cache: presigned.cacheHit ? "hit" : "miss" }),
      ...(presigned?.stsRequestId === undefined ? {} : { stsRequestId: presigned.stsRequestId }),
      ...(outcome.auth === undefined ? {} : { auth: outcome.auth }),
      durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
      ...(error === undefined || Object.keys(error.detail).length === 0 ? {} : { detail: error.detail }),
      ...(cause === undefined ? {} : { cause }),
    };
    try {
      log(record);
    } catch {
      // A broken log sink must not turn a good answer into a failed invocation.
    }
    return invoked.answer;
  };
}
