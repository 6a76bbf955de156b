import { authorize } from "../auth";
import type { Config } from "../config";
import type { ContextProvider, PresignContext } from "../context";
import { asPresignError, invalidParameter, PresignError } from "../errors";
import { definedOnly, parseOptions } from "../options";
import { refuseNearMisses } from "../parameters";
import { type PresignOutcome, presign } from "../presign";
import { ALLOWED_METHODS, errorResponse, json, redirect } from "./respond";
import type { HttpRequest, HttpResponse } from "./types";

/** What happened, for the log line. */
export interface HttpOutcome {
  readonly response: HttpResponse;
  readonly key?: string;
  readonly presigned?: PresignOutcome;
  readonly auth?: string;
  readonly error?: PresignError;
}

const PARAMETER_LIMIT = 2048;

/** One value per parameter: a parameter given twice is ambiguous, and ambiguity in a signer is a hole. */
function single(request: HttpRequest, name: string): string | undefined {
  const value = request.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidParameter(`${name} is given more than once`);
  if (value.length > PARAMETER_LIMIT) {
    // A key too long is a key rule broken, with the key rules' code.
    throw name === "key"
      ? new PresignError("InvalidKey", "object key is too long")
      : invalidParameter(`${name} is too long`);
  }
  return value;
}

/** The key is the path after PATH_PREFIX, percent-decoded once, or `?key=` when the path is empty. */
function requestedKey(request: HttpRequest, pathPrefix: string): string {
  let path = request.path.split("?")[0] ?? "";
  if (pathPrefix !== "") {
    if (path !== pathPrefix && !path.startsWith(`${pathPrefix}/`)) {
      throw new PresignError("InvalidKey", `the request path must start with ${pathPrefix}/`);
    }
    path = path.slice(pathPrefix.length);
  }
  const encodedKey = path.replace(/^\//, "");
  const queryKey = single(request, "key");
  if (encodedKey !== "" && queryKey !== undefined) {
    throw invalidParameter("give the key in the path or as ?key=, not both");
  }
  if (encodedKey === "") {
    if (queryKey === undefined || queryKey === "") {
      throw new PresignError("InvalidKey", "no object key: ask for GET /<key> or GET /?key=<key>");
    }
    return queryKey;
  }
  try {
    return decodeURIComponent(encodedKey);
  } catch {
    throw new PresignError("InvalidKey", "the path is not valid percent-encoded UTF-8");
  }
}

function wantsJson(request: HttpRequest): boolean {
  const format = single(request, "format");
  if (format === "json") return true;
  if (format === "redirect") return false;
  if (format !== undefined) throw invalidParameter('format must be "json" or "redirect"');
  return request.headers.accept?.includes("application/json") ?? false;
}

/** The request's Origin when CORS_ALLOW_ORIGINS lists it. */
function allowedOrigin(request: HttpRequest, config: Config | undefined): string | undefined {
  const origin = request.headers.origin;
  return origin !== undefined && config?.corsAllowOrigins.includes(origin) ? origin : undefined;
}

/** Added to every answer, the preflight's included (see handleHttp). */
function corsHeaders(request: HttpRequest, config: Config | undefined): Record<string, string> {
  const origin = allowedOrigin(request, config);
  if (origin === undefined) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "Location, Retry-After",
    vary: "Origin",
  };
}

function preflight(request: HttpRequest, config: Config): HttpResponse {
  const headers: Record<string, string> = { allow: ALLOWED_METHODS };
  if (allowedOrigin(request, config) !== undefined) {
    headers["access-control-allow-methods"] = "GET, HEAD";
    headers["access-control-allow-headers"] = "Authorization, Accept";
    headers["access-control-max-age"] = "600";
  }
  return { status: 204, headers, body: "" };
}

/** Fills `trace.key` as soon as the key is known, so a later failure is still logged with it. */
async function answer(request: HttpRequest, context: PresignContext, trace: { key?: string }): Promise<HttpOutcome> {
  const { config } = context;
  refuseNearMisses(Object.keys(request.query));
  const key = requestedKey(request, config.pathPrefix);
  trace.key = key;
  const asJson = wantsJson(request);
  const params = {
    filename: single(request, "filename"),
    disposition: single(request, "disposition"),
    versionId: single(request, "versionId"),
    trafficLimit: single(request, "trafficLimit"),
    expires: single(request, "expires"),
  };
  const options = parseOptions(params);
  const link = { exp: single(request, "exp"), sig: single(request, "sig") };
  // A link's signature covers every option, so it is checked against the raw values as received.
  const grant = await authorize(
    config.auth,
    { key, headers: request.headers, params: definedOnly({ ...params, ...link }) },
    context.now(),
  );
  const presigned = await presign({ key, ...options }, context);
  const response = asJson ? json(200, presigned.result) : redirect(presigned.result);
  return { key, presigned, auth: grant.via, response };
}

/**
 * The HTTP contract, shared by the SCF HTTP-event and node:http adapters. It never throws: every failure is an
 * answer, and its error is in the outcome for the log line.
 */
export async function handleHttp(
  request: HttpRequest,
  getContext: ContextProvider,
  requestId: string,
): Promise<HttpOutcome> {
  const method = request.method.toUpperCase();
  let config: Config | undefined;
  let outcome: HttpOutcome;
  const trace: { key?: string } = {};
  try {
    if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
      throw new PresignError(
        "MethodNotAllowed",
        `method ${JSON.stringify(method.slice(0, 16))} is not allowed; use GET or HEAD`,
      );
    }
    const context = getContext();
    config = context.config;
    outcome = method === "OPTIONS" ? { response: preflight(request, config) } : await answer(request, context, trace);
  } catch (thrown) {
    const error = asPresignError(thrown);
    outcome = {
      response: errorResponse(error, requestId),
      error,
      ...(trace.key === undefined ? {} : { key: trace.key }),
    };
  }
  const response = outcome.response;
  const headers = { ...response.headers, ...corsHeaders(request, config) };
  return { ...outcome, response: { status: response.status, headers, body: method === "HEAD" ? "" : response.body } };
}
