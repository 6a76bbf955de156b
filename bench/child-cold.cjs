// Cold first answer: a fresh node loads the bundle and answers one Function URL request.
// argv: <bundle path> <key>. Reports process start → answer (performance.now(): ms since the process began).
"use strict";
const { cpuMs, functionUrlEvent, peakRssMiB, report } = require("./child-common.cjs");

const [bundlePath, key] = process.argv.slice(2);
const bundle = require(bundlePath);
bundle.main_handler(functionUrlEvent(key, { filename: "Q3.pdf" }), { request_id: "bench-cold" }).then(
  (answer) => {
    const ms = performance.now();
    report({
      ms,
      cpuMs: cpuMs(),
      status: answer.statusCode,
      location: answer.headers?.location ?? "",
      rssMiB: peakRssMiB(),
    });
    process.exit(0);
  },
  (error) => {
    report({ error: String(error?.stack ?? error) });
    process.exit(1);
  },
);
