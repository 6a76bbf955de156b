/**
 * STS inside the simulation's process. It replaces one method, the official SDK client's `request` (the call
 * src/sts/client.ts makes), on the client class src/ itself loads: everything above it is the function's own code
 * (request building, error classification, response validation, retries, cache, single flight); what it replaces is
 * the SDK's signing and HTTP round trip. Calls are admitted by the same token bucket as dev/fake-sts.ts, answered
 * after a modelled latency, and refused as the SDK reports a Tencent error: a TencentCloudSDKHttpException whose
 * `code` is RequestLimitExceeded.
 */

import TencentCloudSDKHttpException from "tencentcloud-sdk-nodejs-common/tencentcloud/common/exception/tencent_cloud_sdk_exception";
import { Client } from "tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client";
import { createTokenBucket } from "../../dev/token-bucket";

export interface StsDoubleOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Round trip of one call, ms of virtual time (drawn per call). */
  readonly latencyMs: () => number;
  /** Virtual ms, for the bucket. */
  readonly now: () => number;
  /** Unix ms as the function sees it, for ExpiredTime. */
  readonly wallNow: () => number;
  /** Told of every call as it reaches STS. */
  readonly onCall: (admitted: boolean) => void;
}

export interface StsDouble {
  uninstall(): void;
}

interface RequestOptions {
  readonly signal?: AbortSignal;
}

export function installStsDouble(options: StsDoubleOptions): StsDouble {
  const bucket = createTokenBucket({ ratePerSecond: options.ratePerSecond, burst: options.burst, now: options.now });
  let serial = 0;

  const answer = (params: Record<string, unknown>, requestId: string) => {
    const id = (serial++).toString(36);
    const duration = typeof params.DurationSeconds === "number" ? params.DurationSeconds : 1800;
    return {
      Credentials: { TmpSecretId: `AKIDsim${id}`, TmpSecretKey: `simkey${id}`, Token: `simtoken${id}` },
      ExpiredTime: Math.floor(options.wallNow() / 1000) + duration,
      Expiration: null,
      RequestId: requestId,
    };
  };

  function request(_action: string, params: Record<string, unknown>, requestOptions?: RequestOptions) {
    const admitted = bucket.tryTake();
    options.onCall(admitted);
    const requestId = `sim-${(serial++).toString(36)}`;
    return new Promise((resolve, reject) => {
      const signal = requestOptions?.signal;
      const onAbort = () => {
        clearTimeout(timer);
        reject(Object.assign(new Error("The operation was aborted."), { name: "AbortError", type: "aborted" }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        if (admitted) {
          resolve(answer(params, requestId));
          return;
        }
        const refused = new TencentCloudSDKHttpException("Your current request times exceeds the limit.", requestId);
        // abstract_client.js sets the Tencent error code the same way.
        Object.assign(refused, { code: "RequestLimitExceeded" });
        reject(refused);
      }, options.latencyMs());
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  Object.defineProperty(Client.prototype, "request", { value: request, configurable: true, writable: true });
  return {
    uninstall() {
      // The inherited AbstractClient.request shows through again.
      Reflect.deleteProperty(Client.prototype, "request");
    },
  };
}
