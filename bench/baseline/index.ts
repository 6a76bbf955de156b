/**
 * The baseline for bench/cold-start.ts: the same contract as cos-presign, written the obvious way with the
 * official pair, as a user would deploy it instead: tencentcloud-sdk-nodejs-sts AssumeRole with a one-object
 * policy, then cos-nodejs-sdk-v5 getObjectUrl with the temporary key, answering a Function URL event with a 302.
 * No credential cache (an STS call per request), unless BASELINE_MEMO=1 gives it the obvious per-key memo.
 * Same environment variables as the function. Straightforward on purpose, neither tuned nor slowed down.
 */
import COS from "cos-nodejs-sdk-v5";
import { sts } from "tencentcloud-sdk-nodejs-sts";

interface FunctionUrlEvent {
  path?: string;
  queryString?: Record<string, string>;
}

interface TempKey {
  TmpSecretId: string;
  TmpSecretKey: string;
  Token: string;
  ExpiredTime: number;
}

const env = process.env;
let client: InstanceType<typeof sts.v20180813.Client> | undefined;
const memo = new Map<string, TempKey>();

function stsClient() {
  if (client === undefined) {
    const endpoint = new URL(env.STS_ENDPOINT ?? "https://sts.tencentcloudapi.com");
    client = new sts.v20180813.Client({
      credential: {
        secretId: env.STS_SECRET_ID ?? env.TENCENTCLOUD_SECRETID ?? "",
        secretKey: env.STS_SECRET_KEY ?? env.TENCENTCLOUD_SECRETKEY ?? "",
        ...(env.STS_SECRET_ID === undefined ? { token: env.TENCENTCLOUD_SESSIONTOKEN ?? "" } : {}),
      },
      region: env.COS_REGION ?? "",
      profile: { httpProfile: { endpoint: endpoint.host, protocol: `${endpoint.protocol}//`, reqTimeout: 5 } },
    });
  }
  return client;
}

async function tempKeyFor(bucket: string, region: string, key: string): Promise<TempKey> {
  const cached = memo.get(key);
  if (cached !== undefined && cached.ExpiredTime - 60 > Date.now() / 1000) return cached;
  const appId = bucket.slice(bucket.lastIndexOf("-") + 1);
  const policy = {
    version: "2.0",
    statement: [
      {
        effect: "allow",
        action: ["name/cos:GetObject"],
        resource: [`qcs::cos:${region}:uid/${appId}:${bucket}/${key}`],
      },
    ],
  };
  const answer = await stsClient().AssumeRole({
    RoleArn: env.STS_ROLE_ARN ?? "",
    RoleSessionName: "cos-presign",
    DurationSeconds: 1800,
    Policy: encodeURIComponent(JSON.stringify(policy)),
  });
  const credentials = answer.Credentials;
  if (credentials?.TmpSecretId === undefined || credentials.TmpSecretKey === undefined) {
    throw new Error("STS gave no credentials");
  }
  const tempKey = {
    TmpSecretId: credentials.TmpSecretId,
    TmpSecretKey: credentials.TmpSecretKey,
    Token: credentials.Token ?? "",
    ExpiredTime: answer.ExpiredTime ?? 0,
  };
  if (env.BASELINE_MEMO === "1") memo.set(key, tempKey);
  return tempKey;
}

function answer(statusCode: number, message: string) {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify({ message }) };
}

export async function main_handler(event: FunctionUrlEvent) {
  const bucket = env.COS_BUCKET ?? "";
  const region = env.COS_REGION ?? "";
  const key = decodeURIComponent((event.path ?? "/").replace(/^\//, ""));
  if (key === "") return answer(400, "no object key");
  const prefixes = (env.ALLOWED_PREFIXES ?? "").split(",").filter((prefix) => prefix !== "");
  if (prefixes.length > 0 && !prefixes.some((prefix) => key.startsWith(prefix))) return answer(403, "access denied");

  let tempKey: TempKey;
  try {
    tempKey = await tempKeyFor(bucket, region, key);
  } catch {
    return answer(502, "STS failed");
  }
  const cos = new COS({
    SecretId: tempKey.TmpSecretId,
    SecretKey: tempKey.TmpSecretKey,
    SecurityToken: tempKey.Token,
  });
  const filename = event.queryString?.filename;
  const url = await new Promise<string>((resolve, reject) => {
    cos.getObjectUrl(
      {
        Bucket: bucket,
        Region: region,
        Key: key,
        Sign: true,
        Expires: 600,
        Query: filename === undefined ? {} : { "response-content-disposition": `attachment; filename="${filename}"` },
      },
      (error, data) => (error ? reject(error) : resolve(data.Url)),
    );
  });
  return { statusCode: 302, headers: { location: url, "cache-control": "no-store" }, body: "" };
}
