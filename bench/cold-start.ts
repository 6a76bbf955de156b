/**
 * Cold start and per-request cost of cos-presign (dist/index.js) against the baseline a user would deploy instead
 * (bench/baseline/: tencentcloud-sdk-nodejs-sts + cos-nodejs-sdk-v5, bundled with the same esbuild settings) and
 * against the floor (bench/child-floor.cjs: a bare node that makes the one signed STS round trip and one HMAC).
 *
 * Every figure comes from fresh child processes talking to the fake STS (dev/fake-sts.ts, which checks
 * TC3 signatures) running in a process of its own on loopback. Implementations alternate run by run, in rotating
 * order, so drift (page cache, CPU frequency, neighbours) hits all alike; figures are medians.
 *
 *   1. bundle bytes (minified)
 *   2. cold first answer: process start → answer to one Function URL request (child-cold.cjs / child-floor.cjs)
 *   3. module load alone: process start → bundle required, against a node that requires nothing (child-load.cjs)
 *   4. warm, credential cached: invocations per second for one key (child-warm.cjs); the baseline has no cache,
 *      so it calls STS every time; "baseline + memo" (BASELINE_MEMO=1) is the same code with the obvious memo
 *   5. warm, credential not cached: invocations per second, a new key every time
 *   6. peak RSS of the cold run (process.resourceUsage().maxRSS in the child)
 *
 * Prints a table with ratios and writes bench/results.json. Bounded: about a minute on 2 cores, a hard stop at
 * three; every child is killed on the way out. `npm run bench -- --quick` does a short smoke run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { resolve } from "node:path";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "../scripts/bundle-options.mjs";
import { median } from "./median";

const ROOT = resolve(__dirname, "..");
const QUICK = process.argv.includes("--quick");
const COLD_RUNS = QUICK ? 3 : 15;
const LOAD_RUNS = QUICK ? 3 : 11;
const WARM_ROUNDS = QUICK ? 1 : 5;
const WARMUP_MS = QUICK ? 150 : 300;
const MEASURE_MS = QUICK ? 300 : 1000;
const CHILD_TIMEOUT_MS = 30_000;
const HARD_STOP_MS = 170_000;

/** The goals users feel, as stated in docs/performance.md; each is checked against a figure of the same run. */
const TARGETS = {
  bundleBytes: 150_000,
  coldVsBaseline: 0.5,
  coldVsFloor: 1.3,
  coldVsFloorAim: 1.1,
  warmCachedVsBaseline: 3,
  rssVsBaseline: 0.7,
};

const OURS = resolve(ROOT, "dist/index.js");
const OUT_DIR = resolve(ROOT, "build/bench");
const BASELINE = resolve(OUT_DIR, "baseline.js");
const FAKE_STS = resolve(OUT_DIR, "fake-sts.js");
const CHILD = (name: string) => resolve(ROOT, "bench", name);

const CALLER = { secretId: "AKIDbenchCALLER000000001", secretKey: "benchCallerSecretKey/EXAMPLE+01=" };
const KEY = "public/reports/q3.pdf";

// ---------------------------------------------------------------------------------------------------------------
// Children

const children = new Set<ChildProcess>();

function killAll(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
}

interface ChildResult {
  readonly [field: string]: unknown;
}

/** Runs `node <script> ...args` with exactly `env`; resolves with what it reported on fd 3. */
function runChild(script: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ["ignore", "pipe", "pipe", "pipe"] });
    children.add(child);
    let reported = "";
    let stderr = "";
    // A function's log lines go to stdout; read and dropped, as a log collector would take them.
    child.stdout?.resume();
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.stdio[3]?.on("data", (chunk: Buffer) => {
      reported += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const line = reported.trim().split("\n").pop() ?? "";
      let result: ChildResult | undefined;
      try {
        result = JSON.parse(line) as ChildResult;
      } catch {
        result = undefined;
      }
      if (code !== 0 || result === undefined || result.error !== undefined) {
        const why = result?.error ?? (signal === null ? `exit code ${code}` : `killed by ${signal}`);
        reject(new Error(`${script} ${args.join(" ")}: ${String(why)}\n${stderr}`));
        return;
      }
      resolvePromise(result);
    });
  });
}

/** The fake STS in its own process; it exits when our end of its stdin closes. */
async function startFakeStsProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [FAKE_STS], {
    env: { PATH: process.env.PATH ?? "", FAKE_STS_SECRET_ID: CALLER.secretId, FAKE_STS_SECRET_KEY: CALLER.secretKey },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.add(child);
  const url = await new Promise<string>((resolvePromise, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error("the fake STS did not start")), 10_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const newline = output.indexOf("\n");
      if (newline !== -1) {
        clearTimeout(timer);
        resolvePromise((JSON.parse(output.slice(0, newline)) as { url: string }).url);
      }
    });
    child.on("exit", (code) => reject(new Error(`the fake STS exited (${code})`)));
  });
  return {
    url,
    stop: () => {
      child.stdin?.end();
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      children.delete(child);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

/** The median of every series in a record of series. */
function medians<K extends string>(series: Record<K, number[]>): Record<K, number> {
  return Object.fromEntries(Object.entries<number[]>(series).map(([name, values]) => [name, median(values)])) as Record<
    K,
    number
  >;
}

function numberField(result: ChildResult, name: string): number {
  const value = result[name];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`child reported no ${name}`);
  return value;
}

/** `items` rotated by `round`, so no implementation always runs first or last. */
function rotate<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function buildAll(): Promise<void> {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(OUT_DIR, { recursive: true });
  // The same settings as scripts/build.mjs (BUNDLE_OPTIONS), without its replacements: the official pair as published.
  await build({
    entryPoints: [resolve(ROOT, "bench/baseline/index.ts")],
    outfile: BASELINE,
    ...BUNDLE_OPTIONS,
    logLevel: "error",
  });
  await build({
    entryPoints: [resolve(ROOT, "bench/fake-sts-server.ts")],
    outfile: FAKE_STS,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
  });
}

type Impl = "ours" | "baseline";
const BUNDLE: Record<Impl, string> = { ours: OURS, baseline: BASELINE };

interface Figures {
  bundleBytes: Record<Impl, number>;
  coldMs: Record<Impl | "floor", number[]>;
  coldCpuMs: Record<Impl | "floor", number[]>;
  coldRssMiB: Record<Impl | "floor", number[]>;
  loadMs: Record<Impl | "empty", number[]>;
  requireMs: Record<Impl | "empty", number[]>;
  loadRssMiB: Record<Impl | "empty", number[]>;
  warmCached: Record<Impl | "baselineMemo", number[]>;
  warmUncached: Record<Impl, number[]>;
}

async function measure(functionEnv: NodeJS.ProcessEnv, figures: Figures, progress: (text: string) => void) {
  const memoEnv = { ...functionEnv, BASELINE_MEMO: "1" };

  // One untimed answer each: proves every contender works against the fake, and warms the page cache.
  for (const impl of ["ours", "baseline"] as const) {
    const answer = await runChild(CHILD("child-cold.cjs"), [BUNDLE[impl], KEY], functionEnv);
    const location = String(answer.location);
    if (answer.status !== 302 || !location.startsWith("https://examplebucket-1250000000.cos.ap-guangzhou.")) {
      throw new Error(`${impl} did not answer with a redirect to COS: ${JSON.stringify(answer)}`);
    }
  }
  await runChild(CHILD("child-floor.cjs"), [KEY], functionEnv);

  for (let round = 0; round < COLD_RUNS; round++) {
    progress(`cold first answer ${round + 1}/${COLD_RUNS}`);
    for (const impl of rotate(["ours", "baseline", "floor"] as const, round)) {
      const result =
        impl === "floor"
          ? await runChild(CHILD("child-floor.cjs"), [KEY], functionEnv)
          : await runChild(CHILD("child-cold.cjs"), [BUNDLE[impl], KEY], functionEnv);
      if (result.status !== 302) throw new Error(`${impl} answered ${String(result.status)}`);
      figures.coldMs[impl].push(numberField(result, "ms"));
      figures.coldCpuMs[impl].push(numberField(result, "cpuMs"));
      figures.coldRssMiB[impl].push(numberField(result, "rssMiB"));
    }
  }

  for (let round = 0; round < LOAD_RUNS; round++) {
    progress(`module load ${round + 1}/${LOAD_RUNS}`);
    for (const impl of rotate(["ours", "baseline", "empty"] as const, round)) {
      const result = await runChild(CHILD("child-load.cjs"), [impl === "empty" ? "-" : BUNDLE[impl]], functionEnv);
      figures.loadMs[impl].push(numberField(result, "ms"));
      figures.requireMs[impl].push(numberField(result, "requireMs"));
      figures.loadRssMiB[impl].push(numberField(result, "rssMiB"));
    }
  }

  const warmRuns = [
    { name: "ours cached", bundle: OURS, mode: "cached", env: functionEnv, into: figures.warmCached.ours },
    { name: "baseline cached", bundle: BASELINE, mode: "cached", env: functionEnv, into: figures.warmCached.baseline },
    { name: "baseline+memo", bundle: BASELINE, mode: "cached", env: memoEnv, into: figures.warmCached.baselineMemo },
    { name: "ours uncached", bundle: OURS, mode: "uncached", env: functionEnv, into: figures.warmUncached.ours },
    {
      name: "baseline uncached",
      bundle: BASELINE,
      mode: "uncached",
      env: functionEnv,
      into: figures.warmUncached.baseline,
    },
  ];
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (const run of rotate(warmRuns, round)) {
      progress(`warm ${round + 1}/${WARM_ROUNDS}: ${run.name}`);
      const result = await runChild(
        CHILD("child-warm.cjs"),
        [run.bundle, run.mode, String(WARMUP_MS), String(MEASURE_MS)],
        run.env,
      );
      if (numberField(result, "failed") > 0) {
        throw new Error(`${run.name}: ${String(result.failed)} invocations answered ${String(result.status)}`);
      }
      run.into.push(numberField(result, "perSecond"));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report

interface Row {
  measure: string;
  ours: string;
  baseline: string;
  floor: string;
  vsBaseline: string;
  vsFloor: string;
  target: string;
}

function table(rows: readonly Row[]): string {
  const header: Row = {
    measure: "measure (median)",
    ours: "ours",
    baseline: "baseline",
    floor: "floor/empty",
    vsBaseline: "ours/base",
    vsFloor: "ours/floor|empty",
    target: "target",
  };
  const columns = Object.keys(header) as (keyof Row)[];
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: Row) =>
    columns
      .map((column, i) => (i === 0 ? row[column].padEnd(widths[i] ?? 0) : row[column].padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n");
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const ratio = (value: number) => `${value.toFixed(2)}×`;

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`bench: no result after ${HARD_STOP_MS / 1000} s, stopping`);
    killAll();
    process.exit(2);
  }, HARD_STOP_MS);
  hardStop.unref();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }

  const started = performance.now();
  const progress = (text: string) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  };
  progress("building");
  await buildAll();
  const figures: Figures = {
    bundleBytes: { ours: statSync(OURS).size, baseline: statSync(BASELINE).size },
    coldMs: { ours: [], baseline: [], floor: [] },
    coldCpuMs: { ours: [], baseline: [], floor: [] },
    coldRssMiB: { ours: [], baseline: [], floor: [] },
    loadMs: { ours: [], baseline: [], empty: [] },
    requireMs: { ours: [], baseline: [], empty: [] },
    loadRssMiB: { ours: [], baseline: [], empty: [] },
    warmCached: { ours: [], baseline: [], baselineMemo: [] },
    warmUncached: { ours: [], baseline: [] },
  };

  const sts = await startFakeStsProcess();
  try {
    // Exactly what the children see: no inherited NODE_OPTIONS, proxies or loaders.
    const functionEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "",
      COS_BUCKET: "examplebucket-1250000000",
      COS_REGION: "ap-guangzhou",
      STS_ENDPOINT: sts.url,
      STS_SECRET_ID: CALLER.secretId,
      STS_SECRET_KEY: CALLER.secretKey,
      STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/cos-presign-download",
      ALLOWED_PREFIXES: "public/,shared/",
      AUTH_MODE: "none",
    };
    await measure(functionEnv, figures, progress);
  } finally {
    sts.stop();
    killAll();
    progress("");
  }

  const m = {
    cold: medians(figures.coldMs),
    coldCpu: medians(figures.coldCpuMs),
    coldRss: medians(figures.coldRssMiB),
    load: medians(figures.loadMs),
    require: medians(figures.requireMs),
    loadRss: medians(figures.loadRssMiB),
    warmCached: medians(figures.warmCached),
    warmUncached: medians(figures.warmUncached),
  };
  const ratios = {
    bundle: figures.bundleBytes.ours / figures.bundleBytes.baseline,
    coldVsBaseline: m.cold.ours / m.cold.baseline,
    coldVsFloor: m.cold.ours / m.cold.floor,
    baselineVsFloor: m.cold.baseline / m.cold.floor,
    loadVsBaseline: m.load.ours / m.load.baseline,
    loadAddedVsBaseline: (m.load.ours - m.load.empty) / (m.load.baseline - m.load.empty),
    warmCachedVsBaseline: m.warmCached.ours / m.warmCached.baseline,
    warmCachedVsBaselineMemo: m.warmCached.ours / m.warmCached.baselineMemo,
    warmUncachedVsBaseline: m.warmUncached.ours / m.warmUncached.baseline,
    rssVsBaseline: m.coldRss.ours / m.coldRss.baseline,
    rssVsFloor: m.coldRss.ours / m.coldRss.floor,
  };
  const targets = [
    {
      name: `bundle ≤ ${TARGETS.bundleBytes} bytes`,
      value: figures.bundleBytes.ours,
      met: figures.bundleBytes.ours <= TARGETS.bundleBytes,
    },
    {
      name: `cold ≤ ${TARGETS.coldVsBaseline}× baseline`,
      value: ratios.coldVsBaseline,
      met: ratios.coldVsBaseline <= TARGETS.coldVsBaseline,
    },
    {
      name: `cold ≤ ${TARGETS.coldVsFloor}× floor`,
      value: ratios.coldVsFloor,
      met: ratios.coldVsFloor <= TARGETS.coldVsFloor,
    },
    {
      name: `cold ≤ ${TARGETS.coldVsFloorAim}× floor (aim)`,
      value: ratios.coldVsFloor,
      met: ratios.coldVsFloor <= TARGETS.coldVsFloorAim,
    },
    {
      name: `warm cached ≥ ${TARGETS.warmCachedVsBaseline}× baseline`,
      value: ratios.warmCachedVsBaseline,
      met: ratios.warmCachedVsBaseline >= TARGETS.warmCachedVsBaseline,
    },
    {
      name: `cold peak RSS ≤ ${TARGETS.rssVsBaseline}× baseline`,
      value: ratios.rssVsBaseline,
      met: ratios.rssVsBaseline <= TARGETS.rssVsBaseline,
    },
  ];

  const kb = (bytes: number) => `${fixed(bytes / 1024)} KiB`;
  const rows: Row[] = [
    {
      measure: "bundle, minified",
      ours: kb(figures.bundleBytes.ours),
      baseline: kb(figures.bundleBytes.baseline),
      floor: "",
      vsBaseline: ratio(ratios.bundle),
      vsFloor: "",
      target: "≤ 150 KB",
    },
    {
      measure: "cold first answer, ms",
      ours: fixed(m.cold.ours),
      baseline: fixed(m.cold.baseline),
      floor: fixed(m.cold.floor),
      vsBaseline: ratio(ratios.coldVsBaseline),
      vsFloor: ratio(ratios.coldVsFloor),
      target: "≤ 0.5× base, ≤ 1.3× floor",
    },
    {
      measure: "  above the floor, ms",
      ours: fixed(m.cold.ours - m.cold.floor),
      baseline: fixed(m.cold.baseline - m.cold.floor),
      floor: "0.0",
      vsBaseline: ratio((m.cold.ours - m.cold.floor) / (m.cold.baseline - m.cold.floor)),
      vsFloor: "",
      target: "",
    },
    {
      measure: "  same, CPU time (user+sys), ms",
      ours: fixed(m.coldCpu.ours),
      baseline: fixed(m.coldCpu.baseline),
      floor: fixed(m.coldCpu.floor),
      vsBaseline: ratio(m.coldCpu.ours / m.coldCpu.baseline),
      vsFloor: ratio(m.coldCpu.ours / m.coldCpu.floor),
      target: "",
    },
    {
      measure: "cold peak RSS, MiB",
      ours: fixed(m.coldRss.ours),
      baseline: fixed(m.coldRss.baseline),
      floor: fixed(m.coldRss.floor),
      vsBaseline: ratio(ratios.rssVsBaseline),
      vsFloor: ratio(ratios.rssVsFloor),
      target: "≤ 0.7× base",
    },
    {
      measure: "module load: start → loaded, ms",
      ours: fixed(m.load.ours),
      baseline: fixed(m.load.baseline),
      floor: fixed(m.load.empty),
      vsBaseline: ratio(ratios.loadVsBaseline),
      vsFloor: ratio(m.load.ours / m.load.empty),
      target: "",
    },
    {
      measure: "  added to an empty node, ms",
      ours: fixed(m.load.ours - m.load.empty),
      baseline: fixed(m.load.baseline - m.load.empty),
      floor: "0.0",
      vsBaseline: ratio(ratios.loadAddedVsBaseline),
      vsFloor: "",
      target: "",
    },
    {
      measure: "module load: require() alone, ms",
      ours: fixed(m.require.ours, 2),
      baseline: fixed(m.require.baseline, 2),
      floor: fixed(m.require.empty, 2),
      vsBaseline: ratio(m.require.ours / m.require.baseline),
      vsFloor: "",
      target: "",
    },
    {
      measure: "module load: peak RSS, MiB",
      ours: fixed(m.loadRss.ours),
      baseline: fixed(m.loadRss.baseline),
      floor: fixed(m.loadRss.empty),
      vsBaseline: ratio(m.loadRss.ours / m.loadRss.baseline),
      vsFloor: ratio(m.loadRss.ours / m.loadRss.empty),
      target: "",
    },
    {
      measure: "warm, cached key: invocations/s",
      ours: fixed(m.warmCached.ours, 0),
      baseline: fixed(m.warmCached.baseline, 0),
      floor: "",
      vsBaseline: ratio(ratios.warmCachedVsBaseline),
      vsFloor: "",
      target: "≥ 3× base",
    },
    {
      measure: "  baseline + memo: invocations/s",
      ours: fixed(m.warmCached.ours, 0),
      baseline: fixed(m.warmCached.baselineMemo, 0),
      floor: "",
      vsBaseline: ratio(ratios.warmCachedVsBaselineMemo),
      vsFloor: "",
      target: "",
    },
    {
      measure: "warm, new key each: invocations/s",
      ours: fixed(m.warmUncached.ours, 0),
      baseline: fixed(m.warmUncached.baseline, 0),
      floor: "",
      vsBaseline: ratio(ratios.warmUncachedVsBaseline),
      vsFloor: "",
      target: "",
    },
  ];

  const elapsedSeconds = (performance.now() - started) / 1000;
  console.log(
    `cos-presign cold start and per-request cost: node ${process.version}, ${cpus().length} cores, ` +
      `${COLD_RUNS} cold and ${LOAD_RUNS} load runs each, ${WARM_ROUNDS} warm rounds of ${MEASURE_MS} ms, ` +
      `${fixed(elapsedSeconds)} s${QUICK ? " (quick)" : ""}`,
  );
  console.log(table(rows));
  console.log(
    "\nfloor: bare node, one TC3-signed AssumeRole over node:http + one HMAC; empty: node requiring nothing." +
      "\nbaseline: official STS SDK + cos-nodejs-sdk-v5 getObjectUrl, no credential cache (STS call per request);" +
      "\nbaseline + memo: the same with the obvious per-key memo (BASELINE_MEMO=1).\n",
  );
  for (const target of targets) {
    const value = Number.isInteger(target.value) ? String(target.value) : ratio(target.value);
    console.log(`${target.met ? "met    " : "NOT met"}  ${target.name}: ${value}`);
  }

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    quick: QUICK,
    runs: { cold: COLD_RUNS, load: LOAD_RUNS, warmRounds: WARM_ROUNDS, warmupMs: WARMUP_MS, measureMs: MEASURE_MS },
    elapsedSeconds,
    bundleBytes: figures.bundleBytes,
    medians: m,
    ratios,
    targets,
    samples: figures,
  };
  writeFileSync(resolve(ROOT, "bench/results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log("\nwritten: bench/results.json");
  clearTimeout(hardStop);
}

main().catch((error: unknown) => {
  killAll();
  console.error(error);
  process.exit(1);
});
