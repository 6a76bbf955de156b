// Module load alone: a fresh node that requires the bundle (or nothing, with "-").
// argv: <bundle path | ->. Reports process start → loaded and the require() itself, in ms.
"use strict";
const { cpuMs, peakRssMiB, report } = require("./child-common.cjs");

const bundlePath = process.argv[2];
const before = performance.now();
if (bundlePath !== "-") require(bundlePath);
const ms = performance.now();
report({ ms, cpuMs: cpuMs(), requireMs: ms - before, rssMiB: peakRssMiB() });
