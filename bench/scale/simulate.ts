/**
 * One load point of the capacity simulation: a cold fleet of real handlers (src/index.ts createHandler, with the
 * real credential source) serving Poisson arrivals of direct invocations for Zipf-distributed keys, in front of
 * the in-process STS with its token bucket, on virtual time. Only the requests that arrive in the measurement
 * window (after the warm-up) are counted.
 */

import type { Env } from "../../src/env";
import { createHandler } from "../../src/index";
import type { LogRecord } from "../../src/log";
import { createFleet } from "./fleet";
import { installStsDouble } from "./sts-double";
import { installVirtualTime, seededRandom } from "./virtual-time";
import { zipfSampler } from "./zipf";

/** What the simulation assumes about the platform; every figure is an input, stated in docs/performance.md. */
export interface Platform {
  /** STS requests/s per API, region and calling identity. */
  readonly stsRatePerSecond: number;
  readonly stsBurst: number;
  /** STS round trip, ms: a fixed part plus an exponential tail of this mean. */
  readonly stsLatencyMs: { readonly fixed: number; readonly tailMean: number };
  readonly keepWarmMs: number;
  readonly coldStartMs: number;
  readonly serviceMs: number;
}

export const PLATFORM: Platform = {
  stsRatePerSecond: 600,
  stsBurst: 600,
  stsLatencyMs: { fixed: 15, tailMean: 15 },
  keepWarmMs: 5 * 60_000,
  coldStartMs: 300,
  serviceMs: 5,
};

export interface LoadPoint {
  /** Offered load over the key space, requests/s (0: only the hot key, if any). */
  readonly rate: number;
  readonly keys: number;
  readonly skew: number;
  /** Requests per instance: 1 for an event function, N for a web function. */
  readonly concurrency: number;
  readonly stsDurationSeconds: number;
  readonly warmupSeconds: number;
  readonly measureSeconds: number;
  /** Extra requests/s for one key no instance has seen, from `atSecond` to the end. */
  readonly hot?: { readonly atSecond: number; readonly rate: number };
  /** More of the function's environment (STS_MAX_ATTEMPTS, …). */
  readonly env?: Env;
  readonly seed?: number;
}

export interface PointResult {
  readonly requests: number;
  readonly stsCallsPerSecond: number;
  readonly stsThrottledPerSecond: number;
  /** Most STS calls in any one second of the window. */
  readonly stsPeakPerSecond: number;
  readonly hitRate: number;
  readonly unavailableRate: number;
  readonly otherErrors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Instances busy or kept warm at the end of the window; instances that served its requests. */
  readonly liveInstances: number;
  readonly usedInstances: number;
}

const EPOCH_MS = Date.UTC(2027, 0, 1);
const BIN_MS = 100;

const BASE_ENV: Env = {
  COS_BUCKET: "examplebucket-1250000000",
  COS_REGION: "ap-guangzhou",
  STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/cos-presign-read",
  STS_SECRET_ID: "AKIDsimulation000000000000000000001",
  STS_SECRET_KEY: "simulationSecretKey0000000000001",
  // Never dialled: the SDK client's request is replaced (sts-double.ts).
  STS_ENDPOINT: "http://127.0.0.1:9",
  ALLOWED_PREFIXES: "*",
  AUTH_MODE: "none",
  SCF_FUNCTIONNAME: "cos-presign-sim",
};

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/**
 * Each instance's credential source imports the SDK client and node:http when it first calls STS
 * (src/sts/client.ts). bench/scale.ts bundles those imports into requires; where the simulation runs unbundled
 * (the tests), a real import() takes turns of the event loop while virtual time runs on, the first one many:
 * importing both twice beforehand leaves later ones within the one turn the virtual clock waits.
 */
async function preloadLazyImports(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await import("tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client");
    await import("node:http");
  }
}

export async function simulate(point: LoadPoint, platform: Platform = PLATFORM): Promise<PointResult> {
  const seed = point.seed ?? 1;
  await preloadLazyImports();
  // Stack traces only feed log lines the simulation throws away, and capturing one per throttled call is most of
  // the simulation's own cost under throttling.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const time = installVirtualTime(seed);
  const wallNow = () => EPOCH_MS + time.now();
  const loadRandom = seededRandom(seed * 7919 + 17);
  const latencyRandom = seededRandom(seed * 104_729 + 3);
  const startMs = point.warmupSeconds * 1000;
  const endMs = startMs + point.measureSeconds * 1000;
  const inWindow = (ms: number) => ms >= startMs && ms < endMs;

  const stsBins = new Map<number, number>();
  let stsCalls = 0;
  let stsThrottled = 0;
  const sts = installStsDouble({
    ratePerSecond: platform.stsRatePerSecond,
    burst: platform.stsBurst,
    latencyMs: () => platform.stsLatencyMs.fixed - platform.stsLatencyMs.tailMean * Math.log(1 - latencyRandom()),
    now: time.now,
    wallNow,
    onCall(admitted) {
      const at = time.now();
      if (!inWindow(at)) return;
      stsCalls++;
      if (!admitted) stsThrottled++;
      const bin = Math.floor(at / BIN_MS);
      stsBins.set(bin, (stsBins.get(bin) ?? 0) + 1);
    },
  });

  const records = new Map<string, LogRecord>();
  const env: Env = {
    ...BASE_ENV,
    STS_DURATION_SECONDS: String(point.stsDurationSeconds),
    // The configuration refuses a URL lifetime the credential cannot cover (the cache's 60 s margin included).
    URL_MAX_EXPIRES_SECONDS: String(Math.min(3600, point.stsDurationSeconds - 60)),
    ...point.env,
  };
  const used = new Set<number>();
  const fleet = createFleet({
    time,
    concurrency: point.concurrency,
    keepWarmMs: platform.keepWarmMs,
    coldStartMs: platform.coldStartMs,
    serviceMs: platform.serviceMs,
    newHandler: () => createHandler({ env, now: wallNow, log: (record) => records.set(record.requestId, record) }),
  });

  const latencies: number[] = [];
  let hits = 0;
  let unavailable = 0;
  let otherErrors = 0;
  let serial = 0;
  const submit = (key: string) => {
    const arrived = time.now();
    const requestId = `r${serial++}`;
    fleet.submit({ key }, { request_id: requestId }, (served) => {
      const record = records.get(requestId);
      records.delete(requestId);
      if (!inWindow(arrived)) return;
      used.add(served.instance);
      latencies.push(served.latencyMs);
      if (record?.cache === "hit") hits++;
      if (record?.status === 503) unavailable++;
      else if (record?.status !== 200) otherErrors++;
    });
  };

  const nextKey = zipfSampler(point.keys, point.skew, loadRandom);
  const arrivals = (rate: number, fromMs: number, key: () => string) => {
    const gap = () => (-Math.log(1 - loadRandom()) * 1000) / rate;
    const arrive = () => {
      if (time.now() >= endMs) return;
      submit(key());
      time.at(gap(), arrive);
    };
    time.at(fromMs + gap(), arrive);
  };
  let liveInstances = 0;
  time.at(endMs, () => {
    liveInstances = fleet.live();
  });
  if (point.rate > 0) arrivals(point.rate, 0, () => `files/k${nextKey()}.bin`);
  if (point.hot !== undefined) arrivals(point.hot.rate, point.hot.atSecond * 1000, () => "files/hot-new.bin");

  try {
    // Past the window's end by the longest a request can take (the STS deadline and a cold start), so every
    // request that arrived in it is counted.
    await time.runUntil(endMs + 70_000);
  } finally {
    sts.uninstall();
    time.uninstall();
    Error.stackTraceLimit = stackTraceLimit;
  }

  const sorted = Float64Array.from(latencies).sort();
  let peak = 0;
  for (const bin of stsBins.keys()) {
    let sum = 0;
    for (let i = 0; i < 1000 / BIN_MS; i++) sum += stsBins.get(bin + i) ?? 0;
    peak = Math.max(peak, sum);
  }
  const requests = latencies.length;
  return {
    requests,
    stsCallsPerSecond: stsCalls / point.measureSeconds,
    stsThrottledPerSecond: stsThrottled / point.measureSeconds,
    stsPeakPerSecond: peak,
    hitRate: requests === 0 ? 0 : hits / requests,
    unavailableRate: requests === 0 ? 0 : unavailable / requests,
    otherErrors,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    liveInstances,
    usedInstances: used.size,
  };
}
