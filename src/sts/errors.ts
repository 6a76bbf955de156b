/**
 * Why an STS call failed, and what the rest of the function sees of it: the SDK's and STS's failures sorted into
 * retryable or not (StsCallError), then mapped to our PresignError codes. Pure: no SDK, no I/O.
 */

import { asPresignError, PresignError } from "../errors";
import { RetriesExhausted } from "./retry";

/** Why an STS call failed, as far as deciding what to do next is concerned. */
export type StsFailureKind =
  /** RequestLimitExceeded*, InvalidParameter.OverLimit, HTTP 429 */
  | "throttled"
  /** InternalError*, ServiceUnavailable*, HTTP 5xx */
  | "serverError"
  /** no answer (connection refused or reset, DNS, body cut short) */
  | "network"
  /** STS answered with an error it will repeat: keys, permissions, role, policy, parameters */
  | "rejected"
  /** an answer that is not a usable credential */
  | "malformed";

const RETRYABLE_KINDS: ReadonlySet<StsFailureKind> = new Set(["throttled", "serverError", "network"]);

export class StsCallError extends Error {
  override readonly name = "StsCallError";
  readonly kind: StsFailureKind;
  readonly stsCode: string | undefined;
  readonly stsRequestId: string | undefined;
  readonly httpStatus: number | undefined;
  constructor(
    kind: StsFailureKind,
    message: string,
    info: { stsCode?: string | undefined; stsRequestId?: string | undefined; httpStatus?: number | undefined } = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.stsCode = info.stsCode;
    this.stsRequestId = info.stsRequestId;
    this.httpStatus = info.httpStatus;
  }
  get retryable(): boolean {
    return RETRYABLE_KINDS.has(this.kind);
  }
}

export function isRetryableStsError(error: unknown): boolean {
  return error instanceof StsCallError && error.retryable;
}

/** `code` itself or one of its sub-codes (`code.Something`), as Tencent API 3.0 error codes nest. */
function isCodeOrSubCode(code: string, family: string): boolean {
  return code === family || code.startsWith(`${family}.`);
}

/**
 * What a Tencent API error code means for us: throttling and trouble on Tencent's side pass, anything else will
 * repeat. The codes are on STS's "Error Codes" page (tencentcloud.com/document/product/1150/49458), which lists
 * the common codes of every Tencent Cloud API 3.0 service: RequestLimitExceeded* (request rate over the limit),
 * InternalError*, and ServiceUnavailable (the service is unavailable now). InvalidParameter.OverLimit, a limit
 * of STS's own, is treated as throttling too.
 */
function kindOfStsCode(code: string): "throttled" | "serverError" | "rejected" {
  if (isCodeOrSubCode(code, "RequestLimitExceeded") || code === "InvalidParameter.OverLimit") return "throttled";
  if (isCodeOrSubCode(code, "InternalError") || isCodeOrSubCode(code, "ServiceUnavailable")) return "serverError";
  return "rejected";
}

/** A non-empty string field of an object of unknown shape (an SDK error or an STS answer). */
export function stringField(value: unknown, name: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[name];
  return typeof field === "string" && field !== "" ? field : undefined;
}

function numberField(value: unknown, name: string): number | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const field: unknown = (value as Record<string, unknown>)[name];
  return typeof field === "number" ? field : undefined;
}

/**
 * Turns whatever the SDK threw into an StsCallError. The SDK's shapes (tencentcloud-sdk-nodejs-common 4.x,
 * abstract_client.js): a TencentCloudSDKHttpException (it has `requestId` and `traceId`) with `.code` for an error
 * envelope, with `.httpCode` for a non-200 status, and with neither when fetch itself failed (it keeps only the
 * message); a node-fetch FetchError of type "invalid-json" for a body that is not JSON; a TypeError when the JSON
 * has no `Response`; anything else is a bug, an InternalError that keeps it as its cause. Matched by shape, not
 * class: importing the SDK's exception class here would load the SDK for a check, and the bundle's node-fetch is a
 * stand-in (scripts/sdk-trim/node-fetch.cjs) with its own classes.
 */
export function classifySdkError(error: unknown, action: string): StsCallError | PresignError {
  if (error instanceof StsCallError || error instanceof PresignError) return error;
  const isSdkException = typeof error === "object" && error !== null && "requestId" in error && "traceId" in error;
  if (isSdkException) {
    const code = stringField(error, "code");
    const requestId = stringField(error, "requestId");
    if (code !== undefined) {
      return new StsCallError(
        kindOfStsCode(code),
        `STS ${action} answered ${code}`,
        { stsCode: code, stsRequestId: requestId },
        error,
      );
    }
    const httpStatus = numberField(error, "httpCode");
    if (httpStatus !== undefined) {
      const kind: StsFailureKind = httpStatus === 429 ? "throttled" : httpStatus >= 500 ? "serverError" : "rejected";
      return new StsCallError(kind, `STS ${action} answered HTTP ${httpStatus}`, { httpStatus }, error);
    }
    return new StsCallError("network", `STS ${action} could not be reached`, {}, error);
  }
  const name = stringField(error, "name");
  const type = stringField(error, "type");
  if (name === "FetchError" && type === "invalid-json") {
    return new StsCallError("malformed", "the answer is not JSON", {}, error);
  }
  if (name === "FetchError" || name === "AbortError") {
    return new StsCallError("network", `STS ${action} answer was cut short`, {}, error);
  }
  if (error instanceof TypeError) {
    return new StsCallError("malformed", "the answer has an unexpected shape", {}, error);
  }
  // No shape the SDK documents: a bug here or in the SDK. It must reach the operator's log with its stack.
  return asPresignError(error);
}

/** What an StsCallError may tell the log: codes, RequestId and HTTP status, never a message from STS. */
function stsDetail(error: StsCallError): Record<string, string> {
  const detail: Record<string, string> = {};
  if (error.stsCode !== undefined) detail.stsCode = error.stsCode;
  if (error.stsRequestId !== undefined) detail.stsRequestId = error.stsRequestId;
  if (error.httpStatus !== undefined) detail.httpStatus = String(error.httpStatus);
  return detail;
}

function describeLastFailure(error: unknown): string {
  if (error instanceof StsCallError) {
    const code = error.stsCode ?? (error.httpStatus === undefined ? undefined : `HTTP ${error.httpStatus}`);
    if (code === undefined) return "no answer (connection failed)";
    return error.stsRequestId === undefined ? code : `${code}, RequestId ${error.stsRequestId}`;
  }
  if (error instanceof Error) return error.message;
  return "unknown failure";
}

function hintFor(code: string): string {
  if (code.startsWith("AuthFailure")) {
    return "; check the keys that call STS (STS_SECRET_ID/STS_SECRET_KEY or the execution role) and the clock";
  }
  if (code === "UnauthorizedOperation" || code.startsWith("UnauthorizedOperation.") || code.includes("RoleNotFound")) {
    return "; check STS_ROLE_ARN and that the caller is allowed to assume it";
  }
  return "";
}

/**
 * The error the rest of the function sees: transient trouble is CredentialServiceUnavailable (503, retry later),
 * anything STS will keep refusing is CredentialServiceError (502). Messages name STS codes and RequestIds only.
 */
export function toPresignError(error: unknown, action: string): PresignError {
  if (error instanceof PresignError) return error;
  if (error instanceof RetriesExhausted) {
    const last = error.lastError;
    const detail = { attempts: String(error.attempts), ...(last instanceof StsCallError ? stsDetail(last) : {}) };
    return new PresignError(
      "CredentialServiceUnavailable",
      `the credential service (STS ${action}) is unavailable: ${describeLastFailure(last)} after ${error.attempts} attempt(s)`,
      { retryAfterSeconds: 1, detail, cause: error },
    );
  }
  if (error instanceof StsCallError) {
    const detail = stsDetail(error);
    const message =
      error.kind === "malformed"
        ? `the credential service (STS ${action}) gave no usable credential: ${error.message}`
        : error.stsCode !== undefined
          ? `the credential service (STS ${action}) refused: ${error.stsCode}` +
            `${error.stsRequestId === undefined ? "" : ` (RequestId ${error.stsRequestId})`}${hintFor(error.stsCode)}`
          : `the credential service (STS ${action}) refused: ${describeLastFailure(error)}`;
    return new PresignError("CredentialServiceError", message, { detail, cause: error });
  }
  return new PresignError("InternalError", "fetching a temporary credential failed unexpectedly", { cause: error });
}
