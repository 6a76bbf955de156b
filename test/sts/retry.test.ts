import { describe, expect, it } from "vitest";
import { AttemptTimeout, backoffDelayMs, RetriesExhausted, RetryBudget, withRetries } from "../../src/sts/retry";

class Transient extends Error {}
const isRetryable = (error: unknown) => error instanceof Transient;
const fast = { attemptTimeoutMs: 100, deadlineMs: 2000, isRetryable, baseDelayMs: 1, maxDelayMs: 2 } as const;

describe("backoffDelayMs", () => {
  it("doubles per failed attempt, jitters the upper half, and is capped", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, () => 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe("withRetries", () => {
  it("returns the first success", async () => {
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw new Transient();
        return "ok";
      },
      { ...fast, maxAttempts: 3 },
    );
    expect([result, calls]).toEqual(["ok", 3]);
  });

  it("stops at the attempt bound with the last error", async () => {
    let calls = 0;
    const error = await withRetries(
      async () => {
        calls++;
        throw new Transient(`#${calls}`);
      },
      { ...fast, maxAttempts: 3 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect(error).toMatchObject({ attempts: 3, deadlineReached: false });
    expect((error as RetriesExhausted).lastError).toMatchObject({ message: "#3" });
    expect(calls).toBe(3);
  });

  it("does not retry what is not retryable", async () => {
    let calls = 0;
    const fatal = new Error("fatal");
    await expect(
      withRetries(
        async () => {
          calls++;
          throw fatal;
        },
        { ...fast, maxAttempts: 3 },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it("times an attempt out, aborts its signal, and retries", async () => {
    const signals: AbortSignal[] = [];
    const started = performance.now();
    const error = await withRetries(
      (signal) => {
        signals.push(signal);
        return new Promise<never>(() => {}); // ignores its signal: the timeout must still win
      },
      { ...fast, attemptTimeoutMs: 30, maxAttempts: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhausted);
    expect((error as RetriesExhausted).lastError).toBeInstanceOf(AttemptTimeout);
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    expect(performance.now() - started).toBeLessThan(1000); // a guard: without the timeout this never ends
  });

  it("keeps every attempt and wait inside the deadline", async () => {
    let calls = 0;
    const started = performance.now();
    const error = await withRetries(
      () => {
        calls++;
        return new Promise<never>(() => {});
      },
      { isRetryable, attemptTimeoutMs: 100, deadlineMs: 250, maxAttempts: 10, baseDelayMs: 20, maxDelayMs: 20 },
    ).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toMatchObject({ deadlineReached: true });
    expect(calls).toBeLessThan(10);
    expect(elapsed).toBeLessThan(250 + 100);
  });
});

describe("RetryBudget", () => {
  it("starts with four retries by default", () => {
    const budget = new RetryBudget();
    expect([1, 2, 3, 4, 5].map(() => budget.trySpend())).toEqual([true, true, true, true, false]);
  });

  it("starts with what it may save, earns a retry per ten calls, and saves up no more", () => {
    const budget = new RetryBudget({ callsPerRetry: 10, maxSaved: 2 });
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([true, true, false]);
    for (let i = 0; i < 9; i++) budget.earn();
    expect(budget.trySpend()).toBe(false);
    budget.earn();
    expect([budget.trySpend(), budget.trySpend()]).toEqual([true, false]);
    for (let i = 0; i < 100; i++) budget.earn();
    expect([budget.trySpend(), budget.trySpend(), budget.trySpend()]).toEqual([true, true, false]);
  });

  it("is shared by the calls it is given to, and earned back by first attempts", async () => {
    const budget = new RetryBudget({ maxSaved: 2 });
    const attempts: number[] = [];
    const failing = () =>
      withRetries(
        async (_signal, attempt) => {
          attempts.push(attempt);
          throw new Transient();
        },
        { ...fast, maxAttempts: 3, budget },
      ).catch((e: unknown) => e);
    const first = await failing(); // spends the two saved retries
    const second = await failing(); // has earned a tenth: not enough
    expect(attempts).toEqual([1, 2, 3, 1]);
    expect(first).toMatchObject({ attempts: 3, deadlineReached: false });
    expect(second).toBeInstanceOf(RetriesExhausted);
    expect(second).toMatchObject({ attempts: 1, deadlineReached: false });

    for (let i = 0; i < 8; i++) await withRetries(async () => "ok", { ...fast, maxAttempts: 3, budget });
    attempts.length = 0;
    await failing(); // the tenth call since the budget ran dry: one retry
    expect(attempts).toEqual([1, 2]);
  });

  it("lets a call succeed on a retry it can afford", async () => {
    const budget = new RetryBudget({ maxSaved: 1 });
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls === 1) throw new Transient();
        return "ok";
      },
      { ...fast, maxAttempts: 3, budget },
    );
    expect([result, calls]).toEqual(["ok", 2]);
  });
});
