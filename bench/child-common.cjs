// Shared by the bench's child processes (kept tiny: whatever a child loads is part of what it measures).
"use strict";

/** The Function URL event every implementation answers. */
function functionUrlEvent(key, queryString) {
  return {
    body: "",
    headers: { accept: "*/*", "x-scf-remote-addr": "127.0.0.1" },
    httpMethod: "GET",
    path: `/${key.split("/").map(encodeURIComponent).join("/")}`,
    queryString: queryString ?? {},
  };
}

/** Results go to fd 3, so a function's own stdout (log lines) never mixes with them. */
function report(result) {
  require("node:fs").writeSync(3, `${JSON.stringify(result)}\n`);
}

/** Peak resident set size so far, MiB. */
function peakRssMiB() {
  return process.resourceUsage().maxRSS / 1024;
}

/** CPU time (user + system) so far, ms: steadier than wall time on a busy machine. */
function cpuMs() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

module.exports = { cpuMs, functionUrlEvent, peakRssMiB, report };
