import TencentCloudSDKHttpException from "tencentcloud-sdk-nodejs-common/tencentcloud/common/exception/tencent_cloud_sdk_exception";
import { describe, expect, it } from "vitest";
import { PresignError } from "../../src/errors";
import {
  classifySdkError,
  isRetryableStsCode,
  parseCredentialResponse,
  StsCallError,
  toPresignError,
} from "../../src/sts/client";
import { RetriesExhausted } from "../../src/sts/retry";

const NOW = 1_700_000_000;
const good = {
  Credentials: { TmpSecretId: "AKIDtmp", TmpSecretKey: "tmpKey", Token: "tok" },
  ExpiredTime: NOW + 1800,
  Expiration: "2023-11-14T22:43:20Z",
  RequestId: "req-1",
};

function sdkError(message: string, fields: { code?: string; httpCode?: number; requestId?: string }) {
  const error = new TencentCloudSDKHttpException(message, fields.requestId ?? "", "trace");
  return Object.assign(error, fields);
}

describe("parseCredentialResponse", () => {
  it("turns a good answer into a frozen credential", () => {
    const credential = parseCredentialResponse(good, NOW);
    expect(credential).toEqual({
      secretId: "AKIDtmp",
      secretKey: "tmpKey",
      token: "tok",
      expiresAt: NOW + 1800,
      requestId: "req-1",
    });
    expect(Object.isFrozen(credential)).toBe(true);
  });

  const broken: Array<[string, unknown]> = [
    ["null", null],
    ["a string", "Response"],
    ["no Credentials", { ...good, Credentials: undefined }],
    ["no Token", { ...good, Credentials: { TmpSecretId: "a", TmpSecretKey: "b" } }],
    ["empty TmpSecretKey", { ...good, Credentials: { TmpSecretId: "a", TmpSecretKey: "", Token: "t" } }],
    ["numeric TmpSecretId", { ...good, Credentials: { TmpSecretId: 1, TmpSecretKey: "b", Token: "t" } }],
    ["ExpiredTime as a string", { ...good, ExpiredTime: String(NOW + 1800) }],
    ["ExpiredTime fractional", { ...good, ExpiredTime: NOW + 0.5 }],
    ["ExpiredTime missing", { ...good, ExpiredTime: undefined }],
    ["ExpiredTime now", { ...good, ExpiredTime: NOW }],
    ["ExpiredTime past", { ...good, ExpiredTime: NOW - 10 }],
    ["ExpiredTime in milliseconds", { ...good, ExpiredTime: (NOW + 1800) * 1000 }],
    ["no RequestId", { ...good, RequestId: undefined }],
  ];
  for (const [what, response] of broken) {
    it(`calls ${what} malformed`, () => {
      const error = (() => {
        try {
          parseCredentialResponse(response, NOW);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(StsCallError);
      expect(error).toMatchObject({ kind: "malformed", retryable: false });
    });
  }
});

describe("classifySdkError", () => {
  it("sorts the SDK's error shapes into retryable and not", () => {
    const cases: Array<[unknown, string, boolean]> = [
      [sdkError("limit", { code: "RequestLimitExceeded", requestId: "r" }), "throttled", true],
      [sdkError("limit", { code: "RequestLimitExceeded.UinLimitExceeded" }), "throttled", true],
      [sdkError("limit", { code: "InvalidParameter.OverLimit" }), "throttled", true],
      [sdkError("boom", { code: "InternalError" }), "serverError", true],
      [sdkError("boom", { code: "InternalError.DbError" }), "serverError", true],
      [sdkError("busy", { code: "ServiceUnavailable" }), "serverError", true],
      [sdkError("sig", { code: "AuthFailure.SignatureFailure" }), "rejected", false],
      [sdkError("role", { code: "ResourceNotFound.RoleNotFound" }), "rejected", false],
      [sdkError("perm", { code: "UnauthorizedOperation" }), "rejected", false],
      [sdkError("policy", { code: "InvalidParameter.PolicyTooLong" }), "rejected", false],
      [sdkError("Internal Server Error", { httpCode: 500 }), "serverError", true],
      [sdkError("Bad Gateway", { httpCode: 502 }), "serverError", true],
      [sdkError("Too Many Requests", { httpCode: 429 }), "throttled", true],
      [sdkError("Forbidden", { httpCode: 403 }), "rejected", false],
      [sdkError("request to http://x failed, reason: socket hang up", {}), "network", true],
      [sdkError("The user aborted a request.", {}), "network", true],
      [
        Object.assign(new Error("invalid json response body"), { name: "FetchError", type: "invalid-json" }),
        "malformed",
        false,
      ],
      [
        Object.assign(new Error("read ECONNRESET"), { name: "FetchError", type: "system", code: "ECONNRESET" }),
        "network",
        true,
      ],
      [Object.assign(new Error("aborted"), { name: "AbortError", type: "aborted" }), "network", true],
      [new TypeError("Cannot read properties of undefined (reading 'Error')"), "malformed", false],
    ];
    for (const [error, kind, retryable] of cases) {
      const classified = classifySdkError(error, "AssumeRole");
      expect(classified, String(error)).toBeInstanceOf(StsCallError);
      expect(classified, String(error)).toMatchObject({ kind, retryable });
    }
  });

  it("keeps the STS code and RequestId", () => {
    const classified = classifySdkError(sdkError("x", { code: "AuthFailure.TokenFailure", requestId: "rid" }), "A");
    expect(classified).toMatchObject({ stsCode: "AuthFailure.TokenFailure", stsRequestId: "rid" });
  });

  it("knows the retryable codes", () => {
    const retryable = ["RequestLimitExceeded", "InternalError", "InvalidParameter.OverLimit", "ServiceUnavailable"];
    expect(retryable.every(isRetryableStsCode)).toBe(true);
    expect(
      ["AuthFailure.SignatureExpire", "InvalidParameter.GrantOtherResource", "InvalidParameter"].some(
        isRetryableStsCode,
      ),
    ).toBe(false);
  });
});

describe("toPresignError", () => {
  it("makes exhausted retries a 503 with Retry-After", () => {
    const last = new StsCallError("throttled", "x", { stsCode: "RequestLimitExceeded", stsRequestId: "rid" });
    const error = toPresignError(new RetriesExhausted(3, last, false), "AssumeRole");
    expect(error).toMatchObject({ code: "CredentialServiceUnavailable", status: 503, retryAfterSeconds: 1 });
    expect(error.detail).toEqual({ attempts: "3", stsCode: "RequestLimitExceeded", stsRequestId: "rid" });
    expect(error.message).toContain("RequestLimitExceeded");
  });

  it("makes a refusal a 502 naming the code and RequestId", () => {
    const refused = new StsCallError("rejected", "x", {
      stsCode: "ResourceNotFound.RoleNotFound",
      stsRequestId: "rid",
    });
    const error = toPresignError(refused, "AssumeRole");
    expect(error).toMatchObject({ code: "CredentialServiceError", status: 502 });
    expect(error.message).toContain("ResourceNotFound.RoleNotFound");
    expect(error.message).toContain("rid");
    expect(error.message).toContain("STS_ROLE_ARN");
    expect(error.detail).toEqual({ stsCode: "ResourceNotFound.RoleNotFound", stsRequestId: "rid" });
  });

  it("passes PresignErrors through", () => {
    const config = new PresignError("ConfigError", "x");
    expect(toPresignError(config, "AssumeRole")).toBe(config);
  });
});
