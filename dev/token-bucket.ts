/**
 * A token bucket: `ratePerSecond` tokens a second flow into a bucket that holds at most `burst`; each admitted
 * request takes one, and a request that finds the bucket empty is refused (and takes nothing). It stands in for
 * STS's documented limit of 600 requests/s per API (Tencent Cloud API doc 1150/49443); Tencent does not say how
 * it counts inside that second, so the burst is the caller's assumption. Clock-injected so that tests and the
 * capacity simulation (bench/scale/) can run it on their own time.
 */

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  /** Largest number of requests admitted at once from a full bucket; default one second's worth. */
  readonly burst?: number | undefined;
  /** Milliseconds, any origin. */
  readonly now: () => number;
}

export interface TokenBucket {
  /** Takes a token if there is one. */
  tryTake(): boolean;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const rate = options.ratePerSecond;
  const burst = options.burst ?? rate;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError("ratePerSecond must be a positive number");
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError("burst must be at least 1");
  let tokens = burst;
  let filledAt = options.now();
  return {
    tryTake() {
      const now = options.now();
      // A clock that steps back adds nothing rather than draining the bucket.
      tokens = Math.min(burst, tokens + (Math.max(0, now - filledAt) * rate) / 1000);
      filledAt = Math.max(filledAt, now);
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
