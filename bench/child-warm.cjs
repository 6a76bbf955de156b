// Warm throughput: one process, invocations one after another (an SCF instance serves one request at a time).
// argv: <bundle path> <cached|uncached> <warm-up ms> <measure ms>. "cached": the same key every time;
// "uncached": a new key every time, so every invocation needs a new credential from the fake STS.
"use strict";
const { functionUrlEvent, report } = require("./child-common.cjs");

const [bundlePath, mode, warmupText, measureText] = process.argv.slice(2);
const handler = require(bundlePath).main_handler;
let serial = 0;
const nextEvent = () =>
  functionUrlEvent(mode === "cached" ? "public/reports/q3.pdf" : `public/bench/${process.pid}-${serial++}.bin`, {
    filename: "Q3.pdf",
  });

async function run(ms) {
  let count = 0;
  let failed = 0;
  let status = 0;
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end) {
    const answer = await handler(nextEvent(), { request_id: "bench-warm" });
    count++;
    if (answer.statusCode !== 302) {
      failed++;
      status = answer.statusCode;
    }
  }
  return { count, failed, status, elapsedMs: performance.now() - start };
}

(async () => {
  await run(Number(warmupText));
  const measured = await run(Number(measureText));
  report({ ...measured, perSecond: (measured.count * 1000) / measured.elapsedMs });
  process.exit(0);
})().catch((error) => {
  report({ error: String(error?.stack ?? error) });
  process.exit(1);
});
