import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

const GOOD = {
  COS_BUCKET: "examplebucket-1250000000",
  COS_REGION: "ap-guangzhou",
  STS_SECRET_ID: "AKIDexample",
  STS_SECRET_KEY: "config-test-secret-key-value",
  STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/reader",
  ALLOWED_PREFIXES: " public/ , reports/ ",
  AUTH_MODE: "none",
};

describe("loadConfig", () => {
  it("reads a good environment with defaults", () => {
    const result = loadConfig(GOOD);
    if (!("config" in result)) throw new Error(result.problems.join("; "));
    expect(result.config).toMatchObject({
      bucket: "examplebucket-1250000000",
      region: "ap-guangzhou",
      endpoint: { kind: "default" },
      urlExpiresSeconds: 300,
      urlMaxExpiresSeconds: 3600,
      allowedPrefixes: ["public/", "reports/"],
      pathPrefix: "",
      corsAllowOrigins: [],
      checkExists: false,
    });
    expect(Object.isFrozen(result.config)).toBe(true);
  });

  it.each([
    ["true", true],
    [" TRUE ", true],
    ["false", false],
    ["", false],
  ])("COS_CHECK_EXISTS=%j is %s", (value, expected) => {
    const result = loadConfig({ ...GOOD, COS_CHECK_EXISTS: value });
    // A failed load must not pass as `false`.
    expect(result.problems).toEqual([]);
    expect("config" in result && result.config.checkExists).toBe(expected);
  });

  it.each([
    [{ COS_ACCELERATE: "true" }, { kind: "accelerate" }],
    [{ COS_DOMAIN: "download.example.com" }, { kind: "custom", host: "download.example.com", protocol: "https:" }],
    [
      { COS_DOMAIN: "https://Download.Example.com/" },
      { kind: "custom", host: "download.example.com", protocol: "https:" },
    ],
    [{ COS_DOMAIN: "http://127.0.0.1:9100" }, { kind: "custom", host: "127.0.0.1:9100", protocol: "http:" }],
    // Read by the same rules as STS_ENDPOINT: the bracketed IPv6 loopback, and the host as a client sends it.
    [{ COS_DOMAIN: "http://[::1]:9100" }, { kind: "custom", host: "[::1]:9100", protocol: "http:" }],
    [{ COS_DOMAIN: "Download.Example.com:443" }, { kind: "custom", host: "download.example.com", protocol: "https:" }],
  ])("endpoint from %j", (env, endpoint) => {
    const result = loadConfig({ ...GOOD, ...env });
    expect("config" in result && result.config.endpoint).toEqual(endpoint);
  });

  it("refuses a bucket whose host label would read as an internationalised name (xn--), which URLs cannot carry", () => {
    const result = loadConfig({ ...GOOD, COS_BUCKET: "xn--0-1250000000" });
    expect("config" in result).toBe(false);
    expect(result.problems).toEqual(['COS_BUCKET "xn--0-1250000000" may not start with "xn--" (an IDNA prefix)']);
    expect(() => new URL("https://xn--0-1250000000.cos.ap-guangzhou.myqcloud.com/")).toThrow();
  });

  it("reports every problem at once, naming variables and never a secret", () => {
    const result = loadConfig({
      COS_BUCKET: "examplebucket",
      COS_REGION: "Guangzhou",
      COS_DOMAIN: "http://download.example.com",
      COS_ACCELERATE: "yes",
      COS_CHECK_EXISTS: "on",
      URL_EXPIRES_SECONDS: "7200",
      URL_MAX_EXPIRES_SECONDS: "abc",
      ALLOWED_PREFIXES: "/public/,a*b",
      PATH_PREFIX: "download",
      CORS_ALLOW_ORIGINS: "https://app.example.com/path",
      STS_SECRET_KEY: "config-test-secret-key-value",
      AUTH_MODE: "sometimes",
    });
    expect("config" in result).toBe(false);
    const text = result.problems.join("\n");
    for (const name of [
      "COS_BUCKET",
      "COS_REGION",
      "COS_DOMAIN",
      "COS_ACCELERATE",
      "COS_CHECK_EXISTS",
      "URL_MAX_EXPIRES_SECONDS",
      "ALLOWED_PREFIXES",
      "PATH_PREFIX",
      "CORS_ALLOW_ORIGINS",
      "STS_SECRET_ID",
      "AUTH_MODE",
    ]) {
      expect(text).toContain(name);
    }
    // Each name above could also appear in another variable's problem; these two are this input's own.
    expect(result.problems).toContain("URL_MAX_EXPIRES_SECONDS must be a whole number of seconds from 1 to 43200");
    expect(result.problems).toContain("URL_EXPIRES_SECONDS must not exceed URL_MAX_EXPIRES_SECONDS");
    expect(text).not.toContain("config-test-secret-key-value");
  });

  it.each([
    ["https://download.example.com/path", "must be only a host and optional port"],
    ["http://download.example.com", "may use http:// only for a loopback host"],
    ["ftp://download.example.com", "must use https://"],
    ["down_load.example.com", "has an invalid host name"],
  ])("COS_DOMAIN=%j is refused: %s", (value, problem) => {
    const result = loadConfig({ ...GOOD, COS_DOMAIN: value });
    expect(result.problems).toEqual([expect.stringContaining(`COS_DOMAIN ${problem}`)]);
  });

  it("reads every whole-number setting by the same rule: trimmed, and within its range", () => {
    const trimmed = loadConfig({ ...GOOD, URL_EXPIRES_SECONDS: " 300 ", STS_TIMEOUT_MS: " 300 " });
    expect("config" in trimmed && [trimmed.config.urlExpiresSeconds, trimmed.config.sts.requestTimeoutMs]).toEqual([
      300, 300,
    ]);
    // No URL outlives its temporary key, and none lives longer than AssumeRole's 43200 s.
    const tooLong = loadConfig({ ...GOOD, URL_EXPIRES_SECONDS: "43201", URL_MAX_EXPIRES_SECONDS: "43201" });
    expect(tooLong.problems.filter((problem) => problem.includes("from 1 to 43200"))).toHaveLength(2);
  });

  it("keeps URL_MAX_EXPIRES_SECONDS a margin inside the temporary key's lifetime, defaults included", () => {
    const defaults = loadConfig(GOOD);
    if (!("config" in defaults)) throw new Error(defaults.problems.join("; "));
    expect(defaults.config.urlMaxExpiresSeconds).toBeLessThanOrEqual(defaults.config.sts.durationSeconds - 60);
    expect(loadConfig({ ...GOOD, URL_MAX_EXPIRES_SECONDS: "7140" }).problems).toEqual([]);
    expect(loadConfig({ ...GOOD, URL_MAX_EXPIRES_SECONDS: "7141" }).problems).toEqual([
      "URL_MAX_EXPIRES_SECONDS must be at most STS_DURATION_SECONDS - 60: a URL dies with the temporary key it is " +
        "signed with; raise STS_DURATION_SECONDS or lower URL_MAX_EXPIRES_SECONDS",
    ]);
    const longer = { ...GOOD, URL_MAX_EXPIRES_SECONDS: "43140", STS_DURATION_SECONDS: "43200" };
    expect(loadConfig(longer).problems).toEqual([]);
  });

  it("reports a bad COS_REGION once, although STS falls back to it", () => {
    const result = loadConfig({ ...GOOD, COS_REGION: "Guangzhou" });
    expect(result.problems.filter((problem) => /REGION/.test(problem))).toEqual([
      'COS_REGION "Guangzhou" is not a COS region such as ap-guangzhou',
    ]);
  });

  it("requires the essentials", () => {
    const result = loadConfig({});
    const text = result.problems.join("\n");
    for (const name of ["COS_BUCKET", "COS_REGION", "ALLOWED_PREFIXES", "AUTH_MODE", "STS_ROLE_ARN"]) {
      expect(text).toContain(name);
    }
  });
});
