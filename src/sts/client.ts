/**
 * One STS call through the official tencentcloud-sdk-nodejs-sts client: request building, response validation and
 * error classification. Retries and caching live elsewhere.
 */

import type { Client as StsSdkClient } from "tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client";
import type { TemporaryCredential } from "../credential";
import type { Env } from "../env";
import { PresignError } from "../errors";
import { RetriesExhausted, RetryBudget, withRetries } from "./retry";
import type { StsSettings } from "./settings";

/** Why an STS call failed, as far as deciding what to do next is concerned. */
export type StsFailureKind =
  /** RequestLimitExceeded*, InvalidParameter.OverLimit, HTTP 429 */
  | "throttled"
  /** InternalError*, HTTP 5xx */
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

function isRetryableStsError(error: unknown): boolean {
  return error instanceof StsCallError && error.retryable;
}

/** What a Tencent API error code means for us: throttling and internal errors pass; anything else will repeat. */
function kindOfStsCode(code: string): "throttled" | "serverError" | "rejected" {
  if (code === "RequestLimitExceeded" || code.startsWith("RequestLimitExceeded.")) return "throttled";
  if (code === "InvalidParameter.OverLimit") return "throttled";
  if (code === "InternalError" || code.startsWith("InternalError.")) return "serverError";
  return "rejected";
}

/** Tencent API error codes worth another try; everything else will fail the same way again. */
export function isRetryableStsCode(code: string): boolean {
  return RETRYABLE_KINDS.has(kindOfStsCode(code));
}

function stringField(value: unknown, name: string): string | undefined {
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
 * has no `Response`. Matched by shape, not class: the common package is an unpinned dependency and may be
 * duplicated.
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
  return new StsCallError("malformed", "the answer has an unexpected shape", {}, error);
}

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

/** The execution role's keys as SCF sets them, read now: SCF rotates them while an instance stays warm. */
function executionRoleKeys(env: Env): { secretId: string; secretKey: string; token?: string } | undefined {
  const secretId = env.TENCENTCLOUD_SECRETID;
  const secretKey = env.TENCENTCLOUD_SECRETKEY;
  const token = env.TENCENTCLOUD_SESSIONTOKEN;
  if (secretId === undefined || secretId === "" || secretKey === undefined || secretKey === "") return undefined;
  return token === undefined || token === "" ? { secretId, secretKey } : { secretId, secretKey, token };
}

const MISSING_ROLE_KEYS =
  "STS_ROLE_ARN is set without STS_SECRET_ID/STS_SECRET_KEY, so STS is called with the execution role's keys, " +
  "but TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (with TENCENTCLOUD_SESSIONTOKEN) are not in the " +
  "environment: bind an execution role to the function, or set STS_SECRET_ID and STS_SECRET_KEY";

export interface StsCaller {
  /** A credential for `encodedPolicy` (already URL-encoded once), retried within the settings' deadline. */
  issue(encodedPolicy: string): Promise<TemporaryCredential>;
}

export interface StsCallerOptions {
  readonly env: Env;
  /** Wall clock in ms, for judging ExpiredTime. */
  readonly now: () => number;
  readonly random: () => number;
}

async function createSdkClient(settings: StsSettings, env: Env): Promise<StsSdkClient> {
  // Deep path: the package index loads every API version of STS. esbuild turns this into a lazy require, so a cold
  // start pays for the SDK only when the first credential is needed.
  const { Client } = await import("tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client");
  const agent = await createAgent(settings, env);
  const permanent = settings.permanentKey;
  return new Client({
    credential:
      permanent !== undefined
        ? { secretId: permanent.secretId, secretKey: permanent.secretKey }
        : {
            // The SDK calls this before signing each request (abstract_client.js getCredential).
            getCredential: async () => executionRoleKeys(env) ?? {},
          },
    region: settings.region,
    profile: {
      httpProfile: {
        endpoint: settings.endpoint,
        protocol: settings.protocol,
        reqMethod: "POST",
        // Seconds. A backstop only: our own abort fires first (see withRetries), so we know it was a timeout.
        reqTimeout: (settings.requestTimeoutMs + 250) / 1000,
        ...(agent === undefined ? {} : { agent }),
      },
    },
  });
}

/**
 * A keep-alive agent saves a TLS handshake on every cache miss in a warm instance. Loopback endpoints always get
 * one, which also keeps a developer's http_proxy from swallowing requests to a local fake. For real endpoints the
 * SDK's own proxy support (http_proxy) wins when it is configured, because an explicit agent would bypass it.
 */
async function createAgent(settings: StsSettings, env: Env) {
  if (settings.protocol === "http://") {
    const { Agent } = await import("node:http");
    return new Agent({ keepAlive: true });
  }
  if (env.http_proxy !== undefined && env.http_proxy !== "") return undefined;
  const { Agent } = await import("node:https");
  return new Agent({ keepAlive: true });
}

export function createStsCaller(settings: StsSettings, options: StsCallerOptions): StsCaller {
  const action = settings.mode;
  // One per caller, so one per instance: see RetryBudget.
  const budget = new RetryBudget();
  let client: Promise<StsSdkClient> | undefined;
  const getClient = (): Promise<StsSdkClient> => {
    if (client === undefined) {
      client = createSdkClient(settings, options.env).catch((error: unknown) => {
        client = undefined; // let the next request try again
        throw new PresignError("InternalError", "the STS client could not be loaded", { cause: error });
      });
    }
    return client;
  };

  const params = (policy: string): Record<string, string | number> =>
    settings.mode === "AssumeRole"
      ? {
          RoleArn: settings.roleArn,
          RoleSessionName: settings.sessionName,
          DurationSeconds: settings.durationSeconds,
          Policy: policy,
        }
      : { Name: settings.sessionName, Policy: policy, DurationSeconds: settings.durationSeconds };

  return {
    async issue(encodedPolicy) {
      if (settings.permanentKey === undefined && executionRoleKeys(options.env) === undefined) {
        throw new PresignError("ConfigError", MISSING_ROLE_KEYS);
      }
      const sdk = await getClient();
      const request = params(encodedPolicy);
      try {
        return await withRetries(
          async (signal) => {
            let response: unknown;
            try {
              // `request` rather than `AssumeRole()`: only it passes an AbortSignal through to fetch.
              response = await sdk.request(action, request, { signal });
            } catch (error) {
              throw classifySdkError(error, action);
            }
            return parseCredentialResponse(response, Math.floor(options.now() / 1000));
          },
          {
            maxAttempts: settings.maxAttempts,
            attemptTimeoutMs: settings.requestTimeoutMs,
            deadlineMs: settings.deadlineMs,
            isRetryable: isRetryableStsError,
            random: options.random,
            budget,
          },
        );
      } catch (error) {
        throw toPresignError(error, action);
      }
    },
  };
}
