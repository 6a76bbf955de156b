import { type BearerProblem, errorBody, type PresignError } from "../errors";
import type { PresignResult } from "../presign";
import type { HttpResponse } from "./types";

/** Headers every answer carries: a signed URL must never be cached or leak through a Referer. */
const NO_STORE = {
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
} as const;

/** The methods the HTTP contract answers; 405 answers and the preflight list them in `Allow`. */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";

/** RFC 6750 §3: the challenge, with the error a token earned. Lower-case like every header written here. */
const REALM = 'Bearer realm="cos-presign"';

function bearerChallenge(problem: BearerProblem): string {
  return problem === "challenge" ? REALM : `${REALM}, error="${problem}"`;
}

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

/** The error envelope as HTTP: the status from the code, and the headers that code calls for. */
export function errorResponse(error: PresignError, requestId: string): HttpResponse {
  const headers: Record<string, string> = {};
  if (error.code === "MethodNotAllowed") headers.allow = ALLOWED_METHODS;
  if (error.bearer !== undefined) headers["www-authenticate"] = bearerChallenge(error.bearer);
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return json(error.status, errorBody(error, requestId), headers);
}
