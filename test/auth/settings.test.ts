import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAuthSettings } from "../../src/auth";
import { AUDIENCE, ISSUER, JWT_SECRET, LINK_SECRET, PREVIOUS_LINK_SECRET } from "./support";

function problemsOf(env: Record<string, string | undefined>): string[] {
  const { settings, problems } = parseAuthSettings(env);
  if (problems.length > 0) {
    expect(settings).toBeUndefined();
  }
  return problems;
}

const JWT_ENV = { JWT_SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };

describe("parseAuthSettings: AUTH_MODE", () => {
  it("unset or empty AUTH_MODE is a problem, never a silent `none`", () => {
    for (const value of [undefined, "", "  ", ",", " , "]) {
      const problems = problemsOf({ AUTH_MODE: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/AUTH_MODE/);
    }
  });

  it("none must be explicit and needs nothing else", () => {
    expect(parseAuthSettings({ AUTH_MODE: "none" })).toEqual({ settings: { mode: "none" }, problems: [] });
  });

  it("none with other modes lets everyone in, and keeps nothing else (their settings are still checked)", () => {
    expect(parseAuthSettings({ AUTH_MODE: "jwt,none", ...JWT_ENV }).settings).toEqual({ mode: "none" });
    expect(problemsOf({ AUTH_MODE: "none,link" })).toEqual(["AUTH_MODE includes link but LINK_SECRET is not set"]);
  });

  it("an unknown mode is a problem naming it", () => {
    const problems = problemsOf({ AUTH_MODE: "link,oauth", LINK_SECRET });
    expect(problems).toEqual([expect.stringContaining('unknown mode "oauth"')]);
  });

  it("accepts spaces, any case, duplicates and a trailing comma", () => {
    const { settings } = parseAuthSettings({ AUTH_MODE: " Link , JWT,link,", LINK_SECRET, ...JWT_ENV });
    expect(settings?.mode).toBe("link,jwt");
    expect(parseAuthSettings({ AUTH_MODE: "jwt,link", LINK_SECRET, ...JWT_ENV }).settings?.mode).toBe("link,jwt");
  });

  it("returns frozen settings", () => {
    const { settings } = parseAuthSettings({ AUTH_MODE: "link,jwt", LINK_SECRET, ...JWT_ENV });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings?.link)).toBe(true);
    expect(Object.isFrozen(settings?.link?.secrets)).toBe(true);
    expect(Object.isFrozen(settings?.jwt)).toBe(true);
  });
});

describe("parseAuthSettings: link", () => {
  it("reads the current secret first, then the previous one", () => {
    const { settings } = parseAuthSettings({
      AUTH_MODE: "link",
      LINK_SECRET,
      LINK_SECRET_PREVIOUS: PREVIOUS_LINK_SECRET,
    });
    expect(settings).toEqual({ mode: "link", link: { secrets: [LINK_SECRET, PREVIOUS_LINK_SECRET] } });
  });

  it("a previous secret equal to the current one is checked once", () => {
    const { settings } = parseAuthSettings({ AUTH_MODE: "link", LINK_SECRET, LINK_SECRET_PREVIOUS: LINK_SECRET });
    expect(settings?.link?.secrets).toEqual([LINK_SECRET]);
  });

  it("link without LINK_SECRET is a problem, even with LINK_SECRET_PREVIOUS", () => {
    expect(problemsOf({ AUTH_MODE: "link" })).toEqual(["AUTH_MODE includes link but LINK_SECRET is not set"]);
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET: "" })).toHaveLength(1);
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET_PREVIOUS: PREVIOUS_LINK_SECRET })[0]).toMatch(
      /LINK_SECRET is not set/,
    );
  });

  it("secrets shorter than 32 bytes are problems", () => {
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET: "x".repeat(31) })).toEqual([
      expect.stringMatching(/^LINK_SECRET is shorter than 32 bytes/),
    ]);
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET: "x".repeat(32) })).toEqual([]);
    // Bytes, not characters: 16 two-byte characters are 32 bytes.
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET: "é".repeat(16) })).toEqual([]);
    expect(problemsOf({ AUTH_MODE: "link", LINK_SECRET, LINK_SECRET_PREVIOUS: "short" })).toEqual([
      expect.stringMatching(/^LINK_SECRET_PREVIOUS is shorter than 32 bytes/),
    ]);
  });

  it("link settings are ignored when link is not a mode", () => {
    expect(parseAuthSettings({ AUTH_MODE: "none", LINK_SECRET: "short" }).settings).toEqual({ mode: "none" });
  });
});

describe("parseAuthSettings: jwt", () => {
  it("HS256 with a secret, default clock tolerance 30 s", () => {
    expect(parseAuthSettings({ AUTH_MODE: "jwt", ...JWT_ENV }).settings).toEqual({
      mode: "jwt",
      jwt: { verifier: "secret", secret: JWT_SECRET, issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 30 },
    });
  });

  it("a JWKS URL instead of a secret, a 2 s fetch timeout and 5 s between failed fetches by default; the URL, issuer and audience are trimmed like every setting", () => {
    const { settings } = parseAuthSettings({
      AUTH_MODE: "jwt",
      JWT_JWKS_URL: " https://idp.example/.well-known/jwks.json ",
      JWT_ISSUER: `${ISSUER} `,
      JWT_AUDIENCE: ` ${AUDIENCE}`,
      JWT_CLOCK_TOLERANCE_SECONDS: "5",
    });
    expect(settings?.jwt).toEqual({
      verifier: "jwks",
      jwksUrl: "https://idp.example/.well-known/jwks.json",
      fetchTimeoutMs: 2000,
      retrySeconds: 5,
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 5,
    });
  });

  it("neither secret nor JWKS, or both, are problems", () => {
    expect(problemsOf({ AUTH_MODE: "jwt", JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE })).toEqual([
      expect.stringMatching(/neither JWT_SECRET .* nor JWT_JWKS_URL/),
    ]);
    expect(problemsOf({ AUTH_MODE: "jwt", ...JWT_ENV, JWT_JWKS_URL: "https://idp.example/jwks" })).toEqual([
      "set only one of JWT_SECRET and JWT_JWKS_URL, not both",
    ]);
  });

  it("issuer and audience are required", () => {
    expect(problemsOf({ AUTH_MODE: "jwt", JWT_SECRET })).toEqual([
      expect.stringMatching(/JWT_ISSUER is not set/),
      expect.stringMatching(/JWT_AUDIENCE is not set/),
    ]);
  });

  it("a short JWT_SECRET is a problem", () => {
    expect(problemsOf({ AUTH_MODE: "jwt", ...JWT_ENV, JWT_SECRET: "too-short" })).toEqual([
      expect.stringMatching(/^JWT_SECRET is shorter than 32 bytes/),
    ]);
  });

  it("the JWKS URL must be https, or http on a loopback host", () => {
    const env = { AUTH_MODE: "jwt", JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
    for (const url of [
      "http://127.0.0.1:8080/jwks",
      "http://127.3.4.5/jwks",
      "http://localhost/jwks",
      "http://[::1]/j",
    ]) {
      expect(problemsOf({ ...env, JWT_JWKS_URL: url }), url).toEqual([]);
    }
    expect(problemsOf({ ...env, JWT_JWKS_URL: "http://idp.example/jwks" })).toEqual([
      expect.stringMatching(/must use https/),
    ]);
    expect(problemsOf({ ...env, JWT_JWKS_URL: "http://127.0.0.1.evil.example/jwks" })).toHaveLength(1);
    expect(problemsOf({ ...env, JWT_JWKS_URL: "ftp://idp.example/jwks" })).toHaveLength(1);
    expect(problemsOf({ ...env, JWT_JWKS_URL: "/jwks.json" })).toEqual(["JWT_JWKS_URL is not an absolute URL"]);
  });

  it("the clock tolerance is a whole number of seconds from 0 to 300", () => {
    const env = { AUTH_MODE: "jwt", ...JWT_ENV };
    expect(parseAuthSettings({ ...env, JWT_CLOCK_TOLERANCE_SECONDS: "0" }).settings?.jwt?.clockToleranceSeconds).toBe(
      0,
    );
    for (const bad of ["-1", "1.5", "301", "abc", "30s"]) {
      expect(problemsOf({ ...env, JWT_CLOCK_TOLERANCE_SECONDS: bad }), bad).toEqual([
        expect.stringMatching(/^JWT_CLOCK_TOLERANCE_SECONDS/),
      ]);
    }
  });

  it("the JWKS fetch timeout (50-30000 ms) and retry interval (1-300 s) are settings", () => {
    const env = {
      AUTH_MODE: "jwt",
      JWT_JWKS_URL: "https://idp.example/jwks",
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    };
    const jwt = parseAuthSettings({ ...env, JWT_JWKS_TIMEOUT_MS: "50", JWT_JWKS_RETRY_SECONDS: "300" }).settings?.jwt;
    expect(jwt).toMatchObject({ fetchTimeoutMs: 50, retrySeconds: 300 });
    expect(problemsOf({ ...env, JWT_JWKS_TIMEOUT_MS: "30001", JWT_JWKS_RETRY_SECONDS: "0" })).toEqual([
      expect.stringMatching(/^JWT_JWKS_TIMEOUT_MS must be a whole number of milliseconds from 50 to 30000/),
      expect.stringMatching(/^JWT_JWKS_RETRY_SECONDS must be a whole number of seconds from 1 to 300/),
    ]);
  });

  it("reports every problem at once", () => {
    const problems = problemsOf({ AUTH_MODE: "link,jwt,basic", LINK_SECRET: "short", JWT_JWKS_URL: "http://x/" });
    expect(problems).toHaveLength(5);
  });
});

describe("parseAuthSettings never puts a secret value in a problem", () => {
  it("whatever the secrets and modes", () => {
    const secret = fc.string({ minLength: 0, maxLength: 40 }).map((tail) => `S3CR3T~${tail}`);
    fc.assert(
      fc.property(
        fc.subarray(["none", "link", "jwt", "bogus"]),
        fc.record(
          {
            LINK_SECRET: secret,
            LINK_SECRET_PREVIOUS: secret,
            JWT_SECRET: secret,
            JWT_JWKS_URL: fc.constantFrom("https://idp.example/jwks", "http://idp.example/jwks", "nonsense"),
            JWT_ISSUER: fc.constant(ISSUER),
          },
          { requiredKeys: [] },
        ),
        (modes, env) => {
          const { problems } = parseAuthSettings({ AUTH_MODE: modes.join(","), ...env });
          for (const value of [env.LINK_SECRET, env.LINK_SECRET_PREVIOUS, env.JWT_SECRET]) {
            if (value !== undefined) {
              for (const problem of problems) {
                expect(problem).not.toContain(value);
                expect(problem).not.toContain("S3CR3T");
              }
            }
          }
        },
      ),
    );
  });
});
