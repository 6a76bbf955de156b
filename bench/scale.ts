/**
 * `npm run bench:scale [-- --quick]`: how far one account's STS limit goes, in a simulation of SCF's scaling
 * (bench/scale/). The simulation is bundled with esbuild first, with every lazy `import()` in src/sts/client.ts
 * turned into a require: under tsx an import() is resolved by a loader thread in real time, while virtual time
 * would run on, and the runs would not repeat. It is bundled twice: once as it is, and once
 * with bench/scale/baseline/retry.ts in place of src/sts/retry.ts, so one run measures a fix against the code
 * before it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build, type Plugin } from "esbuild";
import type * as Run from "./scale/run";
import type * as Simulate from "./scale/simulate";

const BASELINE_RETRY = resolve(__dirname, "scale/baseline/retry.ts");
const STS_DIR = resolve(__dirname, "../src/sts");

/** Every module of src/sts/ that imports ./retry (client.ts, errors.ts) gets the baseline: one RetriesExhausted. */
const baselineRetry: Plugin = {
  name: "baseline-retry",
  setup(build) {
    build.onResolve({ filter: /^\.\/retry$/ }, (args) =>
      dirname(resolve(args.importer)) === STS_DIR ? { path: BASELINE_RETRY } : undefined,
    );
  },
};

async function bundle(entry: string, outfile: string, plugins: Plugin[] = []): Promise<void> {
  await build({
    entryPoints: [resolve(__dirname, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
    // import() of a builtin (node:http in src/sts/client.ts) would stay a real dynamic import, answered by tsx's
    // loader thread in real time; as a require it settles in the same turn, on virtual time.
    supported: { "dynamic-import": false },
    plugins,
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "cos-presign-scale-"));
  let bench: typeof Run;
  let baseline: typeof Simulate;
  try {
    await bundle("scale/run.ts", join(dir, "run.cjs"));
    await bundle("scale/simulate.ts", join(dir, "baseline.cjs"), [baselineRetry]);
    bench = require(join(dir, "run.cjs"));
    baseline = require(join(dir, "baseline.cjs"));
  } finally {
    // Loaded by now.
    rmSync(dir, { recursive: true, force: true });
  }
  await bench.runScaleBench({ quick: process.argv.includes("--quick"), baseline: baseline.simulate });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
