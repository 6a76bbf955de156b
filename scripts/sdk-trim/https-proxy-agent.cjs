// @ts-check
/**
 * Stands in for https-proxy-agent: the real one, loaded when the first proxy agent is made instead of with the SDK.
 *
 * @replaces https-proxy-agent
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/http/fetch.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 * @reviewed https-proxy-agent@5.0.1
 *
 * http/fetch.js: `if (!options.agent && proxy) instanceOptions.agent = new https_proxy_agent_1.default(proxy)`,
 * with proxy = options.proxy || process.env.http_proxy. Proxy support stays (src/sts/client.ts leaves its own agent
 * out when http_proxy is set, so that this path is taken), but https-proxy-agent, with agent-base, tls, net and
 * assert, is loaded only when it is needed.
 *
 * Why it is safe: https-proxy-agent 5 exports a function, createHttpsProxyAgent(opts), that returns an object;
 * `new` on this wrapper returns that object, exactly what `new createHttpsProxyAgent(proxy)` returns.
 */
"use strict";

/**
 * @param {Parameters<typeof import("https-proxy-agent")>[0]} opts
 * @returns {ReturnType<typeof import("https-proxy-agent")>}
 */
module.exports = function createHttpsProxyAgent(opts) {
  return require("https-proxy-agent")(opts);
};
