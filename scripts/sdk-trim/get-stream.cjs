// @ts-check
/**
 * Stands in for get-stream, which the SDK uses only for request parameters that are streams.
 *
 * @replaces get-stream
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/http/http_connection.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 *
 * http/http_connection.js calls `get_stream_1.default.buffer(data[key])` only for request parameters that are
 * readable streams (is-stream, which is kept, decides). AssumeRole's and GetFederationToken's parameters are
 * strings and numbers.
 *
 * Why it is safe: the call is never reached; if it ever were, the request fails with a message that says why.
 */
"use strict";

/** @returns {Promise<never>} */
function unsupported() {
  return Promise.reject(
    new Error("stream request parameters are not supported: get-stream is not bundled (see scripts/sdk-trim/)"),
  );
}

module.exports = unsupported;
module.exports.buffer = unsupported;
module.exports.array = unsupported;
