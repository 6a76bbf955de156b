import { describe, expect, it } from "vitest";
import { PresignError } from "../../src/errors";
import { errorResponse } from "../../src/http/respond";

const REALM = 'Bearer realm="cos-presign"';

describe("errorResponse: the HTTP headers follow from the error", () => {
  it("405 lists the allowed methods in Allow", () => {
    const answer = errorResponse(new PresignError("MethodNotAllowed", "use GET"), "r1");
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it.each([
    ["challenge", "Unauthorized", REALM],
    ["invalid_token", "Unauthorized", `${REALM}, error="invalid_token"`],
    ["insufficient_scope", "AccessDenied", `${REALM}, error="insufficient_scope"`],
  ] as const)("a bearer problem %s is a WWW-Authenticate challenge (RFC 6750 §3)", (bearer, code, header) => {
    const answer = errorResponse(new PresignError(code, "no", { bearer }), "r1");
    expect(answer.headers["www-authenticate"]).toBe(header);
  });

  it("a 401 from a link check carries no bearer challenge, and no other error grows extra headers", () => {
    const answer = errorResponse(new PresignError("Unauthorized", "bad sig"), "r1");
    expect(Object.keys(answer.headers).sort()).toEqual([
      "cache-control",
      "content-type",
      "referrer-policy",
      "x-content-type-options",
    ]);
  });

  it("Retry-After carries the error's retry hint, and the body is the error envelope", () => {
    const answer = errorResponse(
      new PresignError("CredentialServiceUnavailable", "busy", { retryAfterSeconds: 2 }),
      "r9",
    );
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("2");
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: "CredentialServiceUnavailable", message: "busy" },
      requestId: "r9",
    });
  });
});
