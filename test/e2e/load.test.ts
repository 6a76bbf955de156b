import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, useFakeSts } from "../support/function";
import { type FunctionServer, startFunctionServer } from "../support/function-server";
import { recordOutput } from "../support/hygiene";

const REQUESTS = 2000;
const CONCURRENCY = 50;
const DISTINCT_KEYS = 200;

const sts = useFakeSts();
let server: FunctionServer;

beforeAll(async () => {
  // Attempt limits far above any answer time, so a starved CPU (CI on 2 cores) cannot turn a slow answer into a retry,
  // which would count as a second STS call for the key.
  const env = { ...baseEnv(sts), STS_TIMEOUT_MS: "15000", STS_DEADLINE_MS: "15000" };
  server = await startFunctionServer({ env, log: (record) => recordOutput(JSON.stringify(record)) });
});
afterAll(async () => {
  await server.close();
});

function get(agent: Agent, path: string): Promise<number> {
  return new Promise((done, fail) => {
    const outgoing = request({ host: "127.0.0.1", port: server.port, path, agent }, (response) => {
      response.resume();
      response.on("end", () => done(response.statusCode ?? 0));
    });
    outgoing.on("error", fail);
    outgoing.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe("load on loopback", () => {
  it(`${REQUESTS} requests at concurrency ${CONCURRENCY} over ${DISTINCT_KEYS} keys: no errors, one STS call per key`, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < REQUESTS) {
        const index = sent++;
        const started = performance.now();
        const status = await get(agent, `/public/load/${index % DISTINCT_KEYS}.bin`);
        latencies.push(performance.now() - started);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();

    latencies.sort((a, b) => a - b);
    const report = {
      requests: latencies.length,
      perSecond: Math.round(latencies.length / seconds),
      p50Ms: Number(percentile(latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      maxMs: Number(percentile(latencies, 100).toFixed(2)),
      stsCalls: sts.calls.length,
    };
    console.log(`load: ${JSON.stringify(report)}`);

    expect(Object.fromEntries(statuses)).toEqual({ 302: REQUESTS });
    // One STS call per key: never more (the cache and single-flight hold), never fewer (no key borrows another's).
    expect(sts.calls.length).toBe(DISTINCT_KEYS);
    expect(sts.calls.every((call) => call.outcome === "issued")).toBe(true);
  });
});
