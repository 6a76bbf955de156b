/**
 * Keeps the deployable honest. dist/index.js is built by test/global-setup.ts from the current sources with
 * scripts/build.mjs, which replaces parts of the STS SDK's dependency tree that this function never uses (see
 * scripts/sdk-trim/). This file checks that the bundle stays small, that what was trimmed is really gone, and
 * that the trimmed SDK still does its job: the full request flow through the built bundle against the fake STS
 * (which verifies every TC3 signature), the URL's signature against the official COS SDK, the fault paths whose
 * error shapes come from the SDK's HTTP stack, the proxy path, and JWT verification with the narrowed jose.
 * No timing assertions: the time limits below only keep a broken build from hanging the suite.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { resolve } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AUDIENCE, ISSUER, JWT_SECRET } from "./auth/support";
import { BUNDLE_PATH } from "./support/bundle";
import { oracleSignature } from "./support/cos-oracle";
import {
  BUCKET,
  baseEnv,
  bundleHandler,
  CALLER,
  encodePath,
  functionUrlEvent,
  REGION,
  ROLE_ARN,
  type ScfAnswer,
  useFakeSts,
} from "./support/function";
import { registerSecret } from "./support/hygiene";

/**
 * The most dist/index.js may weigh, in bytes: a fraction of what the official pair (STS SDK + COS SDK) bundles to,
 * so that a cold start loads little more than bare node does. Raise it only with a measurement (`npm run bench`)
 * showing the cold start is still within its targets.
 */
const MAX_BUNDLE_BYTES = 150_000;

/** Packages the SDK trim keeps out of the bundle; any of them back in means a replacement stopped working. */
const TRIMMED_PACKAGES = [
  "node-fetch",
  "whatwg-url",
  "tr46",
  "webidl-conversions",
  "form-data",
  "mime-db",
  "mime-types",
  "bignumber.js",
  "uuid",
  "ini",
  "get-stream",
  "debug",
  "tslib",
];

const META_PATH = resolve(__dirname, "../build/meta.json");

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

function bundledInputs(): string[] {
  const meta = JSON.parse(readFileSync(META_PATH, "utf8")) as Metafile;
  return Object.keys(meta.outputs["dist/index.js"]?.inputs ?? {});
}

const sts = useFakeSts({ resetEach: true });

/** Short STS time limits so fault paths that retry finish quickly. */
const env = (extra: Record<string, string> = {}) => ({
  ...baseEnv(sts),
  STS_TIMEOUT_MS: "300",
  STS_DEADLINE_MS: "1500",
  ...extra,
});

describe("the bundle's size", () => {
  it(`dist/index.js is at most ${MAX_BUNDLE_BYTES} bytes`, () => {
    const bytes = statSync(BUNDLE_PATH).size;
    expect(bytes, `dist/index.js is ${bytes} bytes; see MAX_BUNDLE_BYTES`).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it("leaves out the packages the build replaces, and jose's unused parts", () => {
    const inputs = bundledInputs();
    expect(inputs.some((input) => input.includes("node_modules/tencentcloud-sdk-nodejs-common/"))).toBe(true);
    const leaked = inputs.filter((input) => TRIMMED_PACKAGES.some((name) => input.includes(`node_modules/${name}/`)));
    expect(leaked).toEqual([]);
    // jwtVerify and createRemoteJWKSet only: no encryption, signing or key generation.
    const joseExtras = inputs.filter((input) =>
      /node_modules\/jose\/.*\/(jwe|jwt\/sign|jws\/.*\/sign|key\/generate)/.test(input),
    );
    expect(joseExtras).toEqual([]);
  });
});

describe("the full flow through the built bundle", () => {
  it.each([
    ["public/reports/q3 2024.pdf", "Q3 report.pdf"],
    ["shared/合同/草稿 v2+final.docx", "合同 草稿.docx"],
  ])("GET /%s: a signed AssumeRole the fake accepts, then a URL the COS SDK agrees with", async (key, filename) => {
    const { handler, logs } = bundleHandler(env());
    const path = encodePath(key);
    const answer = (await handler(functionUrlEvent(path, { filename }), { request_id: "bundle-1" })) as ScfAnswer;
    expect(answer.statusCode).toBe(302);

    // The fake checked the TC3 signature over the exact body bytes, the token and the parameters.
    expect(sts.calls).toHaveLength(1);
    expect(sts.calls[0]).toMatchObject({
      action: "AssumeRole",
      outcome: "issued",
      secretId: CALLER.secretId,
      roleArn: ROLE_ARN,
      region: REGION,
    });
    expect(sts.calls[0]?.policy).toEqual({
      version: "2.0",
      statement: [
        {
          effect: "allow",
          action: ["name/cos:GetObject"],
          resource: [`qcs::cos:${REGION}:uid/1250000000:${BUCKET}/${key}`],
        },
      ],
    });

    const location = answer.headers.location ?? "";
    const url = new URL(location);
    expect(url.host).toBe(`${BUCKET}.cos.${REGION}.myqcloud.com`);
    const issued = sts.lookupToken(url.searchParams.get("x-cos-security-token") ?? "");
    expect(issued).toBeDefined();
    registerSecret(issued?.tmpSecretKey, issued?.token, url.searchParams.get("q-signature"));
    expect(url.searchParams.get("q-ak")).toBe(issued?.tmpSecretId);
    expect(url.searchParams.get("q-signature")).toBe(
      oracleSignature(url, issued?.tmpSecretId ?? "", issued?.tmpSecretKey ?? ""),
    );
    expect(url.searchParams.get("response-content-disposition")).toContain("attachment");
    expect(logs[0]).toMatchObject({ code: "OK", status: 302, cache: "miss" });

    // Warm: the same object again is served from the credential cache, without STS.
    const again = (await handler(functionUrlEvent(path, { filename }))) as ScfAnswer;
    expect(again.statusCode).toBe(302);
    expect(sts.calls).toHaveLength(1);
    expect(logs[1]).toMatchObject({ code: "OK", cache: "hit" });
  });

  it("GetFederationToken with permanent keys works the same way", async () => {
    const { handler } = bundleHandler(env({ STS_ROLE_ARN: "" }));
    const answer = (await handler(functionUrlEvent("/public/a.txt"))) as ScfAnswer;
    expect(answer.statusCode).toBe(302);
    expect(sts.calls[0]).toMatchObject({ action: "GetFederationToken", outcome: "issued" });
  });
});

describe("the cold path", () => {
  it("loading dist/index.js runs only definitions: of Node's own modules it loads node:crypto alone", () => {
    // A fresh process, since this one has loaded everything already. process.moduleLoadList names every built-in
    // module Node has loaded; the ones a load may add are crypto and what crypto itself pulls in.
    const script = `const before = new Set(process.moduleLoadList);
require(${JSON.stringify(BUNDLE_PATH)});
console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
    const publicModules = loaded
      .filter((entry) => entry.startsWith("NativeModule ") && !entry.startsWith("NativeModule internal/"))
      .map((entry) => entry.slice("NativeModule ".length));
    expect(publicModules).toContain("crypto");
    expect(
      publicModules.filter((name) => !["crypto", "stream", "stream/promises", "string_decoder"].includes(name)),
    ).toEqual([]);
  });

  // The first toISOString in a process pays for one-time V8 set-up, and so does the first case-insensitive
  // regular expression (see src/time.ts): the default request path must need neither.
  it.each([
    ["the default domain", {}],
    ["a custom domain (COS_DOMAIN)", { COS_DOMAIN: "https://Download.Example.com" }],
  ])("never calls toISOString nor runs a case-insensitive regular expression from the bundle: %s", async (_, extra) => {
    const used: string[] = [];
    const fromBundle = (): boolean => (new Error().stack ?? "").includes(BUNDLE_PATH);
    const { toISOString } = Date.prototype;
    const { exec } = RegExp.prototype;
    Date.prototype.toISOString = function (this: Date): string {
      if (fromBundle()) used.push("Date.prototype.toISOString");
      return toISOString.call(this);
    };
    // test, match, replace and split all go through exec once it is replaced.
    RegExp.prototype.exec = function (this: RegExp, input: string): RegExpExecArray | null {
      if (this.flags.includes("i") && fromBundle()) used.push(String(this));
      return exec.call(this, input);
    };
    try {
      const { handler } = bundleHandler(env(extra));
      const answer = (await handler(functionUrlEvent("/public/reports/q3.pdf", { filename: "Q3.pdf" }))) as ScfAnswer;
      expect(answer.statusCode).toBe(302);
    } finally {
      Date.prototype.toISOString = toISOString;
      RegExp.prototype.exec = exec;
    }
    expect(used).toEqual([]);
  });
});

describe("proxy support survives the trimming", () => {
  const saved = process.env.http_proxy;
  let proxy: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    if (saved === undefined) delete process.env.http_proxy;
    else process.env.http_proxy = saved;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((done) => (proxy === undefined ? done() : proxy.close(() => done())));
    proxy = undefined;
  });

  it("with http_proxy set and an https endpoint, the SDK tunnels through the proxy (https-proxy-agent)", async () => {
    const connects: string[] = [];
    proxy = createServer();
    proxy.on("connect", (request, socket: Socket) => {
      connects.push(String(request.url));
      sockets.add(socket);
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n"); // refuse the tunnel: enough to see the request arrive
    });
    await new Promise<void>((done) => proxy?.listen(0, "127.0.0.1", done));
    process.env.http_proxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    const { handler } = bundleHandler(env({ STS_ENDPOINT: "sts.example.test", STS_MAX_ATTEMPTS: "1" }));
    const answer = (await handler(functionUrlEvent("/public/a.txt"))) as ScfAnswer;
    expect(connects).toEqual(["sts.example.test:443"]);
    // https-proxy-agent hands the proxy's refusal to the request as its response: HTTP 403 from "STS", a 502.
    expect(answer.statusCode).toBe(502);
  });
});

describe("JWT verification with the narrowed jose imports", () => {
  const jwtEnv = (extra: Record<string, string>) =>
    env({ AUTH_MODE: "jwt", JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, ...extra });
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  });

  it("HS256 with JWT_SECRET: a good token gets a URL, a bad one a 401", async () => {
    const { handler } = bundleHandler(jwtEnv({ JWT_SECRET }));
    const token = await new SignJWT({ cos_prefixes: ["public/"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_SECRET));
    registerSecret(token);
    const good = (await handler(
      functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}` }),
    )) as ScfAnswer;
    expect(good.statusCode).toBe(302);
    const bad = (await handler(
      functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}x` }),
    )) as ScfAnswer;
    expect(bad.statusCode).toBe(401);
  });

  it("ES256 with JWT_JWKS_URL: the key set is fetched and the token verified", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle-test/jwks.json`;

    const { handler } = bundleHandler(jwtEnv({ JWT_JWKS_URL: jwksUrl }));
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(privateKey);
    registerSecret(token);
    const answer = (await handler(
      functionUrlEvent("/public/a.txt", {}, { authorization: `Bearer ${token}` }),
    )) as ScfAnswer;
    expect(answer.statusCode).toBe(302);
  });
});
