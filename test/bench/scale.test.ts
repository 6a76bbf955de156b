/**
 * The capacity simulation (bench/scale/): its instance model on a stand-in handler, and a tiny load point through
 * the real handler, so `npm test` shows the bench still runs and still measures what it claims.
 */
import { sts } from "tencentcloud-sdk-nodejs-sts";
import { afterEach, describe, expect, it } from "vitest";
import { createFleet, type Served } from "../../bench/scale/fleet";
import { PLATFORM, simulate } from "../../bench/scale/simulate";
import { installStsDouble } from "../../bench/scale/sts-double";
import { installVirtualTime, type VirtualTime } from "../../bench/scale/virtual-time";
import { zipfSampler } from "../../bench/scale/zipf";
import { classifySdkError } from "../../src/sts/errors";
import { parseCredentialResponse } from "../../src/sts/response";
import { startFakeSts } from "../support/dev-stack";

let time: VirtualTime | undefined;
afterEach(() => {
  time?.uninstall();
  time = undefined;
});

/** A fleet whose handlers each take `workMs` of virtual time and record which instance ran them. */
function fleetOf(concurrency: number, workMs = 100) {
  const clock = installVirtualTime(1);
  time = clock;
  let instances = 0;
  const ranOn: number[] = [];
  const served: Served[] = [];
  const fleet = createFleet({
    time: clock,
    concurrency,
    keepWarmMs: 1000,
    coldStartMs: 50,
    serviceMs: 5,
    newHandler: () => {
      const id = instances++;
      return async () => {
        ranOn.push(id);
        await new Promise((resolve) => setTimeout(resolve, workMs));
      };
    },
  });
  const submitAt = (ms: number, count = 1) =>
    clock.at(ms, () => {
      for (let i = 0; i < count; i++) fleet.submit({}, {}, (s) => served.push(s));
    });
  return { clock, fleet, ranOn, served, submitAt };
}

describe("the SCF instance model", () => {
  it("event function: a new instance for each concurrent request, the most recently freed one reused", async () => {
    const { clock, fleet, ranOn, served, submitAt } = fleetOf(1);
    submitAt(0, 3);
    submitAt(200); // all three free again: no new instance
    await clock.runUntil(500);
    expect(fleet.started).toBe(3);
    expect(ranOn).toEqual([0, 1, 2, 2]);
    expect(served.map((s) => [s.instance, s.cold, Math.round(s.latencyMs)])).toEqual([
      [0, true, 155],
      [1, true, 155],
      [2, true, 155],
      [2, false, 105],
    ]);
    expect(fleet.live()).toBe(3);
  });

  it("recycles an instance idle for longer than the keep-warm time", async () => {
    const { clock, fleet, ranOn, submitAt } = fleetOf(1);
    submitAt(0);
    submitAt(1000); // idle 845 ms: still warm
    submitAt(3000); // idle over 1000 ms: a cold start
    await clock.runUntil(4000);
    expect(ranOn).toEqual([0, 0, 1]);
    expect(fleet.started).toBe(2);
    await clock.runUntil(6000);
    expect(fleet.live()).toBe(0);
  });

  it("web function: up to `concurrency` requests share an instance before another starts", async () => {
    const { clock, fleet, ranOn, submitAt } = fleetOf(10);
    submitAt(0, 25);
    await clock.runUntil(500);
    expect(fleet.started).toBe(3);
    expect(ranOn.filter((id) => id === 0)).toHaveLength(10);
    expect(ranOn.filter((id) => id === 2)).toHaveLength(5);
  });
});

describe("zipfSampler", () => {
  it("draws rank r about 1/r^s as often as rank 1", () => {
    const draw = zipfSampler(
      100,
      1,
      (() => {
        let i = 0;
        return () => (i++ * 0.618033988749895) % 1;
      })(),
    );
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const rank = draw();
      counts.set(rank, (counts.get(rank) ?? 0) + 1);
    }
    const first = counts.get(1) ?? 0;
    expect((counts.get(2) ?? 0) / first).toBeCloseTo(0.5, 1);
    expect((counts.get(10) ?? 0) / first).toBeCloseTo(0.1, 1);
    expect(Math.max(...counts.keys())).toBe(100);
  });
});

describe("the in-process STS", () => {
  const key = { secretId: "AKIDdouble0000000000000000000000001", secretKey: "doubleSecretKey0000000000000001" };
  const params = {
    RoleArn: "qcs::cam::uin/100000000001:roleName/cos-presign-read",
    RoleSessionName: "cos-presign-sim",
    DurationSeconds: 1800,
    Policy: encodeURIComponent(JSON.stringify({ version: "2.0", statement: [] })),
  };
  /** Two calls through an SDK client where the second is past the limit: what the function's code makes of each. */
  async function twoCalls(endpoint: string) {
    const client = new sts.v20180813.Client({
      credential: key,
      region: "ap-guangzhou",
      profile: { httpProfile: { endpoint, protocol: "http://" } },
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const issued = parseCredentialResponse(await client.request("AssumeRole", params), nowSeconds);
    const refused = await client.request("AssumeRole", params).then(
      () => undefined,
      (error: unknown) => classifySdkError(error, "AssumeRole"),
    );
    return { lifetime: issued.expiresAt - nowSeconds, refused };
  }

  it("answers and refuses as the fake STS does over a socket, as far as src/sts/client.ts can tell", async () => {
    const fake = await startFakeSts({ keys: [key], rateLimit: { ratePerSecond: 1, burst: 1, now: () => 0 } });
    let overSocket: Awaited<ReturnType<typeof twoCalls>>;
    try {
      overSocket = await twoCalls(fake.endpoint);
    } finally {
      await fake.close();
    }
    const double = installStsDouble({
      ratePerSecond: 1,
      burst: 1,
      latencyMs: () => 0,
      now: () => 0,
      wallNow: Date.now,
      onCall: () => {},
    });
    let inProcess: Awaited<ReturnType<typeof twoCalls>>;
    try {
      inProcess = await twoCalls("127.0.0.1:9"); // never dialled
    } finally {
      double.uninstall();
    }
    // Both mint for DurationSeconds (the fake's default lifetime is the same 1800 s); a second may tick meanwhile.
    for (const { lifetime } of [overSocket, inProcess]) expect(lifetime === 1800 || lifetime === 1801).toBe(true);
    const refusal = ({ refused }: typeof inProcess) => ({
      name: refused?.name,
      kind: (refused as { kind?: string }).kind,
      code: (refused as { stsCode?: string }).stsCode,
      retryable: (refused as { retryable?: boolean }).retryable,
    });
    expect(refusal(inProcess)).toEqual(refusal(overSocket));
    expect(refusal(inProcess)).toMatchObject({ kind: "throttled", code: "RequestLimitExceeded", retryable: true });
  });
});

describe("a load point through the real handler", () => {
  const tiny = { keys: 50, skew: 1, concurrency: 1, stsDurationSeconds: 1800, warmupSeconds: 1, measureSeconds: 2 };

  it("under the limit: every request answered, repeated keys served from the cache", async () => {
    const result = await simulate({ ...tiny, rate: 100 });
    expect(result.requests).toBeGreaterThan(150);
    expect(result.unavailableRate).toBe(0);
    expect(result.otherErrors).toBe(0);
    expect(result.stsThrottledPerSecond).toBe(0);
    expect(result.hitRate).toBeGreaterThan(0.3);
    // Every miss is one STS call: no retries when nothing fails.
    expect(result.stsCallsPerSecond).toBeCloseTo((result.requests * (1 - result.hitRate)) / tiny.measureSeconds, -1);
  });

  it("gives the same figures every run, as docs/performance.md says (virtual time, seeded arrivals)", async () => {
    const point = { ...tiny, keys: 500, rate: 200 };
    expect(await simulate(point)).toEqual(await simulate(point));
  });

  it("over the limit: STS refuses calls and the function answers 503", async () => {
    const result = await simulate(
      { ...tiny, keys: 5000, rate: 100 },
      { ...PLATFORM, stsRatePerSecond: 10, stsBurst: 10 },
    );
    expect(result.stsThrottledPerSecond).toBeGreaterThan(0);
    expect(result.unavailableRate).toBeGreaterThan(0.1);
    expect(result.otherErrors).toBe(0);
  });
});
