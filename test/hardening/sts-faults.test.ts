import { beforeAll, describe, expect, it } from "vitest";
import {
  baseEnv,
  bundleHandler,
  functionUrlEvent,
  type Harness,
  type ScfAnswer,
  useFakeSts,
} from "../function/support";
import type { FaultKind } from "../support/fake-sts";

/** Tight settings so every fault resolves quickly; the budget guard below is generous on top of them. */
const TIMEOUT_MS = 300;
const DEADLINE_MS = 1500;
const BUDGET_MS = DEADLINE_MS + 1500;

const sts = useFakeSts({ resetEach: true });
let harness: Harness;
let nextKey = 0;

beforeAll(async () => {
  // One handler for the whole file: the same warm instance has to survive every fault.
  harness = bundleHandler({
    ...baseEnv(sts),
    STS_TIMEOUT_MS: String(TIMEOUT_MS),
    STS_DEADLINE_MS: String(DEADLINE_MS),
    STS_MAX_ATTEMPTS: "3",
  });
});

async function ask(): Promise<{ answer: ScfAnswer; elapsed: number }> {
  const started = performance.now();
  const answer = (await harness.handler(functionUrlEvent(`/public/fault-${nextKey++}.txt`))) as ScfAnswer;
  return { answer, elapsed: performance.now() - started };
}

const cases: Array<[FaultKind, number, string]> = [
  ["throttle", 503, "CredentialServiceUnavailable"],
  ["internal", 503, "CredentialServiceUnavailable"],
  ["http500", 503, "CredentialServiceUnavailable"],
  ["hang", 503, "CredentialServiceUnavailable"],
  ["reset", 503, "CredentialServiceUnavailable"],
  ["malformed", 502, "CredentialServiceError"],
  ["notJson", 502, "CredentialServiceError"],
  ["expired", 502, "CredentialServiceError"],
  ["authFailure", 502, "CredentialServiceError"],
];

describe("STS faults", () => {
  it.each(cases)("%s → %i %s within the deadline, then the next call succeeds", async (fault, status, code) => {
    sts.fail(fault, 10);
    const { answer, elapsed } = await ask();
    expect(answer.statusCode).toBe(status);
    expect(JSON.parse(answer.body).error.code).toBe(code);
    if (status === 503) expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(elapsed).toBeLessThan(BUDGET_MS);
    // Retryable faults are retried up to the bound; the others are not retried at all.
    expect(sts.calls.length).toBeLessThanOrEqual(status === 503 ? 3 : 1);
    // A 300 ms attempt timeout inside a 1500 ms deadline leaves room for a retry even after a hang.
    if (status === 503) expect(sts.calls.length).toBeGreaterThanOrEqual(2);

    sts.reset();
    const healthy = await ask();
    expect(healthy.answer.statusCode).toBe(302);
  });

  it("recovers inside one request when a retry succeeds", async () => {
    sts.fail("throttle", 2);
    const { answer } = await ask();
    expect(answer.statusCode).toBe(302);
    expect(sts.calls.map((call) => call.outcome)).toEqual(["fault:throttle", "fault:throttle", "issued"]);
  });

  it("answers concurrent requests during an outage, and none of them is cached as a failure", async () => {
    sts.fail("http500", 1000);
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask()));
    expect(answers.every(({ answer }) => answer.statusCode === 503)).toBe(true);
    sts.reset();
    expect((await ask()).answer.statusCode).toBe(302);
    expect(harness.logs.every((line) => line.code !== "InternalError")).toBe(true);
  });
});
