import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { run } from "../../scripts/sign-jwt";
import { authorize } from "../../src/auth";
import {
  AUDIENCE,
  bearer,
  httpRequest,
  ISSUER,
  JWT_SECRET,
  NOW,
  NOW_S,
  rejection,
  settingsFrom,
} from "../auth/support";
import { capturedIo } from "../support/cli";

const root = join(__dirname, "../..");
const ENV = { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };

/** `npm run -s sign-jwt -- …` in-process, with the clock at NOW. */
async function signJwt(args: string[], env: Record<string, string> = ENV) {
  const { io, output } = capturedIo();
  const code = await run(args, env, { ...io, now: () => NOW });
  return { code, ...output };
}

describe("npm run sign-jwt", () => {
  const settings = settingsFrom({ AUTH_MODE: "jwt", ...ENV });

  it("mints an HS256 token the function accepts, limited to --prefixes, until --ttl", async () => {
    const { code, stdout, stderr } = await signJwt([
      "--sub",
      "alice",
      "--prefixes",
      "public/, reports/",
      "--ttl",
      "1h",
    ]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const token = stdout.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(decodeJwt(token)).toEqual({
      sub: "alice",
      iss: ISSUER,
      aud: AUDIENCE,
      iat: NOW_S,
      exp: NOW_S + 3600,
      cos_prefixes: ["public/", "reports/"],
    });
    expect(stderr).toContain(`valid until ${new Date((NOW_S + 3600) * 1000).toISOString()} for public/, reports/`);
    expect(stderr + stdout).not.toContain(JWT_SECRET);

    const grant = await authorize(settings, httpRequest("public/a.txt", {}, bearer(token)), NOW);
    expect(grant).toMatchObject({ via: "jwt", prefixes: ["public/", "reports/"] });
    expect((await rejection(authorize(settings, httpRequest("private/a.txt", {}, bearer(token)), NOW))).code).toBe(
      "AccessDenied",
    );
    // Past exp plus the default 30 s of leeway.
    const late = await rejection(authorize(settings, httpRequest("public/a.txt", {}, bearer(token)), NOW + 3631_000));
    expect(late.message).toBe("token expired");
  });

  it("takes --flag=value as well", async () => {
    const { code, stdout } = await signJwt(["--ttl=15m", "--sub=bob"]);
    expect(code).toBe(0);
    expect(decodeJwt(stdout.trim())).toMatchObject({ sub: "bob", exp: NOW_S + 900 });
  });

  it("leaves out the claims it was not given", async () => {
    const { code, stdout } = await signJwt(["--ttl", "15m"]);
    expect(code).toBe(0);
    const claims = decodeJwt(stdout.trim());
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss"]);
    await expect(authorize(settings, httpRequest("x/y.txt", {}, bearer(stdout.trim())), NOW)).resolves.toMatchObject({
      via: "jwt",
    });
  });

  it("prints its help on stdout", async () => {
    const { code, stdout } = await signJwt(["--help"], {});
    expect(code).toBe(0);
    expect(stdout).toContain("usage: npm run -s sign-jwt");
  });

  it.each([
    [[], "say how long the token lives: --ttl 1h"],
    [["--ttl", "soon"], '--ttl "soon" is not a duration'],
    [["--ttl", "0"], '--ttl "0" is not a duration'],
    [["--ttl", "999999999w"], '--ttl "999999999w" is longer than 10 years'],
    [["--ttl"], "--ttl needs a value"],
    [["--sub", "--ttl", "1h"], "--sub needs a value"],
    [["--ttl", "1h", "--bogus", "x"], 'unknown option "--bogus"'],
    [["--ttl", "1h", "--prefixes", " , "], "--prefixes names no prefix"],
    [["--ttl", "1h", "--sub", " "], "--sub is empty"],
  ])("refuses %j: %s", async (args, problem) => {
    const { code, stdout, stderr } = await signJwt(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(problem);
    expect(stderr).toContain("usage: npm run -s sign-jwt");
  });

  it.each([
    [{}, "neither JWT_SECRET (HS256) nor JWT_JWKS_URL is set"],
    [{ ...ENV, JWT_SECRET: "short-jwt-secret" }, "JWT_SECRET"],
    [{ ...ENV, JWT_ISSUER: " " }, "JWT_ISSUER is not set"],
    [{ JWT_SECRET, JWT_ISSUER: ISSUER }, "JWT_AUDIENCE is not set"],
    [{ ...ENV, JWT_JWKS_URL: "https://idp.example/jwks.json" }, "set only one of JWT_SECRET and JWT_JWKS_URL"],
    [
      { JWT_JWKS_URL: "https://idp.example/jwks.json", JWT_ISSUER: ISSUER, JWT_AUDIENCE: ENV.JWT_AUDIENCE },
      "JWT_SECRET must be set",
    ],
  ])("refuses the settings %j, naming the problem without the secret", async (env, problem) => {
    const { code, stdout, stderr } = await signJwt(["--ttl", "1h"], env);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(problem);
    expect(stderr).not.toContain("short-jwt-secret");
    expect(stderr).not.toContain(JWT_SECRET);
  });
});

describe("npm run sign-jwt as a process", () => {
  it("prints only the token on stdout with npm run -s", async () => {
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "-s", "sign-jwt", "--", "--sub", "alice", "--prefixes", "public/", "--ttl", "1h"],
      { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", ...ENV }, timeout: 15_000 },
    );
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(decodeJwt(stdout.trim())).toMatchObject({ sub: "alice", cos_prefixes: ["public/"] });
  });
});
