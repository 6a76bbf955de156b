/**
 * What bench/sign.ts and bench/first-signature.ts share: one caller's secret, host and key time, and the two
 * signers under comparison, called the same way.
 */
import COS from "cos-nodejs-sdk-v5";
import { authorization, computeSignature } from "../src/cos/signature";

export const SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
export const SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
export const HOST = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
export const KEY_TIME = { start: 1_700_000_000, end: 1_700_000_600 };
export const KEY_TIME_STRING = `${KEY_TIME.start};${KEY_TIME.end}`;

/** Ours: computeSignature + authorization, the same Authorization string the SDK returns. */
export function signOurs(path: string, query: Readonly<Record<string, string>>): string {
  const parts = computeSignature({
    method: "get",
    path,
    query,
    headers: { host: HOST },
    keyTime: KEY_TIME,
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
  });
  return authorization(SECRET_ID, parts);
}

/** cos-nodejs-sdk-v5's COS.getAuthorization on the same inputs. */
export function signSdk(path: string, query: Readonly<Record<string, string>>): string {
  return COS.getAuthorization({
    SecretId: SECRET_ID,
    SecretKey: SECRET_KEY,
    Method: "get",
    Pathname: path,
    Query: query,
    Headers: { host: HOST },
    KeyTime: KEY_TIME_STRING,
  });
}
