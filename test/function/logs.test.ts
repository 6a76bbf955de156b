import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER, JWT_SECRET } from "../auth/support";
import { baseEnv, bundleHandler, CALLER, functionUrlEvent, type ScfAnswer, useFakeSts } from "./support";

const sts = useFakeSts();

describe("the log line", () => {
  it("says a JWT let the request in, but not whose: the subject may be personal data", async () => {
    const env = { ...baseEnv(sts), AUTH_MODE: "jwt", JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    const { handler, logs } = bundleHandler(env);
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
    const { handler, logs } = bundleHandler(env);
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
    expect(logs[0]).toMatchObject({
      code: "AccessDenied",
      status: 403,
      detail: { cosPrefixes: "every entry is empty" },
    });
    expect(sts.calls).toHaveLength(callsBefore);
  });

  it("has every field, a miss then a hit, and no secret, token or signature", async () => {
    const { handler, logs } = bundleHandler(baseEnv(sts));
    const first = (await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-1" })) as ScfAnswer;
    await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-2" });
    expect(logs).toHaveLength(2);

    const [miss, hit] = logs;
    expect(miss).toEqual({
      requestId: "log-1",
      trigger: "functionUrl",
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
