import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { type AuthRequest, type AuthSettings, authorize, signLink } from "../../src/auth";
import {
  AUDIENCE,
  bearer,
  httpRequest,
  ISSUER,
  JWT_SECRET,
  LINK_SECRET,
  NOW,
  NOW_S,
  rejection,
  settingsFrom,
} from "./support";

const KEY = "reports/q3.pdf";
const LINK_ENV = { LINK_SECRET };
const JWT_ENV = { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };

const linkAndJwt = settingsFrom({ AUTH_MODE: "link,jwt", ...LINK_ENV, ...JWT_ENV });

function goodLink(key = KEY): AuthRequest["params"] {
  return { exp: String(NOW_S + 60), sig: signLink(LINK_SECRET, key, NOW_S + 60) };
}

function goodToken(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ sub: "alice", iss: ISSUER, aud: AUDIENCE, exp: NOW_S + 60, ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(JWT_SECRET));
}

describe("AUTH_MODE=link,jwt: either credential passes", () => {
  it("a good link passes", async () => {
    await expect(authorize(linkAndJwt, httpRequest(KEY, goodLink()), NOW)).resolves.toEqual({ via: "link" });
  });

  it("a good token passes", async () => {
    const grant = await authorize(linkAndJwt, httpRequest(KEY, {}, bearer(await goodToken())), NOW);
    expect(grant).toEqual({ via: "jwt", subject: "alice" });
  });

  it("a bad link with a good token passes by the token", async () => {
    const request = httpRequest(KEY, { ...goodLink(), exp: String(NOW_S + 999) }, bearer(await goodToken()));
    await expect(authorize(linkAndJwt, request, NOW)).resolves.toMatchObject({ via: "jwt" });
  });

  it("a good link with a bad token passes by the link", async () => {
    const request = httpRequest(KEY, goodLink(), bearer("garbage"));
    await expect(authorize(linkAndJwt, request, NOW)).resolves.toEqual({ via: "link" });
  });

  it("neither: a 401 that says what to send, with a Bearer challenge", async () => {
    const error = await rejection(authorize(linkAndJwt, httpRequest(KEY), NOW));
    expect(error.code).toBe("Unauthorized");
    expect(error.message).toBe("no credentials: send a signed link (exp, sig) or Authorization: Bearer");
    expect(error.bearer).toBe("challenge");
  });

  it("a request carrying only a link gets the link's message", async () => {
    const error = await rejection(authorize(linkAndJwt, httpRequest("other/key", goodLink()), NOW));
    expect(error.message).toBe("link signature does not match");
    expect(error.bearer).toBe("challenge");
  });

  it("a request carrying only a token gets the token's message", async () => {
    const token = await goodToken({ exp: NOW_S - 3600 });
    const error = await rejection(authorize(linkAndJwt, httpRequest(KEY, {}, bearer(token)), NOW));
    expect(error.message).toBe("token expired");
    expect(error.bearer).toBe("invalid_token");
  });

  it("a request carrying both, both bad, hears about both", async () => {
    const link = { exp: String(NOW_S - 1), sig: signLink(LINK_SECRET, KEY, NOW_S - 1) };
    const token = await goodToken({ aud: "someone-else" });
    const error = await rejection(authorize(linkAndJwt, httpRequest(KEY, link, bearer(token)), NOW));
    expect(error.message).toBe("link expired; token audience mismatch");
  });

  it("a valid token outside its cos_prefixes is a 403 even when a link was also tried", async () => {
    const token = await goodToken({ cos_prefixes: ["public/"] });
    const error = await rejection(authorize(linkAndJwt, httpRequest(KEY, { sig: "x", exp: "1" }, bearer(token)), NOW));
    expect(error.code).toBe("AccessDenied");
  });
});

describe("other AUTH_MODE combinations", () => {
  it("none alone: anything passes, with no extra prefix limit", async () => {
    const none = settingsFrom({ AUTH_MODE: "none" });
    await expect(authorize(none, httpRequest(KEY), NOW)).resolves.toEqual({ via: "none" });
    await expect(authorize(none, httpRequest(KEY, { sig: "bad", exp: "1" }, bearer("bad")), NOW)).resolves.toEqual({
      via: "none",
    });
  });

  it("none,jwt: none makes anything pass, even a bad token or a good one with narrower cos_prefixes", async () => {
    const noneJwt = settingsFrom({ AUTH_MODE: "none,jwt", ...JWT_ENV });
    await expect(authorize(noneJwt, httpRequest(KEY), NOW)).resolves.toEqual({ via: "none" });
    await expect(authorize(noneJwt, httpRequest(KEY, {}, bearer("bad")), NOW)).resolves.toEqual({ via: "none" });
    const narrow = await goodToken({ cos_prefixes: ["public/"] });
    await expect(authorize(noneJwt, httpRequest(KEY, {}, bearer(narrow)), NOW)).resolves.toEqual({ via: "none" });
  });

  it("link alone: a Bearer token is not a credential, and 401s carry no Bearer challenge", async () => {
    const link = settingsFrom({ AUTH_MODE: "link", ...LINK_ENV });
    const error = await rejection(authorize(link, httpRequest(KEY, {}, bearer(await goodToken())), NOW));
    expect(error.message).toBe("no credentials: send a signed link (exp, sig)");
    expect(error.bearer).toBeUndefined();
  });

  it("jwt alone: link parameters are not a credential", async () => {
    const jwt = settingsFrom({ AUTH_MODE: "jwt", ...JWT_ENV });
    const error = await rejection(authorize(jwt, httpRequest(KEY, goodLink()), NOW));
    expect(error.message).toBe("no credentials: send Authorization: Bearer <token>");
    expect(error.bearer).toBe("challenge");
  });

  it("settings that name a mode without its secrets do not typecheck (tsc checks these lines)", () => {
    const claims = { issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0 };
    const secret = { verifier: "secret", secret: JWT_SECRET, ...claims } as const;
    // @ts-expect-error link mode without link settings
    const linkAlone: AuthSettings = { mode: "link" };
    // @ts-expect-error both modes with only the jwt settings
    const bothWithJwtOnly: AuthSettings = { mode: "link,jwt", jwt: secret };
    // @ts-expect-error a JWKS verifier without its URL
    const jwksWithoutUrl: AuthSettings = { mode: "jwt", jwt: { ...claims, verifier: "jwks" } };
    // @ts-expect-error a secret verifier with a JWKS URL as well
    const both: AuthSettings = { mode: "jwt", jwt: { ...secret, jwksUrl: "https://idp.example/jwks" } };
    const fine: AuthSettings = { mode: "jwt", jwt: secret };
    expect([linkAlone, bothWithJwtOnly, jwksWithoutUrl, both, fine]).toHaveLength(5);
  });
});

describe("module hygiene", () => {
  it("jose is only ever imported lazily (type imports and `await import` are the only forms)", () => {
    const dir = join(__dirname, "../../src/auth");
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const line of source.split("\n")) {
        if (/from\s+["']jose["']|require\(["']jose["']\)/.test(line)) {
          expect(line, `${file}: ${line}`).toMatch(/^import type /);
        }
      }
    }
  });

  it("bundled as for SCF, jose is not evaluated until the first token (checked in a fresh Node process)", async () => {
    // jose stays external here so Node's require.cache shows whether it was loaded; the real bundle inlines it
    // behind the same lazy wrapper.
    const root = resolve(__dirname, "../..");
    const { outputFiles } = await build({
      entryPoints: [join(root, "src/auth/index.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node18",
      external: ["jose"],
      // An external import() would stay an ESM import, invisible in require.cache; as a require it shows.
      supported: { "dynamic-import": false },
      write: false,
      logLevel: "silent",
    });
    const dir = mkdtempSync(join(tmpdir(), "auth-bundle-"));
    try {
      writeFileSync(join(dir, "auth.js"), outputFiles[0]?.text ?? "");
      const script = `
        const auth = require(${JSON.stringify(join(dir, "auth.js"))});
        const loaded = () => Object.keys(require.cache).some((p) => p.includes("/node_modules/jose/"));
        (async () => {
          const link = auth.parseAuthSettings({ AUTH_MODE: "link", LINK_SECRET: ${JSON.stringify(LINK_SECRET)} }).settings;
          const exp = Math.floor(Date.now() / 1000) + 60;
          const params = { exp: String(exp), sig: auth.signLink(${JSON.stringify(LINK_SECRET)}, "k", exp) };
          await auth.authorize(link, { key: "k", headers: {}, params }, Date.now());
          const afterLink = loaded();
          const jwt = auth.parseAuthSettings(${JSON.stringify({ AUTH_MODE: "jwt", ...JWT_ENV })}).settings;
          const rejected = await auth.authorize(jwt, { key: "k", headers: { authorization: "Bearer x.y.z" }, params: {} }, Date.now()).catch((e) => e.message);
          console.log(JSON.stringify({ afterLink, afterJwt: loaded(), rejected }));
        })();
      `;
      const output = execFileSync(process.execPath, ["-e", script], {
        env: { ...process.env, NODE_PATH: join(root, "node_modules") },
        encoding: "utf8",
      });
      expect(JSON.parse(output)).toEqual({ afterLink: false, afterJwt: true, rejected: "token malformed" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
