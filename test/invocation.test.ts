import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { signLink } from "../src/auth";
import type { LoggedCause } from "../src/cause";
import type { Env } from "../src/env";
import { PresignError } from "../src/errors";
import { AUDIENCE, ISSUER, JWT_SECRET, LINK_SECRET } from "./auth/support";
import { baseEnv, CALLER, functionHandler, functionUrlEvent, type ScfAnswer, useFakeSts } from "./support/function";
import { registerSecret } from "./support/hygiene";

const sts = useFakeSts();

describe("the log line", () => {
  it("says a JWT let the request in, but not whose: the subject may be personal data", async () => {
    const env = { ...baseEnv(sts), AUTH_MODE: "jwt", JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    const { handler, logs } = functionHandler(env);
    const token = await new SignJWT({ sub: "subject-alice-1234", iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_SECRET));
    const answer = (await handler(
      functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}` }),
    )) as ScfAnswer;
    expect(answer.statusCode).toBe(302);
    expect(logs[0]).toMatchObject({ code: "OK", auth: "jwt" });
    expect(JSON.stringify(logs)).not.toContain("subject-alice-1234");
  });

  it("says why a token whose cos_prefixes are all empty got a 403", async () => {
    const env = { ...baseEnv(sts), AUTH_MODE: "jwt", JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    const { handler, logs } = functionHandler(env);
    // What an identity provider's claim template renders for a user without the attribute it reads.
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, cos_prefixes: [""] })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_SECRET));
    const callsBefore = sts.calls.length;
    const answer = (await handler(
      functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}` }),
    )) as ScfAnswer;
    expect(answer.statusCode).toBe(403);
    expect(answer.headers["www-authenticate"]).toBe('Bearer realm="cos-presign", error="insufficient_scope"');
    expect(logs[0]).toMatchObject({
      code: "AccessDenied",
      status: 403,
      detail: { cosPrefixes: "every entry is empty" },
    });
    expect(sts.calls).toHaveLength(callsBefore);
  });

  it("has every field, a miss then a hit, and no secret, token or signature", async () => {
    const { handler, logs } = functionHandler(baseEnv(sts));
    const first = (await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-1" })) as ScfAnswer;
    await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-2" });
    expect(logs).toHaveLength(2);

    const [miss, hit] = logs;
    expect(miss).toEqual({
      requestId: "log-1",
      trigger: "functionUrl",
      method: "GET",
      key: "public/a.txt",
      code: "OK",
      status: 302,
      cache: "miss",
      stsRequestId: expect.any(String),
      auth: "none",
      durationMs: expect.any(Number),
    });
    expect(hit).toMatchObject({ requestId: "log-2", cache: "hit" });
    expect(hit?.stsRequestId).toBeUndefined();

    const url = new URL(first.headers.location ?? "");
    const issued = sts.lookupToken(url.searchParams.get("x-cos-security-token") ?? "");
    const line = logs.map((record) => JSON.stringify(record)).join("\n");
    for (const secret of [
      issued?.tmpSecretKey,
      issued?.token,
      url.searchParams.get("q-signature"),
      CALLER.secretKey,
      url.search,
    ]) {
      expect(secret).toBeTruthy();
      expect(line).not.toContain(secret);
    }
  });
});

/** A value shaped like a leaked credential: the log line must never show it (nor any output: hygiene knows it). */
const LEAKED_TOKEN = "leakedTokenValue0123456789abcdefABCDEF";
registerSecret(LEAKED_TOKEN);

describe("an unexpected error in any layer", () => {
  // Each case throws a TypeError from inside one layer; the caller gets the generic InternalError, and the operator's
  // log line gets the error's name, a redacted message and the frames that lead to the layer.
  const cases: Array<{
    layer: string;
    frame: RegExp;
    setup: (env: Env) => Parameters<typeof functionHandler>;
    event?: () => unknown;
  }> = [
    {
      layer: "config",
      frame: /config\.ts|env\.ts/,
      setup: (env) => [
        new Proxy(env, {
          get(target, name) {
            if (name === "COS_REGION") throw new TypeError(`config broke near ${LEAKED_TOKEN}`);
            return Reflect.get(target, name);
          },
        }),
      ],
    },
    {
      layer: "credential source",
      frame: /presign\.ts/,
      setup: (env) => [
        env,
        {
          credentialSource: () => ({
            get: async () => {
              throw new TypeError(`the cache broke, secret ${CALLER.secretKey}`);
            },
          }),
        },
      ],
    },
    {
      layer: "signer",
      frame: /signature\.ts|url\.ts/,
      setup: (env) => [
        env,
        {
          credentialSource: () => ({
            get: async () => ({
              cacheHit: true,
              credential: {
                secretId: "AKIDsignerTEST",
                // A key that throws where the signer reads it.
                get secretKey(): string {
                  throw new TypeError(`the key broke: ${LEAKED_TOKEN}`);
                },
                token: LEAKED_TOKEN,
                expiresAt: Math.floor(Date.now() / 1000) + 3600,
                requestId: "r",
              },
            }),
          }),
        },
      ],
    },
    {
      layer: "auth",
      frame: /link\.ts|authorize\.ts/,
      setup: (env) => [
        { ...env, AUTH_MODE: "link", LINK_SECRET },
        // The link check compares the link's expiry with the clock: a clock that is not a number throws there.
        { now: () => Symbol("not a time") as unknown as number },
      ],
      event: () => {
        const exp = Math.floor(Date.now() / 1000) + 60;
        return functionUrlEvent("/public/a.txt", { exp: String(exp), sig: signLink(LINK_SECRET, "public/a.txt", exp) });
      },
    },
  ];

  // That src/sts/client.ts wraps a load failure this way is test/sts/client.test.ts's; this is the log line's part.
  it("an InternalError that wraps an error (as a failed STS client load does): the wrapped one is the logged cause", async () => {
    const loadFailure = new Error(`Cannot find module 'tencentcloud-sdk-nodejs-sts' near ${LEAKED_TOKEN}`);
    const { handler, logs } = functionHandler(baseEnv(sts), {
      credentialSource: () => ({
        get: async () => {
          throw new PresignError("InternalError", "the STS client could not be loaded", { cause: loadFailure });
        },
      }),
    });
    const answer = (await handler(functionUrlEvent("/public/a.txt"))) as ScfAnswer;
    expect(JSON.parse(answer.body).error).toEqual({
      code: "InternalError",
      message: "the STS client could not be loaded",
    });
    expect(logs[0]?.cause).toMatchObject({ name: "Error", message: expect.stringContaining("Cannot find module") });
    expect(JSON.stringify(logs[0])).not.toContain(LEAKED_TOKEN);
  });

  it.each(cases)("$layer: the client hears InternalError; the log line keeps the cause, redacted", async (c) => {
    const [env, options] = c.setup(baseEnv(sts));
    const { handler, logs } = functionHandler(env, options);
    const answer = (await handler(c.event?.() ?? functionUrlEvent("/public/a.txt"), {
      request_id: "bug-1",
    })) as ScfAnswer;
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(answer.body).error.code).toBe("InternalError");
    expect(answer.body).not.toMatch(/TypeError|broke|\.ts/);

    const record = logs[0];
    expect(record).toMatchObject({ requestId: "bug-1", code: "InternalError", status: 500 });
    const cause = record?.cause as LoggedCause;
    expect(cause.name).toBe("TypeError");
    expect(cause.frames.length).toBeGreaterThan(0);
    expect(cause.frames.join("\n")).toMatch(c.frame);
    const line = JSON.stringify(record);
    expect(line).not.toContain(LEAKED_TOKEN);
    expect(line).not.toContain(CALLER.secretKey);
  });
});
