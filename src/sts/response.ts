/** An STS answer (the `Response` the SDK hands back) checked into a TemporaryCredential. Pure. */

import type { TemporaryCredential } from "../credential";
import { StsCallError, stringField } from "./errors";

/** A credential that claims to live longer than the longest STS grants (129600 s) plus clock skew is not one. */
const MAX_PLAUSIBLE_LIFETIME_SECONDS = 129_600 + 3600;

/** Validates an STS answer (the SDK hands back `Response`) into a credential; anything else is "malformed". */
export function parseCredentialResponse(response: unknown, nowSeconds: number): TemporaryCredential {
  const requestId = stringField(response, "RequestId");
  const malformed = (what: string): StsCallError =>
    new StsCallError("malformed", `${what}${requestId === undefined ? "" : ` (RequestId ${requestId})`}`, {
      stsRequestId: requestId,
    });
  if (typeof response !== "object" || response === null) throw malformed("no Response object");
  const credentials: unknown = (response as Record<string, unknown>).Credentials;
  const secretId = stringField(credentials, "TmpSecretId");
  const secretKey = stringField(credentials, "TmpSecretKey");
  const token = stringField(credentials, "Token");
  if (secretId === undefined || secretKey === undefined || token === undefined) {
    throw malformed("Credentials.TmpSecretId, TmpSecretKey and Token must all be non-empty strings");
  }
  const expiredTime: unknown = (response as Record<string, unknown>).ExpiredTime;
  if (typeof expiredTime !== "number" || !Number.isSafeInteger(expiredTime)) {
    throw malformed("ExpiredTime is not a Unix time in seconds");
  }
  if (expiredTime <= nowSeconds) throw malformed("ExpiredTime is already past");
  if (expiredTime > nowSeconds + MAX_PLAUSIBLE_LIFETIME_SECONDS) {
    throw malformed("ExpiredTime is further away than any STS credential lives");
  }
  if (requestId === undefined) throw malformed("no RequestId");
  return Object.freeze({ secretId, secretKey, token, expiresAt: expiredTime, requestId });
}
