import type { ContextProvider } from "../context";
import { type Invoke, requestIdFrom, type ScfContext } from "../invocation";
import { handleHttp } from "./contract";
import { errorResponse } from "./respond";
import type { HttpRequest, HttpResponse } from "./types";

/**
 * The SCF HTTP-event adapter: a Function URL event (or an API Gateway one, from a deployment made before that
 * trigger was retired, SCF doc 583/107631) in, the HTTP contract, an SCF HTTP answer out.
 *
 * Function URL events have no `requestContext` (SCF doc 583/96099); API Gateway events do, and there the real
 * method is `httpMethod` (the configured one, often ANY, is in `requestContext.httpMethod`).
 */
export interface ScfHttpEvent {
  readonly httpMethod: string;
  readonly path?: unknown;
  readonly queryString?: unknown;
  readonly headers?: unknown;
  readonly requestContext?: unknown;
}

export function isHttpEvent(event: unknown): event is ScfHttpEvent {
  return typeof event === "object" && event !== null && typeof (event as ScfHttpEvent).httpMethod === "string";
}

function stringRecord(value: unknown, lowerCaseKeys: boolean) {
  const record: Record<string, string | string[]> = {};
  if (typeof value !== "object" || value === null) return record;
  for (const [name, raw] of Object.entries(value)) {
    const key = lowerCaseKeys ? name.toLowerCase() : name;
    if (typeof raw === "string") record[key] = raw;
    else if (typeof raw === "number" || typeof raw === "boolean") record[key] = String(raw);
    // A repeated value arrives as an array; an element that is not a primitive (only a hand-made event has one)
    // is dropped rather than converted, which could throw.
    else if (Array.isArray(raw)) record[key] = raw.filter((item) => typeof item !== "object").map(String);
  }
  return record;
}

function fromScfEvent(event: ScfHttpEvent): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stringRecord(event.headers, true))) {
    // Repeated headers are joined as HTTP allows for list-valued headers.
    headers[name] = typeof value === "string" ? value : value.join(", ");
  }
  return {
    method: event.httpMethod,
    path: typeof event.path === "string" ? event.path : "/",
    query: stringRecord(event.queryString, false),
    headers,
  };
}

/** API Gateway's integrated response shape; the Function URL takes the same fields. */
export interface ScfHttpResponse {
  readonly isBase64Encoded: false;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

function toScfResponse(response: HttpResponse): ScfHttpResponse {
  return { isBase64Encoded: false, statusCode: response.status, headers: response.headers, body: response.body };
}

/**
 * API Gateway's requestContext.requestId when there is one (the id its client saw), else SCF's request_id, else
 * the gateway's x-api-requestid header, else a fresh one.
 */
function requestIdOf(event: ScfHttpEvent, request: HttpRequest, context: ScfContext | undefined): string {
  const gateway = event.requestContext as { requestId?: unknown } | null | undefined;
  return requestIdFrom(gateway?.requestId, context?.request_id, request.headers["x-api-requestid"]);
}

export function handleScfHttpEvent(
  event: ScfHttpEvent,
  context: ScfContext | undefined,
  getContext: ContextProvider,
  invoke: Invoke,
): Promise<ScfHttpResponse> {
  const request = fromScfEvent(event);
  const requestId = requestIdOf(event, request, context);
  const trigger = event.requestContext === undefined ? "functionUrl" : "apiGateway";
  return invoke(
    requestId,
    trigger,
    async () => {
      const outcome = await handleHttp(request, getContext, requestId);
      return {
        answer: toScfResponse(outcome.response),
        outcome: { ...outcome, trigger, method: request.method, path: request.path, status: outcome.response.status },
      };
    },
    (error) => toScfResponse(errorResponse(error, requestId)),
  );
}
