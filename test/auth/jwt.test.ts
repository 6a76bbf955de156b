import { createHmac } from "node:crypto";
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { authorize } from "../../src/auth";
import { AUDIENCE, bearer, httpRequest, ISSUER, JWT_SECRET, NOW, NOW_S, rejection, settingsFrom } from "./support";

const settings = settingsFrom({ AUTH_MODE: "jwt", JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
const KEY = "reports/q3.pdf";
const secretKey = new TextEncoder().encode(JWT_SECRET);

/** A token signed with the test secret; a claim set to `undefined` is left out. */
function hs256(claims: Record<string, unknown> = {}, secret: Uint8Array = secretKey): Promise<string> {
  const all = { sub: "user-42", iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 300, ...claims };
  // Deliberately unchecked: tests hand jose wrong-typed claims to see them refused.
  const payload = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as JWTPayload;
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(secret);
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** A compact JWT signed with HS256 by hand, for headers jose's SignJWT would refuse to write. */
function handSigned(header: object, payload: object, secret: string | Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

async function tokenFailure(token: string, now = NOW, s = settings): Promise<string> {
  const error = await rejection(authorize(s, httpRequest(KEY, {}, bearer(token)), now));
  expect(error.code).toBe("Unauthorized");
  expect(error.bearer).toBe("invalid_token");
  expect(error.message).not.toContain(token);
  expect(error.message).not.toContain(JWT_SECRET);
  return error.message;
}

describe("authorize: JWT with a shared secret (HS256)", () => {
  it("a valid token passes and names its subject", async () => {
    await expect(authorize(settings, httpRequest(KEY, {}, bearer(await hs256())), NOW)).resolves.toEqual({
      via: "jwt",
      subject: "user-42",
    });
  });

  it("the scheme is case-insensitive and surrounding spaces are allowed", async () => {
    const token = await hs256();
    const grant = await authorize(settings, httpRequest(KEY, {}, { authorization: `  bearer   ${token} ` }), NOW);
    expect(grant.via).toBe("jwt");
  });

  it("expired", async () => {
    expect(await tokenFailure(await hs256({ exp: NOW_S - 31 }))).toBe("token expired");
  });

  it("not yet valid (nbf)", async () => {
    expect(await tokenFailure(await hs256({ nbf: NOW_S + 31 }))).toBe("token not yet valid");
  });

  it("honours the clock tolerance (30 s by default) on exp and nbf", async () => {
    for (const claims of [{ exp: NOW_S - 29 }, { nbf: NOW_S + 29 }]) {
      const grant = await authorize(settings, httpRequest(KEY, {}, bearer(await hs256(claims))), NOW);
      expect(grant.via, JSON.stringify(claims)).toBe("jwt");
    }
    const strict = settingsFrom({
      AUTH_MODE: "jwt",
      JWT_SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_CLOCK_TOLERANCE_SECONDS: "0",
    });
    expect(await tokenFailure(await hs256({ exp: NOW_S - 1 }), NOW, strict)).toBe("token expired");
    expect(await tokenFailure(await hs256({ nbf: NOW_S + 1 }), NOW, strict)).toBe("token not yet valid");
  });

  it("a token without exp is refused", async () => {
    expect(await tokenFailure(await hs256({ exp: undefined }))).toBe("token has no exp claim");
  });

  it("wrong or missing issuer", async () => {
    expect(await tokenFailure(await hs256({ iss: "https://evil.example/" }))).toBe("token issuer mismatch");
    expect(await tokenFailure(await hs256({ iss: undefined }))).toBe("token has no iss claim");
  });

  it("wrong or missing audience; an audience list containing ours passes", async () => {
    expect(await tokenFailure(await hs256({ aud: "other-api" }))).toBe("token audience mismatch");
    expect(await tokenFailure(await hs256({ aud: undefined }))).toBe("token has no aud claim");
    const grant = await authorize(settings, httpRequest(KEY, {}, bearer(await hs256({ aud: ["x", AUDIENCE] }))), NOW);
    expect(grant.via).toBe("jwt");
  });

  it("signed with another secret", async () => {
    const other = new TextEncoder().encode("another-secret-0123456789abcdef-xyz");
    expect(await tokenFailure(await hs256({}, other))).toBe("token signature does not match");
  });

  it("tampered payload", async () => {
    const [header, , signature] = (await hs256()).split(".");
    const payload = b64url(JSON.stringify({ sub: "admin", iss: ISSUER, aud: AUDIENCE, exp: NOW_S + 300 }));
    expect(await tokenFailure(`${header}.${payload}.${signature}`)).toBe("token signature does not match");
  });

  it('alg "none" is refused (hand-crafted, empty signature)', async () => {
    const claims = { sub: "user-42", iss: ISSUER, aud: AUDIENCE, exp: NOW_S + 300 };
    const unsigned = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(JSON.stringify(claims))}.`;
    expect(await tokenFailure(unsigned)).toBe("token algorithm not allowed");
    const noneWithSig = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(claims))}.${b64url("x")}`;
    expect(await tokenFailure(noneWithSig)).toBe("token algorithm not allowed");
  });

  it("any algorithm but HS256 is refused, even with the right secret", async () => {
    const claims = { iss: ISSUER, aud: AUDIENCE, exp: NOW_S + 300 };
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(secretKey);
    expect(await tokenFailure(hs512)).toBe("token algorithm not allowed");
  });

  it("a correctly signed token over 8 KiB is refused unread; one under it is checked as usual", async () => {
    const over = await hs256({ pad: "x".repeat(6000) });
    expect(over.length).toBeGreaterThan(8192);
    expect(await tokenFailure(over)).toBe("token malformed (too long)");
    const within = await hs256({ pad: "x".repeat(5900) });
    expect(within.length).toBeLessThanOrEqual(8192);
    await expect(authorize(settings, httpRequest(KEY, {}, bearer(within)), NOW)).resolves.toMatchObject({ via: "jwt" });
  });

  it("malformed tokens", async () => {
    for (const token of [
      "abc",
      "a.b",
      "a.b.c",
      "..",
      "e30.e30.",
      `${b64url("[]")}.${b64url("{}")}.x`,
      "x".repeat(9000),
    ]) {
      expect(await tokenFailure(token), token.slice(0, 20)).toMatch(/^token malformed/);
    }
    // Correctly signed, but the payload is not a JSON object.
    const input = `${b64url('{"alg":"HS256"}')}.${b64url("nope")}`;
    const notJson = `${input}.${createHmac("sha256", JWT_SECRET).update(input).digest("base64url")}`;
    expect(await tokenFailure(notJson)).toBe("token malformed");
  });

  it("no Authorization header, or not a Bearer one", async () => {
    const none = await rejection(authorize(settings, httpRequest(KEY), NOW));
    expect(none.code).toBe("Unauthorized");
    expect(none.message).toBe("no credentials: send Authorization: Bearer <token>");
    expect(none.bearer).toBe("challenge");

    const basic = await rejection(
      authorize(settings, httpRequest(KEY, {}, { authorization: "Basic dXNlcjpwYXNz" }), NOW),
    );
    expect(basic.message).toBe("Authorization header is not a Bearer token");
    expect(basic.bearer).toBe("challenge");

    const empty = await rejection(authorize(settings, httpRequest(KEY, {}, { authorization: "Bearer " }), NOW));
    expect(empty.message).toBe("Authorization: Bearer carries no token");
  });
});

describe("cos_prefixes claim", () => {
  it("is returned in the grant and limits the keys", async () => {
    const token = await hs256({ cos_prefixes: ["reports/", "public/"] });
    const grant = await authorize(settings, httpRequest(KEY, {}, bearer(token)), NOW);
    expect(grant).toEqual({ via: "jwt", subject: "user-42", prefixes: ["reports/", "public/"] });

    const denied = await rejection(authorize(settings, httpRequest("private/salaries.xlsx", {}, bearer(token)), NOW));
    expect(denied.code).toBe("AccessDenied");
    expect(denied.status).toBe(403);
    expect(denied.message).toBe("the token's cos_prefixes do not cover this key");
    expect(denied.bearer).toBe("insufficient_scope");
  });

  it("* covers everything; an empty list covers nothing; no claim means no extra limit", async () => {
    const all = await authorize(
      settings,
      httpRequest("any/key", {}, bearer(await hs256({ cos_prefixes: ["*"] }))),
      NOW,
    );
    expect(all.prefixes).toEqual(["*"]);
    const nothing = await rejection(
      authorize(settings, httpRequest(KEY, {}, bearer(await hs256({ cos_prefixes: [] }))), NOW),
    );
    expect(nothing.code).toBe("AccessDenied");
    expect(nothing.detail).toEqual({ cosPrefixes: "empty list" });
    const unlimited = await authorize(settings, httpRequest(KEY, {}, bearer(await hs256())), NOW);
    expect(unlimited).not.toHaveProperty("prefixes");
  });

  it("an empty entry grants nothing: all empty is a 403 that says so, and one usable entry still counts", async () => {
    for (const cos_prefixes of [[""], ["", ""]]) {
      const denied = await rejection(
        authorize(settings, httpRequest(KEY, {}, bearer(await hs256({ cos_prefixes }))), NOW),
      );
      expect(denied.code).toBe("AccessDenied");
      expect(denied.message).toBe("the token's cos_prefixes grant no key: the claim has no non-empty entry");
      expect(denied.detail).toEqual({ cosPrefixes: "every entry is empty" });
    }
    const mixed = await hs256({ cos_prefixes: ["", "reports/"] });
    await expect(authorize(settings, httpRequest(KEY, {}, bearer(mixed)), NOW)).resolves.toMatchObject({ via: "jwt" });
    const outside = await rejection(authorize(settings, httpRequest("private/x", {}, bearer(mixed)), NOW));
    expect(outside.detail).toEqual({ cosPrefixes: "no entry covers the key" });
  });

  it("must be an array of strings", async () => {
    for (const cos_prefixes of ["reports/", [1], [null], { a: "b" }]) {
      expect(await tokenFailure(await hs256({ cos_prefixes }))).toBe(
        "token claim cos_prefixes must be an array of strings",
      );
    }
  });
});

describe("algorithm confusion against a JWKS configuration", () => {
  it("an HS256 token signed with the JWKS public key material is refused before any key is fetched", async () => {
    const { publicKey } = await generateKeyPair("RS256");
    const pem = await exportSPKI(publicKey);
    const jwk = await exportJWK(publicKey);
    // Port 9 (discard) on loopback: if verification ever tried to fetch keys, it would fail as 503, not 401.
    const jwks = settingsFrom({
      AUTH_MODE: "jwt",
      JWT_JWKS_URL: "http://127.0.0.1:9/jwks.json",
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    });
    const claims = { sub: "attacker", iss: ISSUER, aud: AUDIENCE, exp: NOW_S + 300 };
    for (const secret of [pem, JSON.stringify(jwk), jwk.n ?? ""]) {
      const token = handSigned({ alg: "HS256", typ: "JWT", kid: "k1" }, claims, secret);
      expect(await tokenFailure(token, NOW, jwks)).toBe("token algorithm not allowed");
    }
  });
});
