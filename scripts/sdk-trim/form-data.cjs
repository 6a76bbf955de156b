// @ts-check
/**
 * Stands in for form-data, which the SDK uses only for multipart uploads.
 *
 * @replaces form-data
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/http/http_connection.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 *
 * http/http_connection.js does `new form_data_1.default()` only when `multipart` is true, an option of requests
 * that upload files. AssumeRole and GetFederationToken go through doRequestWithSign3 with
 * `multipart: options && options.multipart`, and src/sts/client.ts passes only `{ signal }`. form-data brings
 * mime-types, mime-db and a dozen es-* shims.
 *
 * Why it is safe: the one path that would construct it is never taken; if it ever were, the request fails with a
 * message that says why instead of sending something else.
 */
"use strict";

module.exports = class FormData {
  constructor() {
    throw new Error("multipart requests are not supported: form-data is not bundled (see scripts/sdk-trim/)");
  }
};
