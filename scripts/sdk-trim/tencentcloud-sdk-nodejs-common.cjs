// @ts-check
/**
 * Stands in for the index of tencentcloud-sdk-nodejs-common, as the STS client imports it.
 *
 * @replaces tencentcloud-sdk-nodejs-common
 * @importer tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client.js
 * @uses TencentCloudCommon.AbstractClient
 * @reviewed tencentcloud-sdk-nodejs-sts@4.1.100
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 *
 * services/sts/v20180813/sts_client.js reads one export of the package's index, `TencentCloudCommon.AbstractClient`,
 * which its Client extends (the build fails if it reads any other). The index (tencentcloud/index.js and
 * tencentcloud/common/index.js) also loads credential.js (profile files, CVM role and OIDC credential providers,
 * with ini and os), common_client.js and cvm_role_credential.js, none of which the client touches.
 *
 * Why it is safe: this exports the very AbstractClient class the index re-exports, from the file it comes from.
 */
"use strict";

exports.AbstractClient =
  require("tencentcloud-sdk-nodejs-common/tencentcloud/common/abstract_client.js").AbstractClient;
