/**
 * `npm start`: the function on http://127.0.0.1:9000 through the node:http adapter.
 *
 * With no COS settings in the environment (or a .env file) it also starts, in this process, a local STS
 * and a strict local COS serving examples/bucket/, so the whole flow works without a Tencent account:
 * ask for a file, get redirected, download it. With real settings it talks to real STS and COS.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { startLocalStack } from "../dev/local-stack";
import { createHandler, type Handler } from "../src/app";
import { type Env, nonEmpty } from "../src/env";
import { createFunctionServer } from "../src/http/node";
import type { LogRecord } from "../src/log";
import { readDotenv } from "./dotenv";

const root = resolve(__dirname, "..");

/**
 * A .env file fills in what the environment does not set; it never overrides. Its blank lines (.env.example keeps
 * every setting, blank meaning unset) are skipped, so they cannot hide the local stack's settings.
 */
function loadDotenv(): void {
  for (const [name, value] of Object.entries(readDotenv(root))) {
    if (process.env[name] === undefined && value !== "") process.env[name] = value;
  }
}

/** One line a person reads per request: time, method, key, status, duration, credential cache. */
function consoleHandler(env: Env): Handler {
  const records = new Map<string, LogRecord>();
  const handler = createHandler({ env, log: (record) => records.set(record.requestId, record) });
  return async (event, context) => {
    const requestId = randomUUID();
    const result = await handler(event, { ...context, request_id: requestId });
    const record = records.get(requestId);
    records.delete(requestId);
    const method = (event as { httpMethod?: string }).httpMethod ?? "?";
    if (record !== undefined) {
      const time = new Date().toTimeString().slice(0, 8);
      const cache = record.cache === undefined ? "" : `  credential ${record.cache}`;
      const code = record.code === "OK" ? "" : ` ${record.code}`;
      console.log(`${time} ${method} ${record.key ?? "-"} → ${record.status}${code} ${record.durationMs} ms${cache}`);
    }
    return result;
  };
}

async function main(): Promise<void> {
  loadDotenv();
  // Blank counts as unset, as in the function's own configuration.
  const real = nonEmpty(process.env.COS_BUCKET) !== undefined;
  const local = real
    ? undefined
    : await startLocalStack({
        onCosRequest: (entry) =>
          console.log(
            `         COS ${entry.method} ${entry.key} → ${entry.status}${entry.code ? ` ${entry.code}` : ""}`,
          ),
      });
  // Settings in the environment win over the local defaults, so AUTH_MODE=link npm start works.
  const server = createFunctionServer(consoleHandler(local ? { ...local.env, ...process.env } : process.env));
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    // Read after loadDotenv, so PORT may come from .env like every other setting.
    server.listen(Number(process.env.PORT ?? 9000), "127.0.0.1", done);
  });
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`cos-presign listening on ${address}`);
  if (local) {
    console.log(`local STS ${local.sts.url}, local COS ${local.cos.origin} serving examples/bucket/`);
    console.log("try:");
    console.log(`  curl -L ${address}/hello.txt`);
    console.log(`  curl -L -o pixel.png ${address}/images/pixel.png`);
    console.log(`  curl -L '${address}/reports/%E5%AD%A3%E5%BA%A6%20%E6%8A%A5%E5%91%8A.txt?filename=report.txt' -OJ`);
    console.log(`  curl '${address}/hello.txt?format=json'`);
  } else {
    console.log(`using COS bucket ${process.env.COS_BUCKET} and real STS from your settings`);
  }

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await local?.close();
    console.log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
