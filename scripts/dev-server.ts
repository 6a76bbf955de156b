/**
 * `npm start`: the function on http://127.0.0.1:9000 through the node:http adapter.
 *
 * With no COS settings in the environment (or a .env file) it also starts, in this process, a local STS
 * and a strict local COS serving examples/bucket/, so the whole flow works without a Tencent account:
 * ask for a file, get redirected, download it. With real settings it talks to real STS and COS.
 * A configuration the function would refuse stops the start, listing every problem.
 */
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { againstStack, type LocalStack, type LocalStackOptions, startLocalStack } from "../dev/local-stack";
import { loadConfig } from "../src/config";
import { type Env, list, nonEmpty } from "../src/env";
import { createHttpServer } from "../src/http/node";
import type { LogRecord } from "../src/log";
import { type CliIo, problemReport, processIo } from "./cli";
import { readDotenv } from "./dotenv";

const root = resolve(__dirname, "..");

export interface DevServerIo extends CliIo {
  /** Starts the dev stack when no COS settings are given; the tests pass one that registers its secrets. */
  readonly startLocalStack?: (options: LocalStackOptions) => Promise<LocalStack>;
  /** Aborting it stops the server (npm start wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** Told the server's origin once it listens. */
  readonly listening?: (origin: string) => void;
  /** The folder whose .env is read; the project root unless a test says otherwise. */
  readonly dotenvFolder?: string;
}

/**
 * One line a person reads per request: time, method, key (or the path when no key was read), status, error code and message, duration, credential
 * cache. It is made from the function's own log record, so it shows what the operator's log line holds.
 */
function consoleLine(record: LogRecord): string {
  const time = new Date().toTimeString().slice(0, 8);
  const cache = record.cache === undefined ? "" : `  credential ${record.cache}`;
  const error =
    record.code === "OK" ? "" : ` ${record.code}${record.message === undefined ? "" : ` (${record.message})`}`;
  return `${time} ${record.method ?? "?"} ${record.key ?? record.path ?? "-"} → ${record.status}${error} ${record.durationMs} ms${cache}`;
}

/** Serves until `io.signal` aborts; 0 then, 1 when the configuration is bad or the port cannot be had. */
export async function run(_argv: readonly string[], processEnv: Env, io: DevServerIo): Promise<number> {
  // A .env file fills in what the environment does not set; it never overrides.
  // Its blank lines (.env.example keeps every setting, blank meaning unset) are skipped, so they cannot hide the
  // local stack's settings.
  const dotenv = Object.entries(readDotenv(io.dotenvFolder ?? root)).filter(([, value]) => value !== "");
  const env: Env = { ...Object.fromEntries(dotenv), ...processEnv };
  const print = (line: string) => io.stdout(`${line}\n`);
  // Blank counts as unset, as in the function's own configuration.
  const real = nonEmpty(env.COS_BUCKET) !== undefined;
  const local = real
    ? undefined
    : await (io.startLocalStack ?? startLocalStack)({
        onCosRequest: (entry) =>
          print(`         COS ${entry.method} ${entry.key} → ${entry.status}${entry.code ? ` ${entry.code}` : ""}`),
      });
  // Settings in the environment win over the local defaults, so AUTH_MODE=link npm start works.
  const functionEnv: Env = local ? againstStack(local, env) : env;
  const loaded = loadConfig(functionEnv);
  if (!("config" in loaded)) {
    io.stderr(problemReport("npm start", loaded.problems, "not starting"));
    await local?.close();
    return 1;
  }

  const server = createHttpServer({ env: functionEnv, log: (record) => print(consoleLine(record)) });
  try {
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(Number(env.PORT ?? 9000), "127.0.0.1", done);
    });
  } catch (error) {
    io.stderr(`npm start: cannot listen: ${(error as Error).message}\n`);
    await local?.close();
    return 1;
  }
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  print(`cos-presign listening on ${address}`);
  if (local) {
    print(`local STS ${local.sts.url}, local COS ${local.cos.origin} serving examples/bucket/`);
    print("try:");
    print(`  curl -L ${address}/hello.txt`);
    print(`  curl -L -o pixel.png ${address}/images/pixel.png`);
    print(`  curl -L -OJ '${address}/public/reports/q3.pdf?filename=Q3%20report.pdf'`);
    print(`  curl '${address}/public/%E5%AD%A3%E5%BA%A6%20%E6%8A%A5%E5%91%8A.txt?format=json'`);
    const modes = list(functionEnv.AUTH_MODE);
    if (!modes.includes("none")) {
      // Without credentials every one of those is a 401: say where to get some.
      print(`  with AUTH_MODE=${modes.join(",")}, use a link from npm run -s sign-link -- <key> --ttl 1h, or add`);
      print(`  -H "Authorization: Bearer $(npm run -s sign-jwt -- --ttl 1h)"`);
    }
  } else {
    print(`using COS bucket ${env.COS_BUCKET} and real STS from your settings`);
  }
  io.listening?.(address);

  await new Promise<void>((done) => {
    if (io.signal === undefined) return;
    if (io.signal.aborted) done();
    else io.signal.addEventListener("abort", () => done(), { once: true });
  });
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await local?.close();
  print("stopped");
  return 0;
}

if (require.main === module) {
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop.abort());
  run(process.argv.slice(2), process.env, { ...processIo, signal: stop.signal }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
