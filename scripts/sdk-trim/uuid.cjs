// @ts-check
/**
 * Stands in for uuid: v4() on crypto.randomUUID(), which is what uuid itself does.
 *
 * @replaces uuid
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/abstract_client.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 * @reviewed uuid@9.0.1
 *
 * abstract_client.js calls `(0, uuid_1.v4)()`, without arguments, for the X-TC-TraceId header.
 *
 * Why it is safe: uuid 9's v4() without arguments returns crypto.randomUUID() (dist/v4.js:
 * `if (native.randomUUID && !buf && !options) return native.randomUUID()`), and Node 18 has randomUUID.
 */
"use strict";

const { randomUUID } = require("node:crypto");

/**
 * @param {unknown} [options]
 * @param {unknown} [buf]
 * @returns {string}
 */
exports.v4 = function v4(options, buf) {
  if (options !== undefined || buf !== undefined) {
    throw new Error("uuid.v4 options are not supported (see scripts/sdk-trim/)");
  }
  return randomUUID();
};
