import { PresignError } from "../errors";
import type { PresignResult } from "../presign";
import type { HttpResponse } from "./types";

/** Headers every answer carries: a signed URL must never be cached or leak through a Referer. */
const NO_STORE = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
} as const;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** 302 with a tiny body carrying the link too, because some gateways drop `Location`. */
export function redirect(result: PresignResult): HttpResponse {
  const href = escapeHtml(result.url);
  return {
    status: 302,
    headers: { ...NO_STORE, location: result.url, "content-type": "text/html; charset=utf-8" },
    body: `<!doctype html><title>Download</title><a href="${href}">Download ${escapeHtml(result.key)}</a>\n`,
  };
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { ...NO_STORE, ...headers, "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(value),
  };
}

/** The error envelope: a stable code, a message for the person who sent the request, the requestId. */
export function errorBody(error: PresignError, requestId: string) {
  return { error: { code: error.code, message: error.message }, requestId };
}

export function errorResponse(error: PresignError, requestId: string): HttpResponse {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return json(error.status, errorBody(error, requestId), headers);
}

/** Anything that is not a PresignError is a bug: the caller learns only that, never what or where. */
export function asPresignError(error: unknown): PresignError {
  if (error instanceof PresignError) return error;
  return new PresignError(
    "InternalError",
    "an internal error occurred; try again, and report the requestId if it persists",
  );
}
