import COS from "cos-nodejs-sdk-v5";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorization, computeSignature } from "../../src/cos/signature";
import { bucket, credential, keyTime, objectKey, region, responseQuery } from "./arbitraries";
import { D_QUERY, D_TIME, STS } from "./vectors.fixture";

/**
 * Differential test against the official Node SDK (devDependency only). Its getAuth takes KeyTime as
 * `start;end`, the raw Pathname with its leading `/`, Query as given, and signs only whitelisted headers
 * (`host` is one; `date` is not, so vectors A/B cannot be checked this way).
 */
function sdkAuthorization(input: {
  secretId: string;
  secretKey: string;
  key: string;
  query: Record<string, string>;
  host: string;
  keyTime: { start: number; end: number };
}): string {
  return COS.getAuthorization({
    SecretId: input.secretId,
    SecretKey: input.secretKey,
    Method: "get",
    Pathname: `/${input.key}`,
    Query: input.query,
    Headers: { host: input.host },
    KeyTime: `${input.keyTime.start};${input.keyTime.end}`,
  });
}

describe("computeSignature agrees with cos-nodejs-sdk-v5", () => {
  it("for arbitrary keys, response parameters and tokens", () => {
    fc.assert(
      fc.property(
        objectKey,
        responseQuery,
        credential,
        keyTime,
        bucket,
        region,
        (key, params, cred, time, bucketName, regionName) => {
          const host = `${bucketName}.cos.${regionName}.myqcloud.com`;
          const query = cred.token === undefined ? params : { ...params, "x-cos-security-token": cred.token };
          const parts = computeSignature({
            method: "GET",
            path: `/${key}`,
            query,
            headers: { host },
            keyTime: time,
            secretId: cred.secretId,
            secretKey: cred.secretKey,
          });
          expect(authorization(cred.secretId, parts)).toBe(
            sdkAuthorization({ secretId: cred.secretId, secretKey: cred.secretKey, key, query, host, keyTime: time }),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("for vector D (sanity check of the oracle call itself)", () => {
    const auth = sdkAuthorization({
      ...STS,
      key: "dir/文件 (1)+x.pdf",
      query: D_QUERY,
      host: "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
      keyTime: D_TIME,
    });
    expect(auth).toContain("q-url-param-list=response-content-disposition;versionid;x-cos-traffic-limit");
    expect(auth).toContain("q-signature=0c2caf546e154460796659274d3bfc84fb21549b");
  });
});
