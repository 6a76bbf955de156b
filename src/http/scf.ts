import type { HttpRequest, HttpResponse } from "./types";

/**
 * SCF's HTTP events. Function URL events have no `requestContext`; API Gateway events do, and there the
 * real method is `httpMethod` (the configured one, often ANY, is in `requestContext.httpMethod`).
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
    else if (Array.isArray(raw)) record[key] = raw.map(String);
  }
  return record;
}

export function fromScfEvent(event: ScfHttpEvent): HttpRequest {
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

export function toScfResponse(response: HttpResponse): ScfHttpResponse {
  return { isBase64Encoded: false, statusCode: response.status, headers: response.headers, body: response.body };
}

export function triggerOf(event: ScfHttpEvent): "functionUrl" | "apiGateway" {
  return event.requestContext === undefined ? "functionUrl" : "apiGateway";
}
