import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { Env } from "../src/env";
import { type FakeSts, type FakeStsOptions, startFakeSts } from "./fake-sts";
import { type LocalCos, type LocalCosRequestLog, startLocalCos } from "./local-cos";

export const LOCAL_BUCKET = "examplebucket-1250000000";
export const LOCAL_REGION = "ap-guangzhou";
const LOCAL_ROLE_ARN = "qcs::cam::uin/100000000001:roleName/cos-presign-download";
export const SAMPLE_BUCKET = resolve(__dirname, "../examples/bucket");

export interface LocalStack {
  readonly sts: FakeSts;
  readonly cos: LocalCos;
  /** A complete function configuration pointing at both. */
  readonly env: Env;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  readonly root?: string;
  readonly onCosRequest?: (entry: LocalCosRequestLog) => void;
  /** Passed to the local STS: told every secret it holds or mints. */
  readonly onSecret?: FakeStsOptions["onSecret"];
}

/**
 * A local STS and a strict local COS wired to each other: the COS accepts exactly the tokens the STS
 * issued, with their keys, expiry and policy. Used by `npm start` and by the end-to-end tests.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The local STS accepts only this key pair, made fresh each start, and checks every request's signature.
  const secretId = `AKIDLOCAL${randomBytes(8).toString("hex")}`;
  const secretKey = randomBytes(24).toString("base64url");
  const sts = await startFakeSts({
    keys: [{ secretId, secretKey }],
    // As real STS: the STS_DURATION_SECONDS the function asks for, so the cache behaves locally as deployed.
    lifetimeSeconds: "asRequested",
    ...(options.onSecret === undefined ? {} : { onSecret: options.onSecret }),
  });
  const cos = await startLocalCos({
    root: options.root ?? SAMPLE_BUCKET,
    bucket: LOCAL_BUCKET,
    region: LOCAL_REGION,
    resolveToken: (token) => {
      const issued = sts.lookupToken(token);
      if (issued === undefined) return undefined;
      return {
        secretId: issued.tmpSecretId,
        secretKey: issued.tmpSecretKey,
        expiresAt: issued.expiredTime,
        policy: issued.policy,
      };
    },
    ...(options.onCosRequest === undefined ? {} : { onRequest: options.onCosRequest }),
  });
  const env: Env = {
    COS_BUCKET: LOCAL_BUCKET,
    COS_REGION: LOCAL_REGION,
    COS_DOMAIN: cos.origin,
    STS_ENDPOINT: sts.url,
    STS_SECRET_ID: secretId,
    STS_SECRET_KEY: secretKey,
    STS_ROLE_ARN: LOCAL_ROLE_ARN,
    ALLOWED_PREFIXES: "*",
    AUTH_MODE: "none",
  };
  return {
    sts,
    cos,
    env,
    close: async () => {
      await Promise.all([cos.close(), sts.close()]);
    },
  };
}

/**
 * The function's environment against this stack, for npm start and npm run invoke alike: the user's `settings` may
 * set anything (AUTH_MODE and ALLOWED_PREFIXES default to none and *), except how the function reaches the stack
 * and which bucket it holds: a real STS_ENDPOINT or key in a .env would otherwise point the local run elsewhere.
 */
export function againstStack(stack: LocalStack, settings: Env): Env {
  const { AUTH_MODE, ALLOWED_PREFIXES, ...connection } = stack.env;
  return { AUTH_MODE, ALLOWED_PREFIXES, ...settings, ...connection };
}
