// @ts-check
/**
 * Stands in for debug: a logger that is always off.
 *
 * @replaces debug
 * @importer agent-base/dist/src/index.js
 * @importer https-proxy-agent/dist/agent.js
 * @importer https-proxy-agent/dist/parse-proxy-response.js
 * @reviewed agent-base@6.0.2
 * @reviewed https-proxy-agent@5.0.1
 * @reviewed debug@4.4.3
 *
 * agent-base and https-proxy-agent (loaded only behind a proxy, see https-proxy-agent.cjs) create loggers with
 * `debug_1.default("<namespace>")` and call them; debug prints only when the DEBUG environment variable names them.
 *
 * Why it is safe: the loggers only ever print diagnostics; here they print nothing, as debug does without DEBUG.
 * `enabled` and `extend` are there for code that asks.
 */
"use strict";

/**
 * @typedef {(() => void) & { enabled: boolean, extend: typeof createDebug }} Debugger
 * @returns {Debugger}
 */
function createDebug() {
  const debug = Object.assign(() => {}, { enabled: false, extend: createDebug });
  return debug;
}
createDebug.enabled = function enabled() {
  return false;
};

module.exports = createDebug;
module.exports.default = createDebug;
