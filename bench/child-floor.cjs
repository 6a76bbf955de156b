// The floor: what no implementation can avoid on a cold instance. A bare node process makes the one STS round
// trip (AssumeRole with the one-object policy, TC3-HMAC-SHA256-signed as Tencent documents it, over plain
// node:http to the same fake STS, which checks the signature) and computes one HMAC with the key it gets back,
// as a stand-in for signing the URL. No SDK, no validation, no URL building: the physical limit.
// argv: <key>. Environment: the function's (STS_ENDPOINT, STS_SECRET_ID, STS_SECRET_KEY, STS_ROLE_ARN, COS_*).
"use strict";
const { createHash, createHmac } = require("node:crypto");
const http = require("node:http");
const { cpuMs, peakRssMiB, report } = require("./child-common.cjs");

const env = process.env;
const key = process.argv[2];
const endpoint = new URL(env.STS_ENDPOINT);
const bucket = env.COS_BUCKET;
const region = env.COS_REGION;
const policy = {
  version: "2.0",
  statement: [
    {
      effect: "allow",
      action: ["name/cos:GetObject"],
      resource: [`qcs::cos:${region}:uid/${bucket.slice(bucket.lastIndexOf("-") + 1)}:${bucket}/${key}`],
    },
  ],
};
const body = JSON.stringify({
  RoleArn: env.STS_ROLE_ARN,
  RoleSessionName: "cos-presign",
  DurationSeconds: 1800,
  Policy: encodeURIComponent(JSON.stringify(policy)),
});

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (secret, data) => createHmac("sha256", secret).update(data).digest();
const timestamp = Math.floor(Date.now() / 1000);
const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
const service = endpoint.hostname.split(".")[0];
const contentType = "application/json";
const canonical = `POST\n/\n\ncontent-type:${contentType}\nhost:${endpoint.hostname}\n\ncontent-type;host\n${sha256(body)}`;
const scope = `${date}/${service}/tc3_request`;
const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256(canonical)}`;
const signing = hmac(hmac(hmac(`TC3${env.STS_SECRET_KEY}`, date), service), "tc3_request");
const signature = createHmac("sha256", signing).update(stringToSign).digest("hex");

const request = http.request(
  {
    host: endpoint.hostname,
    port: endpoint.port,
    method: "POST",
    path: "/",
    headers: {
      "Content-Type": contentType,
      "X-TC-Action": "AssumeRole",
      "X-TC-Region": region,
      "X-TC-Timestamp": String(timestamp),
      "X-TC-Version": "2018-08-13",
      Authorization: `TC3-HMAC-SHA256 Credential=${env.STS_SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    },
  },
  (response) => {
    const chunks = [];
    response.on("data", (chunk) => chunks.push(chunk));
    response.on("end", () => {
      const answer = JSON.parse(Buffer.concat(chunks).toString("utf8")).Response;
      const credentials = answer.Credentials;
      if (credentials === undefined) {
        report({ error: `fake STS refused: ${JSON.stringify(answer.Error)}` });
        process.exit(1);
      }
      const signKey = createHmac("sha1", credentials.TmpSecretKey)
        .update(`${timestamp};${timestamp + 600}`)
        .digest("hex");
      const ms = performance.now();
      report({ ms, cpuMs: cpuMs(), status: signKey.length === 40 ? 302 : 500, rssMiB: peakRssMiB() });
      process.exit(0);
    });
  },
);
request.on("error", (error) => {
  report({ error: String(error) });
  process.exit(1);
});
request.end(body);
