import { SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { linkQuery } from "../src/auth";
import {
  baseEnv,
  CALLER,
  functionHandler,
  functionUrlEvent,
  type Harness,
  type ScfAnswer,
  useFakeSts,
} from "./support/function";
import { hygiene, leaks, registerSecret } from "./support/hygiene";

const LINK_SECRET = "hygiene-link-secret-0123456789abcdefghij";
const JWT_SECRET = "hygiene-jwt-secret-0123456789abcdefghijkl";
const ISSUER = "https://idp.example/";
const AUDIENCE = "cos-presign";
registerSecret(LINK_SECRET, JWT_SECRET);

const sts = useFakeSts();
let harness: Harness;
const bodies: string[] = [];

async function token(claims: Record<string, unknown>, secret = JWT_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: "alice", exp: now + 300, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
  registerSecret(jwt);
  return jwt;
}

async function send(event: unknown): Promise<ScfAnswer> {
  const answer = (await harness.handler(event)) as ScfAnswer;
  bodies.push(JSON.stringify(answer));
  const location = answer.headers?.location;
  if (location !== undefined) registerSecret(new URL(location).searchParams.get("q-signature"));
  return answer;
}

beforeAll(async () => {
  harness = functionHandler({
    ...baseEnv(sts),
    AUTH_MODE: "link,jwt",
    LINK_SECRET,
    JWT_SECRET,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    STS_TIMEOUT_MS: "200",
    STS_DEADLINE_MS: "800",
  });
});

describe("secret hygiene", () => {
  it("no secret, token, signature, link secret or JWT reaches a log line or an answer's error body", async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const link = linkQuery(LINK_SECRET, "public/a.txt", exp, { filename: "a.txt" });
    const sig = new URLSearchParams(link).get("sig");
    registerSecret(sig);
    const good = await token({});

    const ok = [
      await send(functionUrlEvent("/public/a.txt", Object.fromEntries(new URLSearchParams(link)))),
      await send(functionUrlEvent("/public/b.txt", {}, { authorization: `Bearer ${good}` })),
    ];
    expect(ok.map((answer) => answer.statusCode)).toEqual([302, 302]);

    const refused = [
      await send(
        functionUrlEvent("/public/a.txt", { exp: String(exp), sig: `${sig?.slice(0, -2)}AA`, filename: "a.txt" }),
      ),
      await send(functionUrlEvent("/public/a.txt", { exp: String(exp + 1), sig: sig ?? "", filename: "a.txt" })),
      await send(functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${await token({ exp: 1 })}` })),
      await send(functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${await token({ aud: "other" })}` })),
      await send(
        functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${await token({}, `${JWT_SECRET}-wrong`)}` }),
      ),
      await send(
        functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${await token({ cos_prefixes: ["other/"] })}` }),
      ),
      await send(functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${good}.tampered` })),
    ];
    expect(refused.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401, 403, 401]);

    sts.fail("authFailure", 1);
    const refusedBySts = await send(functionUrlEvent("/public/c.txt", {}, { authorization: `Bearer ${good}` }));
    expect(refusedBySts.statusCode).toBe(502);
    sts.fail("throttle", 10);
    const throttled = await send(functionUrlEvent("/public/d.txt", {}, { authorization: `Bearer ${good}` }));
    expect(throttled.statusCode).toBe(503);

    // A misconfigured instance lists its problems, never the secrets it was given.
    const misconfigured = functionHandler({
      LINK_SECRET,
      JWT_SECRET,
      STS_SECRET_KEY: CALLER.secretKey,
      AUTH_MODE: "link,jwt",
    });
    const configAnswer = (await misconfigured.handler(functionUrlEvent("/public/a.txt"))) as ScfAnswer;
    bodies.push(JSON.stringify(configAnswer));
    expect(configAnswer.statusCode).toBe(500);

    const { secrets } = hygiene();
    expect(secrets.size).toBeGreaterThan(10);
    const errorBodies = bodies.filter((body) => !body.includes('"statusCode":302'));
    expect(errorBodies.length).toBe(10);
    for (const body of errorBodies) {
      for (const secret of secrets) expect(body.includes(secret), body.slice(0, 200)).toBe(false);
    }
    expect(harness.logs.length).toBe(11);
    expect(leaks()).toEqual([]);
  });
});
