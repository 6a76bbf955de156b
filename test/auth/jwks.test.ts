import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, type KeyLike, SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type AuthSettings, authorize } from "../../src/auth";
import { JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS } from "../../src/auth/jwt";
import { AUDIENCE, bearer, httpRequest, ISSUER, rejection, settingsFrom } from "./support";

/** A JWKS endpoint on 127.0.0.1 that counts its hits and serves whatever keys the test puts in it. */
interface JwksServer {
  readonly url: string;
  keys: JWK[];
  status: number;
  /** "keys" answers with the key set; "hang" never answers; "html" answers 200 with a body that is not JSON. */
  mode: "keys" | "hang" | "html";
  hits: number;
}

const servers: Server[] = [];

async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  // A unique path per server: the module caches key sets by URL, and a recycled port must not alias one.
  const path = `/${randomUUID()}/jwks.json`;
  const state = { keys, status: 200, mode: "keys" as JwksServer["mode"], hits: 0, url: "" };
  const server = createServer((request, response) => {
    state.hits += 1;
    if (request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    if (state.mode === "hang") return; // afterEach's closeAllConnections ends it.
    if (state.mode === "html") {
      response.writeHead(200, { "content-type": "text/html" }).end("<html>gateway error</html>");
      return;
    }
    response.writeHead(state.status, { "content-type": "application/json" });
    response.end(JSON.stringify({ keys: state.keys }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}${path}`;
  return state;
}

afterEach(async () => {
  vi.useRealTimers();
  const closing = servers.splice(0).map(
    (server) =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // jose's fetch rides Node's keep-alive agent; do not wait for it to idle.
        server.close(() => resolve());
      }),
  );
  await Promise.all(closing);
});

function jwksSettings(url: string, env: Record<string, string> = {}): AuthSettings {
  return settingsFrom({ AUTH_MODE: "jwt", JWT_JWKS_URL: url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, ...env });
}

interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: KeyLike;
  readonly jwk: JWK;
}

async function signingKey(kid: string, alg: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : {});
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

function tokenFrom(key: SigningKey, claims: JWTPayload = {}, kid: string = key.kid): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: `user-of-${key.kid}`, iss: ISSUER, aud: AUDIENCE, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: key.alg, kid })
    .sign(key.privateKey);
}

function check(settings: AuthSettings, token: string, now = Date.now()) {
  return authorize(settings, httpRequest("reports/q3.pdf", {}, bearer(token)), now);
}

let rsa: SigningKey;
let ec: SigningKey;
let ed: SigningKey;
let rsaNext: SigningKey;

beforeAll(async () => {
  [rsa, ec, ed, rsaNext] = await Promise.all([
    signingKey("rsa-2025", "RS256"),
    signingKey("ec-2025", "ES256"),
    signingKey("ed-2025", "EdDSA"),
    signingKey("rsa-2026", "RS256"),
  ]);
});

describe("authorize: JWT against a remote JWKS (loopback server)", () => {
  it("uses the timings docs/auth.md states: 10 minutes' cache, 30 s cooldown for unknown kids", () => {
    expect([JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS]).toEqual([600_000, 30_000]);
  });

  it("accepts RS256, ES256 and EdDSA tokens from keys in the set", async () => {
    const server = await startJwksServer([rsa.jwk, ec.jwk, ed.jwk]);
    const settings = jwksSettings(server.url);
    for (const key of [rsa, ec, ed]) {
      await expect(check(settings, await tokenFrom(key)), key.alg).resolves.toEqual({
        via: "jwt",
        subject: `user-of-${key.kid}`,
      });
    }
  });

  it("fetches the key set once and reuses it across calls and settings objects (warm instance)", async () => {
    const server = await startJwksServer([rsa.jwk]);
    expect(server.hits).toBe(0); // Nothing is fetched before the first token.
    for (let i = 0; i < 5; i++) {
      // A fresh settings object each time, as a re-read configuration would give: the cache is keyed by URL.
      await expect(check(jwksSettings(server.url), await tokenFrom(rsa))).resolves.toMatchObject({ via: "jwt" });
    }
    expect(server.hits).toBe(1);
  });

  it("concurrent first calls share one fetch", async () => {
    const server = await startJwksServer([rsa.jwk]);
    const settings = jwksSettings(server.url);
    const token = await tokenFrom(rsa);
    await Promise.all(Array.from({ length: 8 }, () => check(settings, token)));
    expect(server.hits).toBe(1);
  });

  it("follows a key rotation: a new kid is fetched once the cooldown since the last fetch is over", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2025, 5, 1) });
    const server = await startJwksServer([rsa.jwk]);
    const settings = jwksSettings(server.url);

    await expect(check(settings, await tokenFrom(rsa))).resolves.toMatchObject({ via: "jwt" });
    expect(server.hits).toBe(1);

    // The provider publishes the next key. A token naming it 1 s after our fetch falls inside jose's
    // cooldown: no refetch, refused.
    server.keys = [rsa.jwk, rsaNext.jwk];
    vi.setSystemTime(Date.now() + 1000);
    const early = await rejection(check(settings, await tokenFrom(rsaNext)));
    expect(early.message).toBe("token key not found in the key set (kid)");
    expect(server.hits).toBe(1);

    // Once the cooldown is over, the unknown kid triggers one refetch and the new key is accepted.
    vi.setSystemTime(Date.now() + JWKS_COOLDOWN_MS);
    await expect(check(settings, await tokenFrom(rsaNext))).resolves.toMatchObject({ subject: "user-of-rsa-2026" });
    expect(server.hits).toBe(2);

    // Made-up kids right after that cannot make us hammer the provider.
    for (let i = 0; i < 3; i++) {
      const forged = await rejection(check(settings, await tokenFrom(rsaNext, {}, `made-up-${i}`)));
      expect(forged.message).toBe("token key not found in the key set (kid)");
    }
    expect(server.hits).toBe(2);

    // The old key is retired; tokens signed with it stop working once the cached set ages out.
    server.keys = [rsaNext.jwk];
    await expect(check(settings, await tokenFrom(rsa))).resolves.toMatchObject({ via: "jwt" });
    vi.setSystemTime(Date.now() + JWKS_CACHE_MAX_AGE_MS);
    const retired = await rejection(check(settings, await tokenFrom(rsa)));
    expect(retired.message).toBe("token key not found in the key set (kid)");
    expect(server.hits).toBe(3);
  });

  it("a token naming a known kid but signed by another key fails its signature", async () => {
    const server = await startJwksServer([rsa.jwk]);
    const error = await rejection(check(jwksSettings(server.url), await tokenFrom(rsaNext, {}, rsa.kid)));
    expect(error.code).toBe("Unauthorized");
    expect(error.message).toBe("token signature does not match");
    expect(error.bearer).toBe("invalid_token");
  });

  it("claims are checked as with a secret", async () => {
    const server = await startJwksServer([ec.jwk]);
    const settings = jwksSettings(server.url);
    const now = Math.floor(Date.now() / 1000);
    expect((await rejection(check(settings, await tokenFrom(ec, { exp: now - 60 })))).message).toBe("token expired");
    expect((await rejection(check(settings, await tokenFrom(ec, { aud: "x" })))).message).toBe(
      "token audience mismatch",
    );
    const limited = await check(settings, await tokenFrom(ec, { cos_prefixes: ["reports/"] }));
    expect(limited.prefixes).toEqual(["reports/"]);
  });

  it("a failing key set is a 503, not the caller's fault, and is fetched again once the retry interval is over", async () => {
    const server = await startJwksServer([rsa.jwk]);
    server.status = 500;
    const settings = jwksSettings(server.url);
    const token = await tokenFrom(rsa);
    const t0 = Date.now();
    const error = await rejection(check(settings, token, t0));
    expect(error.code).toBe("CredentialServiceUnavailable");
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.message).not.toContain(token);
    expect(server.hits).toBe(1);

    // The provider is back, but this instance does not ask before the default 5 s are over.
    server.status = 200;
    const waiting = await rejection(check(settings, token, t0 + 4_999));
    expect(waiting.retryAfterSeconds).toBe(1);
    expect(server.hits).toBe(1);
    await expect(check(settings, token, t0 + 5_000)).resolves.toMatchObject({ via: "jwt" });
    expect(server.hits).toBe(2);
  });

  it("an outage costs one fetch per JWT_JWKS_RETRY_SECONDS, not one per request, with Retry-After counting down", async () => {
    const server = await startJwksServer([rsa.jwk]);
    server.status = 503;
    const settings = jwksSettings(server.url, { JWT_JWKS_RETRY_SECONDS: "10" });
    const token = await tokenFrom(rsa);
    const t0 = Date.now();
    const retryAfter: number[] = [];
    // A request every 2.5 s for 30 s: three intervals of 10 s.
    for (let elapsed = 0; elapsed < 30_000; elapsed += 2_500) {
      const error = await rejection(check(settings, token, t0 + elapsed));
      expect(error.code).toBe("CredentialServiceUnavailable");
      expect(error.detail).toEqual({ jwks: "ERR_JOSE_GENERIC" });
      retryAfter.push(error.retryAfterSeconds ?? 0);
    }
    expect(server.hits).toBe(3);
    expect(retryAfter).toEqual([10, 8, 5, 3, 10, 8, 5, 3, 10, 8, 5, 3]);
    // Tokens that fail before any key is needed still get their own 401, outage or not.
    const malformed = await rejection(check(settings, "not.a.token", t0 + 30_001));
    expect(malformed.code).toBe("Unauthorized");
  });

  it("a key set that does not answer is a 503 after JWT_JWKS_TIMEOUT_MS, not jose's default 5 s", async () => {
    const server = await startJwksServer([rsa.jwk]);
    server.mode = "hang";
    const started = performance.now();
    const settings = jwksSettings(server.url, { JWT_JWKS_TIMEOUT_MS: "100" });
    const error = await rejection(check(settings, await tokenFrom(rsa)));
    expect(error.code).toBe("CredentialServiceUnavailable");
    expect(error.detail).toEqual({ jwks: "ERR_JWKS_TIMEOUT" });
    // A budget guard, generous on top of 100 ms; jose's 5 s default, or our 2 s one, would fail it.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("a key set that is not JSON is a 503", async () => {
    const server = await startJwksServer([rsa.jwk]);
    server.mode = "html";
    const error = await rejection(check(jwksSettings(server.url), await tokenFrom(rsa)));
    expect(error.code).toBe("CredentialServiceUnavailable");
    expect(error.status).toBe(503);
    expect(server.hits).toBe(1);
  });

  it("a closed port is a 503 too", async () => {
    const server = await startJwksServer([]);
    const url = server.url;
    await new Promise<void>((resolve) => servers.splice(0)[0]?.close(() => resolve()));
    const error = await rejection(check(jwksSettings(url), await tokenFrom(rsa)));
    expect(error.code).toBe("CredentialServiceUnavailable");
    expect(error.detail).toEqual({ jwks: "ECONNREFUSED" });
  });
});
