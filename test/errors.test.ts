import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { CredentialSource } from "../src/sts";
import { baseEnv, CALLER, functionHandler, functionUrlEvent, type ScfAnswer, useFakeSts } from "./support/function";

const sts = useFakeSts({ resetEach: true });

interface ErrorEnvelope {
  error: { code: string; message: string };
  requestId: string;
}

async function errorOf(answer: unknown) {
  const scf = answer as ScfAnswer;
  const body = JSON.parse(scf.body) as ErrorEnvelope;
  expect(Object.keys(body).sort()).toEqual(["error", "requestId"]);
  expect(body.error.message).not.toMatch(/\bat .*\(.*:\d+:\d+\)/); // no stack frames
  return { status: scf.statusCode, headers: scf.headers, code: body.error.code, message: body.error.message, body };
}

describe("every error code, reached by a real request", () => {
  const env = () => ({ ...baseEnv(sts), STS_DEADLINE_MS: "1500", STS_TIMEOUT_MS: "300" });

  it.each([
    ["InvalidKey", 400, "/public/../secret.txt", {}],
    ["InvalidKey", 400, "/public/a*.txt", {}],
    ["InvalidKey", 400, "/", {}],
    ["InvalidParameter", 400, "/public/a.txt", { expires: "soon" }],
    ["InvalidParameter", 400, "/public/a.txt", { trafficLimit: "100" }],
    ["InvalidParameter", 400, "/public/a.txt", { disposition: "download" }],
    ["InvalidParameter", 400, "/public/a.txt", { filename: ["a", "b"] }],
    ["AccessDenied", 403, "/private/payroll.xlsx", {}],
  ] as const)("%s (%i) for %s %j", async (code, status, path, query) => {
    const { handler } = functionHandler(env());
    const error = await errorOf(await handler(functionUrlEvent(path, query), { request_id: "rid-7" }));
    expect(error).toMatchObject({ code, status });
    expect(error.body.requestId).toBe("rid-7");
    expect(sts.calls).toHaveLength(0);
  });

  it("MethodNotAllowed (405) with Allow", async () => {
    const { handler } = functionHandler(env());
    const error = await errorOf(await handler(functionUrlEvent("/public/a.txt", {}, {}, "DELETE")));
    expect(error).toMatchObject({ code: "MethodNotAllowed", status: 405 });
    expect(error.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("CredentialServiceUnavailable (503) with Retry-After when STS keeps throttling", async () => {
    sts.fail("throttle", 100);
    const { handler } = functionHandler(env());
    const error = await errorOf(await handler(functionUrlEvent("/public/a.txt")));
    expect(error).toMatchObject({ code: "CredentialServiceUnavailable", status: 503 });
    expect(Number(error.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("CredentialServiceUnavailable (503) with Retry-After while the JWKS is down, one fetch per interval", async () => {
    let hits = 0;
    const jwks = createServer((_request, response) => {
      hits += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = jwks.address() as AddressInfo;
      let clock = Date.now();
      const { handler, logs } = functionHandler(
        {
          ...env(),
          AUTH_MODE: "jwt",
          JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
          JWT_ISSUER: "https://idp.example/",
          JWT_AUDIENCE: "cos-presign",
          JWT_JWKS_RETRY_SECONDS: "4",
        },
        { now: () => clock },
      );
      const { privateKey } = await generateKeyPair("ES256");
      const token = await new SignJWT({ iss: "https://idp.example/", aud: "cos-presign" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setExpirationTime("5m")
        .sign(privateKey);
      const retryAfter: string[] = [];
      for (let second = 0; second < 8; second++) {
        clock += 1000;
        const error = await errorOf(
          await handler(functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}` })),
        );
        expect(error).toMatchObject({ code: "CredentialServiceUnavailable", status: 503 });
        retryAfter.push(error.headers["retry-after"] ?? "");
      }
      expect(retryAfter).toEqual(["4", "3", "2", "1", "4", "3", "2", "1"]);
      expect(hits).toBe(2);
      expect(logs[0]).toMatchObject({ code: "CredentialServiceUnavailable", detail: { jwks: "ERR_JOSE_GENERIC" } });
      expect(sts.calls).toHaveLength(0);
    } finally {
      jwks.closeAllConnections();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
    }
  });

  it("CredentialServiceError (502) when STS refuses the caller", async () => {
    sts.fail("authFailure", 1);
    const { handler, logs } = functionHandler(env());
    const error = await errorOf(await handler(functionUrlEvent("/public/a.txt")));
    expect(error).toMatchObject({ code: "CredentialServiceError", status: 502 });
    expect(error.message).not.toContain(CALLER.secretKey);
    expect(logs[0]?.detail).toBeDefined();
  });

  it("ConfigError (500) listing every problem, never a secret, on every request", async () => {
    const { handler, logs } = functionHandler({
      STS_SECRET_ID: CALLER.secretId,
      STS_SECRET_KEY: CALLER.secretKey,
      URL_EXPIRES_SECONDS: "-5",
      AUTH_MODE: "none",
    });
    for (let i = 0; i < 2; i++) {
      const error = await errorOf(await handler(functionUrlEvent("/public/a.txt")));
      expect(error).toMatchObject({ code: "ConfigError", status: 500 });
      for (const name of ["COS_BUCKET", "COS_REGION", "URL_EXPIRES_SECONDS", "ALLOWED_PREFIXES"]) {
        expect(error.message).toContain(name);
      }
      expect(error.message).not.toContain(CALLER.secretKey);
    }
    expect(logs).toHaveLength(2);
    expect(logs[0]?.code).toBe("ConfigError");
    expect(logs[0]?.detail?.problems).toContain("COS_BUCKET");
    expect(JSON.stringify(logs)).not.toContain(CALLER.secretKey);
  });

  it("InternalError (500) for a bug, without its message or stack", async () => {
    const broken: CredentialSource = {
      get: () => Promise.reject(new Error("boom at /var/user/index.js:1:2 secret=hunter2")),
    };
    const { handler } = functionHandler(env(), { credentialSource: () => broken });
    const error = await errorOf(await handler(functionUrlEvent("/public/a.txt")));
    expect(error).toMatchObject({ code: "InternalError", status: 500 });
    expect(JSON.stringify(error.body)).not.toMatch(/boom|hunter2|index\.js/);
  });
});
