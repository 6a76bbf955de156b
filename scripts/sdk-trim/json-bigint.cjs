// @ts-check
/**
 * Stands in for json-bigint: its stringify, without its parser.
 *
 * @replaces json-bigint
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/http/http_connection.js
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 * @reviewed json-bigint@1.0.0
 *
 * http/http_connection.js and sign.js call json-bigint({ useNativeBigInt: true }) and use only its `stringify`, on
 * the request body: the same function both hashes it for TC3 and sends it. Answers are parsed by fetch's
 * res.json() (abstract_client.js parseResponse), i.e. JSON.parse, never by json-bigint.
 *
 * Why it is safe: json-bigint's index.js returns `{ parse: json_parse(options), stringify: json_stringify }`, where
 * stringify is lib/stringify.js's and ignores the options; this returns that same stringify, so the bytes on the
 * wire are unchanged. Only the parser (and with it bignumber.js, see bignumber.js.cjs) is left out.
 */
"use strict";

const { stringify } = require("json-bigint/lib/stringify.js");

/** @returns {never} */
function parse() {
  throw new Error("json-bigint parse is not bundled (see scripts/sdk-trim/)");
}

/** @returns {{ parse: typeof parse, stringify: typeof stringify }} */
function JSONbig() {
  return { parse, stringify };
}

module.exports = JSONbig;
module.exports.parse = parse;
module.exports.stringify = stringify;
