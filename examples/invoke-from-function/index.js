// A second cloud function that gets download URLs from cos-presign by direct invocation.
// Deploy it with an execution role allowed `name/scf:InvokeFunction` on cos-presign; SCF gives it that role's
// temporary keys as TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY / TENCENTCLOUD_SESSIONTOKEN.
const { scf } = require("tencentcloud-sdk-nodejs-scf");

let client; // created on first use and kept while the instance is warm

function scfClient() {
  client ??= new scf.v20180416.Client({
    credential: {
      secretId: process.env.TENCENTCLOUD_SECRETID,
      secretKey: process.env.TENCENTCLOUD_SECRETKEY,
      token: process.env.TENCENTCLOUD_SESSIONTOKEN,
    },
    region: process.env.TENCENTCLOUD_REGION ?? "ap-guangzhou",
  });
  return client;
}

/** Calls cos-presign synchronously and returns its answer: the JSON answer object, or {error, requestId}. */
async function presign(payload) {
  const response = await scfClient().InvokeFunction({
    FunctionName: process.env.PRESIGN_FUNCTION ?? "cos-presign-prod",
    Namespace: "default",
    Event: JSON.stringify(payload),
  });
  if (response.Result.InvokeResult !== 0) {
    throw new Error(`cos-presign failed to run: ${response.Result.ErrMsg}`);
  }
  return JSON.parse(response.Result.RetMsg);
}

exports.main_handler = async (event) => {
  // One key with a download name...
  const one = await presign({ key: `reports/${event.reportId}.pdf`, filename: "report.pdf", expires: 600 });
  if (one.error) return { statusCode: one.error.code === "AccessDenied" ? 403 : 502, body: one.error.message };

  // ...or up to 100 at once, each signed with its own one-object temporary key.
  const { results } = await presign({ keys: ["reports/a.pdf", "reports/b.pdf"] });
  return { report: one.url, attachments: results.map((result) => result.url ?? null) };
};
