/**
 * One STS call through the official tencentcloud-sdk-nodejs-sts client: building the SDK client and calling it,
 * retried within the settings' deadline. What its failures mean lives in errors.ts, the answer's checks in
 * response.ts; caching lives elsewhere.
 */

import type { Client as StsSdkClient } from "tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client";
import type { TemporaryCredential } from "../credential";
import type { Env } from "../env";
import { PresignError } from "../errors";
import { classifySdkError, isRetryableStsError, toPresignError } from "./errors";
import { parseCredentialResponse } from "./response";
import { RetryBudget, withRetries } from "./retry";
import type { StsSettings } from "./settings";

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

type StsSdkModule = typeof import("tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client");

export interface StsCallerOptions {
  readonly env: Env;
  /** Wall clock in ms, for judging ExpiredTime. */
  readonly now: () => number;
  readonly random: () => number;
  /** Loads the SDK's STS client module; default loadStsSdk. Tests make it fail. */
  readonly loadSdk?: () => Promise<StsSdkModule>;
}

/**
 * Deep path: the package index loads every API version of STS. esbuild turns this into a lazy require, so a cold
 * start pays for the SDK only when the first credential is needed.
 */
function loadStsSdk(): Promise<StsSdkModule> {
  return import("tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client");
}

async function createSdkClient(settings: StsSettings, env: Env, loadSdk: () => Promise<StsSdkModule>) {
  const { Client } = await loadSdk();
  const agent = await createAgent(settings);
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
async function createAgent(settings: StsSettings) {
  if (settings.protocol === "http://") {
    const { Agent } = await import("node:http");
    return new Agent({ keepAlive: true });
  }
  // Read where the SDK reads it (process.env, whatever environment the function's settings came from).
  const proxy = process.env.http_proxy;
  if (proxy !== undefined && proxy !== "") return undefined;
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
      client = createSdkClient(settings, options.env, options.loadSdk ?? loadStsSdk).catch((error: unknown) => {
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
