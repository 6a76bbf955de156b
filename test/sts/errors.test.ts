import TencentCloudSDKHttpException from "tencentcloud-sdk-nodejs-common/tencentcloud/common/exception/tencent_cloud_sdk_exception";
import { describe, expect, it } from "vitest";
import { PresignError } from "../../src/errors";
import { classifySdkError, StsCallError, toPresignError } from "../../src/sts/errors";
import { RetriesExhausted } from "../../src/sts/retry";

function sdkError(message: string, fields: { code?: string; httpCode?: number; requestId?: string }) {
  const error = new TencentCloudSDKHttpException(message, fields.requestId ?? "", "trace");
  return Object.assign(error, fields);
}

describe("classifySdkError", () => {
  it("sorts the SDK's error shapes into retryable and not", () => {
    const cases: Array<[unknown, string, boolean]> = [
      [sdkError("limit", { code: "RequestLimitExceeded", requestId: "r" }), "throttled", true],
      [sdkError("limit", { code: "RequestLimitExceeded.UinLimitExceeded" }), "throttled", true],
      [sdkError("limit", { code: "InvalidParameter.OverLimit" }), "throttled", true],
      [sdkError("boom", { code: "InternalError" }), "serverError", true],
      [sdkError("boom", { code: "InternalError.DbError" }), "serverError", true],
      [sdkError("unavailable", { code: "ServiceUnavailable" }), "serverError", true],
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

  it("turns a failure of no shape the SDK documents into an InternalError that keeps it as its cause", () => {
    const bug = new RangeError("Invalid array length");
    const classified = classifySdkError(bug, "AssumeRole");
    expect(classified).toBeInstanceOf(PresignError);
    expect(classified).toMatchObject({ code: "InternalError", cause: bug });
  });

  it("keeps the STS code and RequestId", () => {
    const classified = classifySdkError(sdkError("x", { code: "AuthFailure.TokenFailure", requestId: "rid" }), "A");
    expect(classified).toMatchObject({ stsCode: "AuthFailure.TokenFailure", stsRequestId: "rid" });
  });

  it("retries only the codes that name a limit or trouble on Tencent's side, not look-alikes", () => {
    const retryable = (code: string) => {
      const classified = classifySdkError(sdkError(code, { code }), "AssumeRole");
      return classified instanceof StsCallError && classified.retryable;
    };
    const codes = ["RequestLimitExceeded", "InternalError", "ServiceUnavailable", "InvalidParameter.OverLimit"];
    expect(codes.filter(retryable)).toEqual(codes);
    const lookAlikes = [
      "AuthFailure.SignatureExpire",
      "InvalidParameter.GrantOtherResource",
      "InvalidParameter",
      "ServiceUnavailableX",
      "InternalErrorX",
      "ResourceUnavailable",
    ];
    expect(lookAlikes.filter(retryable)).toEqual([]);
  });
});

describe("toPresignError", () => {
  it("makes exhausted retries of ServiceUnavailable a 503 naming it", () => {
    const last = classifySdkError(sdkError("x", { code: "ServiceUnavailable", requestId: "rid" }), "AssumeRole");
    const error = toPresignError(new RetriesExhausted(3, last, false), "AssumeRole");
    expect(error).toMatchObject({ code: "CredentialServiceUnavailable", status: 503, retryAfterSeconds: 1 });
    expect(error.detail).toEqual({ attempts: "3", stsCode: "ServiceUnavailable", stsRequestId: "rid" });
  });

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
