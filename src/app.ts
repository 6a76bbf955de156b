import { randomUUID } from "node:crypto";
import { loadConfig } from "./config";
import { handleDirect, isDirectEvent } from "./direct";
import type { Env } from "./env";
import { PresignError } from "./errors";
import { handleHttp } from "./http/contract";
import { asPresignError, errorBody } from "./http/respond";
import { fromScfEvent, isHttpEvent, type ScfHttpResponse, toScfResponse, triggerOf } from "./http/scf";
import type { HttpRequest } from "./http/types";
import { clipKey, type Logger, type LogRecord, stdoutLogger } from "./log";
import type { Runtime } from "./presign";
import { type CredentialSource, createCredentialSource } from "./sts";
import type { StsSettings } from "./sts/settings";

/** The parts of SCF's `context` the function reads. */
export interface ScfContext {
  readonly request_id?: string;
}

export interface AppOptions {
  readonly env?: Env;
  /** Unix milliseconds. */
  readonly now?: () => number;
  readonly log?: Logger;
  readonly credentialSource?: (settings: StsSettings) => CredentialSource;
}

export type Handler = (event: unknown, context?: ScfContext) => Promise<unknown>;

/** SCF's request_id, else API Gateway's x-api-requestid (when it looks like one), else a fresh one. */
function requestIdOf(context: ScfContext | undefined, headers: HttpRequest["headers"] | undefined): string {
  if (typeof context?.request_id === "string" && context.request_id !== "") return context.request_id;
  const fromGateway = headers?.["x-api-requestid"];
  if (fromGateway !== undefined && /^[\w-]{1,128}$/.test(fromGateway)) return fromGateway;
  return randomUUID();
}

/**
 * Builds `main_handler`. Nothing is read or constructed until the first invocation: configuration is
 * checked then (a bad one answers every request with ConfigError instead of crash-looping the instance),
 * and the credential source with its warm-instance cache lives as long as the instance does.
 */
export function createHandler(options: AppOptions = {}): Handler {
  const now = options.now ?? Date.now;
  const log = options.log ?? stdoutLogger;
  // Settled on the first invocation: the runtime, or the ConfigError every request of this instance gets.
  let state: Runtime | PresignError | undefined;

  const getRuntime = (): Runtime => {
    if (state === undefined) {
      const loaded = loadConfig(options.env ?? process.env);
      if ("config" in loaded) {
        const make = options.credentialSource ?? ((settings: StsSettings) => createCredentialSource(settings, { now }));
        state = { config: loaded.config, credentials: make(loaded.config.sts) };
      } else {
        const problems = loaded.problems.join("; ");
        state = new PresignError("ConfigError", `the function is misconfigured: ${problems}`, {
          detail: { problems },
        });
      }
    }
    if (state instanceof PresignError) throw state;
    return state;
  };
  const deps = { runtime: getRuntime, now };

  return async function main_handler(event, context) {
    // hrtime, not performance.now(): the latter loads perf_hooks on the cold path.
    const started = process.hrtime.bigint();
    // An HTTP event is turned into a plain request once, here; the request id may come from its headers.
    const http = isHttpEvent(event) ? { request: fromScfEvent(event), trigger: triggerOf(event) } : undefined;
    const requestId = requestIdOf(context, http?.request.headers);
    const finish = (record: Omit<LogRecord, "requestId" | "durationMs">) => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      try {
        log({ requestId, ...record, ...(record.key === undefined ? {} : { key: clipKey(record.key) }), durationMs });
      } catch {
        // A broken log sink must not turn a good answer into a failed invocation.
      }
    };
    try {
      if (http !== undefined) {
        const outcome = await handleHttp(http.request, deps, requestId);
        finish({
          trigger: http.trigger,
          code: outcome.error?.code ?? "OK",
          status: outcome.response.status,
          ...outcomeFields(outcome.key, outcome.presigned, outcome.error),
          ...(outcome.auth === undefined ? {} : { auth: outcome.auth }),
        });
        return toScfResponse(outcome.response) satisfies ScfHttpResponse;
      }
      if (isDirectEvent(event)) {
        const outcome = await handleDirect(event, deps, requestId);
        finish({
          trigger: outcome.kind,
          code: outcome.error?.code ?? "OK",
          status: outcome.error?.status ?? 200,
          ...outcomeFields(outcome.key, outcome.presigned, outcome.error),
          ...(outcome.keys === undefined ? {} : { keys: outcome.keys, succeeded: outcome.succeeded ?? 0 }),
        });
        return outcome.body;
      }
      throw new PresignError(
        "InvalidParameter",
        'unknown event: expected an HTTP trigger event, {"key": "..."} or {"keys": [...]}',
      );
    } catch (thrown) {
      const error = asPresignError(thrown);
      finish({ trigger: "unknown", code: error.code, status: error.status });
      return errorBody(error, requestId);
    }
  };
}

function outcomeFields(
  key: string | undefined,
  presigned: { cacheHit: boolean; stsRequestId?: string } | undefined,
  error: PresignError | undefined,
) {
  return {
    ...(key === undefined ? {} : { key }),
    ...(presigned === undefined ? {} : { cache: presigned.cacheHit ? ("hit" as const) : ("miss" as const) }),
    ...(presigned?.stsRequestId === undefined ? {} : { stsRequestId: presigned.stsRequestId }),
    ...(error === undefined || Object.keys(error.detail).length === 0 ? {} : { detail: error.detail }),
  };
}
