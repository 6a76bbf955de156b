/**
 * The scenarios of `npm run bench:scale` (bench/scale.ts bundles this file and calls runScaleBench). Every
 * figure is virtual time in a simulation whose platform assumptions are PLATFORM in simulate.ts; what is real and
 * what is modelled is in docs/performance.md ("Capacity").
 */

import { formatRow, runSweep, type Sweep } from "./report";
import { type LoadPoint, PLATFORM, type Platform, type PointResult, simulate } from "./simulate";

export interface ScaleBenchOptions {
  readonly quick: boolean;
  /** The same simulation bundled with the code before the fix (bench/scale/baseline/). */
  readonly baseline: typeof simulate;
  readonly print?: (line: string) => void;
}

/** Each step 1.5× the last: fine enough to place the threshold, few enough to stay in budget. */
const RATES = [340, 500, 760, 1140, 1700, 2560, 3840, 5760, 8640];
const REFERENCE = { keys: 10_000, skew: 1.0 } as const;

export async function runScaleBench(options: ScaleBenchOptions): Promise<void> {
  const { quick } = options;
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  // What is left of the two minutes (30 s with --quick) after bundling and start-up, with a margin.
  const budgetMs = quick ? 20_000 : 95_000;
  const started = Date.now();
  const outOfTime = () => Date.now() - started > budgetMs;
  const window = quick ? { warmupSeconds: 5, measureSeconds: 5 } : { warmupSeconds: 10, measureSeconds: 5 };
  const fleet = (
    concurrency: number,
    keys: number = REFERENCE.keys,
    skew: number = REFERENCE.skew,
  ): Omit<LoadPoint, "rate"> => ({
    keys,
    skew,
    concurrency,
    stsDurationSeconds: 7200,
    ...window,
  });

  const sweeps = async (list: readonly Sweep[]) => {
    for (const sweep of list) {
      if (outOfTime()) print(`\n${sweep.title}\n  skipped: the run's time budget is spent`);
      else await runSweep(sweep, print);
    }
  };
  const single = async (
    label: string,
    point: LoadPoint,
    run = simulate,
    platform: Platform = PLATFORM,
  ): Promise<PointResult | undefined> => {
    if (outOfTime()) {
      print(`  ${label}: skipped, the run's time budget is spent`);
      return undefined;
    }
    const result = await run(point, platform);
    print(`${formatRow(point.rate + (point.hot?.rate ?? 0), result)}  ${label}`);
    return result;
  };

  print(
    `cos-presign capacity simulation${quick ? " (--quick)" : ""}, virtual time. STS ${PLATFORM.stsRatePerSecond}/s ` +
      `(bucket ${PLATFORM.stsBurst}), round trip ${PLATFORM.stsLatencyMs.fixed} ms + exponential(${PLATFORM.stsLatencyMs.tailMean} ms); ` +
      `cold start ${PLATFORM.coldStartMs} ms; ${PLATFORM.serviceMs} ms per request; idle instances kept ` +
      `${PLATFORM.keepWarmMs / 60_000} min. Each load starts on a cold fleet; counted: requests arriving in ` +
      `[${window.warmupSeconds} s, ${window.warmupSeconds + window.measureSeconds} s).`,
  );

  const capacity: Sweep[] = quick
    ? [{ title: "Event function, 10 000 keys, Zipf 1.0", point: fleet(1), rates: [150, 500, 1140] }]
    : [
        { title: "Event function, 1 000 keys, Zipf 1.1", point: fleet(1, 1000, 1.1), rates: RATES },
        { title: "Event function, 10 000 keys, Zipf 1.0", point: fleet(1), rates: RATES },
        { title: "Event function, 100 000 keys, Zipf 0.8", point: fleet(1, 100_000, 0.8), rates: RATES },
        { title: "Event function, 100 000 keys, Zipf 1.2", point: fleet(1, 100_000, 1.2), rates: RATES },
      ];
  await sweeps(capacity);

  const web = (quick ? [10] : [10, 50]).map((n) => ({
    title: `Web function, concurrency ${n}, 10 000 keys, Zipf 1.0`,
    point: fleet(n),
    rates: quick ? [500, 1700] : [1700, 2560, 3840],
  }));
  await sweeps(web);
  if (!quick) {
    print("  A lever: the same web function (concurrency 50) with STS_CACHE_ENTRIES=10000 instead of 1 000");
    await single("web function ×50, STS_CACHE_ENTRIES=10000", {
      ...fleet(50),
      rate: 2560,
      env: { STS_CACHE_ENTRIES: "10000" },
    });
  }

  print(
    "\nSTS_DURATION_SECONDS: 5 req/s over 1 000 keys (Zipf 1.1), event function; counted: " +
      (quick ? "[1500 s, 1800 s)" : "[1400 s, 3000 s), where credentials from the first minutes run out at 1800 s"),
  );
  for (const duration of [1800, 7200]) {
    await single(`STS_DURATION_SECONDS=${duration}`, {
      ...fleet(1, 1000, 1.1),
      rate: 5,
      stsDurationSeconds: duration,
      warmupSeconds: quick ? 1500 : 1400,
      measureSeconds: quick ? 300 : 1600,
    });
  }

  // No other traffic: every request of the burst meets a fleet that has to start.
  const burst = (concurrency: number, rate: number): LoadPoint => ({
    ...fleet(concurrency),
    rate: 0,
    warmupSeconds: 0,
    measureSeconds: 5,
    hot: { atSecond: 0, rate },
  });
  print("\nA burst on one new object across a cold fleet: from t=0, no instance running; counted: [0 s, 5 s)");
  const bursts: Array<[number, number]> = quick
    ? [[1, 3000]]
    : [
        [1, 1000],
        [1, 3000],
        [10, 3000],
        [50, 3000],
      ];
  for (const [concurrency, rate] of bursts) {
    const kind = concurrency === 1 ? "event function" : `web function, concurrency ${concurrency}`;
    await single(`${kind}, burst ${rate} req/s`, burst(concurrency, rate));
  }

  print(
    "\nFix: a retry budget per instance (src/sts/retry.ts RetryBudget). Before = the same code with a budget that " +
      "never runs out (bench/scale/baseline/retry.ts), same seed, same arrivals",
  );
  const fixPoints: Array<[string, LoadPoint]> = quick
    ? [["event function, 10 000 keys, Zipf 1.0", { ...fleet(1), rate: 1140 }]]
    : [
        ["event function, 10 000 keys, Zipf 1.0", { ...fleet(1), rate: 1140 }],
        ["event function, cold burst 3000 req/s", burst(1, 3000)],
      ];
  for (const [label, point] of fixPoints) {
    const before = await single(`${label}: before`, point, options.baseline);
    const after = await single(`${label}: after`, point);
    if (before !== undefined && after !== undefined) {
      print(
        `${"".padStart(11)} → 503s ×${ratio(after.unavailableRate, before.unavailableRate)}, STS calls ` +
          `×${ratio(after.stsCallsPerSecond, before.stsCallsPerSecond)}, p99 ×${ratio(after.p99Ms, before.p99Ms)}`,
      );
    }
  }
  const cpu = process.cpuUsage();
  print(
    `\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s of real time, ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU (on a busy machine the first is several times the second)`,
  );
}

function ratio(after: number, before: number): string {
  if (before === 0) return after === 0 ? "1 (none either way)" : "∞";
  return (after / before).toFixed(2);
}
