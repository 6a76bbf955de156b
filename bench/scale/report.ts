/** Rising-load sweeps and the table they print. */

import { type LoadPoint, type PointResult, simulate } from "./simulate";

/** A request failure rate worth acting on: the threshold. */
export const UNAVAILABLE_THRESHOLD = 0.001;

export interface Sweep {
  readonly title: string;
  /** Everything but the rate. */
  readonly point: Omit<LoadPoint, "rate">;
  readonly rates: readonly number[];
}

export interface SweepResult {
  readonly title: string;
  readonly rows: ReadonlyArray<{ readonly rate: number; readonly result: PointResult }>;
  /** Highest rate run with 503s at or under the threshold, and lowest over it (undefined: not reached). */
  readonly lastClean: number | undefined;
  readonly firstOver: number | undefined;
}

const HEADER =
  "  offered/s  STS calls/s (refused)  peak/s   hit %   503 %    p50 ms   p99 ms  instances live (serving)";

function fixed(value: number, digits: number, width: number): string {
  return (Number.isFinite(value) ? value.toFixed(digits) : "-").padStart(width);
}

export function formatRow(rate: number, r: PointResult): string {
  return [
    fixed(rate, 0, 11),
    fixed(r.stsCallsPerSecond, r.stsCallsPerSecond < 10 ? 1 : 0, 12),
    `(${fixed(r.stsThrottledPerSecond, 0, 5)})`.padStart(9),
    fixed(r.stsPeakPerSecond, 0, 8),
    fixed(r.hitRate * 100, 1, 7),
    fixed(r.unavailableRate * 100, 2, 7),
    fixed(r.p50Ms, 0, 9),
    fixed(r.p99Ms, 0, 8),
    `${fixed(r.liveInstances, 0, 10)} (${r.usedInstances})`,
    r.otherErrors > 0 ? `  other errors: ${r.otherErrors}` : "",
  ].join(" ");
}

export function describeThreshold(result: Pick<SweepResult, "lastClean" | "firstOver">): string {
  const percent = `${UNAVAILABLE_THRESHOLD * 100} %`;
  if (result.firstOver === undefined) return `503s stay under ${percent} up to ${result.lastClean ?? "?"} req/s`;
  if (result.lastClean === undefined) return `503s over ${percent} already at ${result.firstOver} req/s`;
  return `503s pass ${percent} between ${result.lastClean} and ${result.firstOver} req/s`;
}

/** Runs the rates in order and stops at the first one over the threshold: past it only the cost grows. */
export async function runSweep(sweep: Sweep, print: (line: string) => void): Promise<SweepResult> {
  print(`\n${sweep.title}`);
  print(HEADER);
  const rows: Array<{ rate: number; result: PointResult }> = [];
  let lastClean: number | undefined;
  let firstOver: number | undefined;
  for (const rate of sweep.rates) {
    const result = await simulate({ ...sweep.point, rate });
    rows.push({ rate, result });
    print(formatRow(rate, result));
    if (result.unavailableRate > UNAVAILABLE_THRESHOLD) {
      firstOver = rate;
      break;
    }
    lastClean = rate;
  }
  const summary = { title: sweep.title, rows, lastClean, firstOver };
  print(`  → ${describeThreshold(summary)}`);
  return summary;
}
