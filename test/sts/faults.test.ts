import { beforeEach, describe, expect, it } from "vitest";
import type { FaultKind } from "../../dev/fake-sts";
import {
  baseEnv,
  bundleHandler,
  functionUrlEvent,
  type Harness,
  type ScfAnswer,
  useFakeSts,
} from "../support/function";

/**
 * Tight settings so every fault resolves quickly. Five attempts of up to 600 ms would take 3 s, so a hanging
 * STS is stopped by the 1 s deadline, not by the attempt count; the budget guard is generous on top of it.
 */
const TIMEOUT_MS = 600;
const DEADLINE_MS = 1000;
const MAX_ATTEMPTS = 5;
const BUDGET_MS = DEADLINE_MS + 800;

const sts = useFakeSts({ resetEach: true });
let harness: Harness;
let nextKey = 0;

const newInstance = (): Harness =>
  bundleHandler({
    ...baseEnv(sts),
    STS_TIMEOUT_MS: String(TIMEOUT_MS),
    STS_DEADLINE_MS: String(DEADLINE_MS),
    STS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
  });

beforeEach(() => {
  // A new warm instance per test: each case checks the retry policy of a healthy instance, and the faults before
  // it would have spent that instance's retry budget (src/sts/retry.ts RetryBudget; tested below). Within a test,
  // the instance has to survive its fault.
  harness = newInstance();
});

/** A key no earlier test has asked for, so nothing is cached for it yet. */
const freshKey = (): string => `/public/fault-${nextKey++}.txt`;

async function ask(key: string): Promise<{ answer: ScfAnswer; elapsed: number }> {
  const started = performance.now();
  const answer = (await harness.handler(functionUrlEvent(key))) as ScfAnswer;
  return { answer, elapsed: performance.now() - started };
}

const cases: Array<[FaultKind, number, string]> = [
  ["throttle", 503, "CredentialServiceUnavailable"],
  ["internal", 503, "CredentialServiceUnavailable"],
  ["unavailable", 503, "CredentialServiceUnavailable"],
  ["http500", 503, "CredentialServiceUnavailable"],
  ["hang", 503, "CredentialServiceUnavailable"],
  ["reset", 503, "CredentialServiceUnavailable"],
  ["malformed", 502, "CredentialServiceError"],
  ["notJson", 502, "CredentialServiceError"],
  ["expired", 502, "CredentialServiceError"],
  ["authFailure", 502, "CredentialServiceError"],
];

describe("STS faults", () => {
  it.each(cases)("%s → %i %s within the deadline, then the same key succeeds", async (fault, status, code) => {
    sts.fail(fault, 10);
    const key = freshKey();
    const { answer, elapsed } = await ask(key);
    expect(answer.statusCode).toBe(status);
    expect(JSON.parse(answer.body).error.code).toBe(code);
    expect(harness.logs.at(-1)).toMatchObject({ code, status });
    if (status === 503) expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeLessThan(BUDGET_MS);
    // Retryable faults are retried up to the bound; the others are not retried at all.
    expect(sts.calls.length).toBeLessThanOrEqual(status === 503 ? MAX_ATTEMPTS : 1);
    // A 600 ms attempt timeout inside a 1000 ms deadline leaves room for a retry even after a hang.
    if (status === 503) expect(sts.calls.length).toBeGreaterThanOrEqual(2);

    // The failure was not cached: the same key goes to STS again and succeeds.
    sts.reset();
    const healthy = await ask(key);
    expect(healthy.answer.statusCode).toBe(302);
    expect(sts.calls.length).toBe(1);
  });

  it("recovers inside one request when a retry succeeds", async () => {
    sts.fail("throttle", 2);
    const { answer } = await ask(freshKey());
    expect(answer.statusCode).toBe(302);
    expect(sts.calls.map((call) => call.outcome)).toEqual(["fault:throttle", "fault:throttle", "issued"]);
  });

  it("an instance that keeps meeting throttling stops retrying once its retry budget is spent", async () => {
    // Three attempts fit the deadline whatever the jitter, so only the budget decides how many are made.
    harness = bundleHandler({
      ...baseEnv(sts),
      STS_MAX_ATTEMPTS: "3",
      STS_TIMEOUT_MS: String(TIMEOUT_MS),
      STS_DEADLINE_MS: String(DEADLINE_MS),
    });
    const callsPerRequest: number[] = [];
    for (let i = 0; i < 3; i++) {
      sts.reset();
      sts.fail("throttle", 100);
      expect((await ask(freshKey())).answer.statusCode).toBe(503);
      callsPerRequest.push(sts.calls.length);
    }
    // Four retries saved up: two requests' worth, then none until ten more calls have earned one.
    expect(callsPerRequest).toEqual([3, 3, 1]);
    sts.reset();
    expect((await ask(freshKey())).answer.statusCode).toBe(302);
  });

  it("answers concurrent requests during an outage, and none of them is cached as a failure", async () => {
    sts.fail("http500", 1000);
    const keys = Array.from({ length: 4 }, freshKey);
    // Five requests for each of four keys, at once.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(keys[i % 4] as string)));
    expect(answers.every(({ answer }) => answer.statusCode === 503)).toBe(true);
    sts.reset();
    for (const key of keys) expect((await ask(key)).answer.statusCode).toBe(302);
    expect(harness.logs.every((line) => line.code !== "InternalError")).toBe(true);
  });
});
