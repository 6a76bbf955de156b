/**
 * Bounded retries with jittered exponential backoff, each attempt under its own timeout and all of them under one
 * deadline. Generic: what counts as retryable is the caller's business.
 */

export interface RetryOptions {
  readonly maxAttempts: number;
  /** Longest a single attempt may take; the last attempt also gets no more than what is left of the deadline. */
  readonly attemptTimeoutMs: number;
  /** Budget for all attempts and the waits between them, counted from the first attempt. */
  readonly deadlineMs: number;
  readonly isRetryable: (error: unknown) => boolean;
  /** In [0, 1); injected so tests can pin the jitter. */
  readonly random?: () => number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /**
   * Monotonic milliseconds. Deliberately not the wall clock the cache uses: tests move that clock by hours, and a
   * deadline must measure real time.
   */
  readonly clock?: () => number;
  /** Shared by every call of one caller (one instance): retries go ahead only while it has room. */
  readonly budget?: RetryBudget;
}

const RETRY_DEFAULTS = { baseDelayMs: 100, maxDelayMs: 1000 } as const;

/** An attempt that did not finish within its time. Always retryable: the request may never have arrived. */
export class AttemptTimeout extends Error {
  override readonly name = "AttemptTimeout";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** Every allowed attempt failed with a retryable error, or the deadline left no room for another. */
export class RetriesExhausted extends Error {
  override readonly name = "RetriesExhausted";
  readonly attempts: number;
  readonly lastError: unknown;
  readonly deadlineReached: boolean;
  constructor(attempts: number, lastError: unknown, deadlineReached: boolean) {
    super(`gave up after ${attempts} attempt(s)${deadlineReached ? " at the deadline" : ""}`, { cause: lastError });
    this.attempts = attempts;
    this.lastError = lastError;
    this.deadlineReached = deadlineReached;
  }
}

/**
 * "Equal jitter": half the exponential step fixed, half random. Full jitter can draw ~0 and hammer a throttled
 * service; no jitter makes every warm instance that failed together retry together.
 */
export function backoffDelayMs(
  failedAttempt: number,
  random: () => number,
  baseDelayMs: number = RETRY_DEFAULTS.baseDelayMs,
  maxDelayMs: number = RETRY_DEFAULTS.maxDelayMs,
): number {
  const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * How many retries one instance may make: every first attempt earns a tenth of a retry, every retry spends one,
 * and an instance starts with (and saves up to) a few, enough for a couple of requests' retries. Alone, an
 * instance's retries ride out a blip; when STS throttles the whole fleet, unbudgeted retries of hundreds of
 * instances multiply the calls STS refuses, keep requests waiting and instances busy (so SCF starts more, each
 * with an empty cache) and deepen the overload they meet; with the budget, sustained overload costs about a tenth
 * more calls, not up to maxAttempts times as many. The idea is gRPC's retry throttling and the AWS SDKs' retry
 * quota; `npm run bench:scale` measures it against the code without it (docs/performance.md, "Capacity").
 */
export class RetryBudget {
  /** Calls per retry earned. Counted in whole calls, so that ten tenths make exactly one retry. */
  readonly #callsPerRetry: number;
  readonly #maxCredits: number;
  #credits: number;
  constructor(options: { callsPerRetry?: number; maxSaved?: number } = {}) {
    this.#callsPerRetry = options.callsPerRetry ?? 10;
    this.#maxCredits = this.#callsPerRetry * (options.maxSaved ?? 4);
    this.#credits = this.#maxCredits;
  }
  /** Credits a first attempt. */
  earn(): void {
    this.#credits = Math.min(this.#maxCredits, this.#credits + 1);
  }
  /** Spends one retry if there is one. */
  trySpend(): boolean {
    if (this.#credits < this.#callsPerRetry) return false;
    this.#credits -= this.#callsPerRetry;
    return true;
  }
}

/** Below this an attempt cannot complete a round trip, so starting one only burns the deadline. */
const MIN_USEFUL_ATTEMPT_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function runWithTimeout<T>(
  operation: (signal: AbortSignal, attempt: number) => Promise<T>,
  attempt: number,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The race is what enforces the deadline even if the operation ignores its signal; the abort is what frees the
  // socket when it does not.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptTimeout(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal, attempt), timedOut]);
  } catch (error) {
    // An operation that noticed the abort first rejects with its own AbortError; it is still our timeout.
    if (controller.signal.aborted) throw new AttemptTimeout(timeoutMs);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error (rethrown as is), or attempts or deadline
 * run out (`RetriesExhausted`, carrying the last error).
 */
export async function withRetries<T>(
  operation: (signal: AbortSignal, attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  // hrtime rather than performance.now(), which would load perf_hooks on the cold path.
  const clock = options.clock ?? (() => Number(process.hrtime.bigint()) / 1e6);
  const random = options.random ?? Math.random;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  const start = clock();
  const remaining = (): number => options.deadlineMs - (clock() - start);
  const minAttemptMs = Math.min(options.attemptTimeoutMs, MIN_USEFUL_ATTEMPT_MS);

  let lastError: unknown;
  options.budget?.earn();
  for (let attempt = 1; ; attempt++) {
    try {
      return await runWithTimeout(operation, attempt, Math.max(1, Math.min(options.attemptTimeoutMs, remaining())));
    } catch (error) {
      if (!(error instanceof AttemptTimeout) && !options.isRetryable(error)) throw error;
      lastError = error;
    }
    if (attempt >= maxAttempts) throw new RetriesExhausted(attempt, lastError, false);
    const delay = backoffDelayMs(attempt, random, options.baseDelayMs, options.maxDelayMs);
    if (remaining() - delay < minAttemptMs) throw new RetriesExhausted(attempt, lastError, true);
    if (options.budget !== undefined && !options.budget.trySpend())
      throw new RetriesExhausted(attempt, lastError, false);
    await sleep(delay);
  }
}
