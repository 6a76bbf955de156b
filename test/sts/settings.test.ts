import { describe, expect, it } from "vitest";
import { federationName, parseStsSettings, roleSessionName } from "../../src/sts/settings";

const ROLE = "qcs::cam::uin/100000000001:roleName/cos-presign-read";
const SECRET_ID = "AKIDsecretIdValue0123456789abcdef";
const SECRET_KEY = "secretKeyValue0123456789abcdefXYZ";
const defaults = { region: "ap-guangzhou", functionName: "cos-presign-prod" };

/** `given` is what the deployment sets, COS_REGION and SCF_FUNCTIONNAME; when given, it wins over `env`'s. */
function parse(env: Record<string, string | undefined>, given: { region?: string; functionName?: string } = defaults) {
  return parseStsSettings({
    ...env,
    COS_REGION: given.region ?? env.COS_REGION,
    SCF_FUNCTIONNAME: given.functionName ?? env.SCF_FUNCTIONNAME,
  });
}

describe("parseStsSettings: mode", () => {
  it("chooses AssumeRole with the execution role's keys when only STS_ROLE_ARN is set", () => {
    const { settings, problems } = parse({ STS_ROLE_ARN: ROLE });
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ mode: "AssumeRole", roleArn: ROLE, sessionName: "cos-presign-prod" });
    expect(settings?.permanentKey).toBeUndefined();
  });

  it("chooses AssumeRole with permanent keys when STS_ROLE_ARN and the keys are set", () => {
    const { settings } = parse({ STS_ROLE_ARN: ROLE, STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY });
    expect(settings?.mode).toBe("AssumeRole");
    expect(settings?.permanentKey).toEqual({ secretId: SECRET_ID, secretKey: SECRET_KEY });
  });

  it("chooses GetFederationToken when only the keys are set", () => {
    const { settings, problems } = parse({ STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY });
    expect(problems).toEqual([]);
    expect(settings?.mode).toBe("GetFederationToken");
    expect(settings).not.toHaveProperty("roleArn");
    expect(settings?.permanentKey).toEqual({ secretId: SECRET_ID, secretKey: SECRET_KEY });
  });

  it("reports a problem naming every variable when neither is configured", () => {
    for (const env of [{}, { STS_ROLE_ARN: "", STS_SECRET_ID: "", STS_SECRET_KEY: "" }, { STS_ROLE_ARN: "  " }]) {
      const { settings, problems } = parse(env);
      expect(settings).toBeUndefined();
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("STS_ROLE_ARN");
      expect(problems[0]).toContain("STS_SECRET_ID");
      expect(problems[0]).toContain("STS_SECRET_KEY");
    }
  });

  it("reports half a key pair, naming the missing half", () => {
    expect(parse({ STS_SECRET_ID: SECRET_ID }).problems.join()).toContain("STS_SECRET_KEY is not");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_SECRET_KEY: SECRET_KEY }).problems.join()).toContain("STS_SECRET_ID is not");
  });

  it("rejects a role ARN that is not one", () => {
    const { problems } = parse({ STS_ROLE_ARN: "arn:aws:iam::123:role/x" });
    expect(problems.join()).toContain("STS_ROLE_ARN");
  });

  it("freezes the settings", () => {
    const { settings } = parse({ STS_ROLE_ARN: ROLE });
    expect(Object.isFrozen(settings)).toBe(true);
  });
});

describe("parseStsSettings: defaults and limits", () => {
  it("uses documented defaults", () => {
    const { settings } = parse({ STS_ROLE_ARN: ROLE });
    expect(settings).toMatchObject({
      endpoint: "sts.tencentcloudapi.com",
      protocol: "https://",
      region: "ap-guangzhou",
      durationSeconds: 7200,
      requestTimeoutMs: 2000,
      deadlineMs: 5000,
      maxAttempts: 3,
      cacheEntries: 1000,
    });
  });

  it("takes STS_REGION over the given default, and COS_REGION as a last resort", () => {
    expect(parse({ STS_ROLE_ARN: ROLE, STS_REGION: "ap-shanghai" }).settings?.region).toBe("ap-shanghai");
    expect(parse({ STS_ROLE_ARN: ROLE, COS_REGION: "ap-beijing" }, {}).settings?.region).toBe("ap-beijing");
    expect(parse({ STS_ROLE_ARN: ROLE }, {}).problems.join()).toContain("STS_REGION");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_REGION: "Guangzhou!" }).problems.join()).toContain("STS_REGION");
  });

  it("accepts durations inside each API's limits", () => {
    expect(parse({ STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "43200" }).settings?.durationSeconds).toBe(43200);
    expect(parse({ STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "900" }).settings?.durationSeconds).toBe(900);
    const gft = { STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY };
    expect(parse({ ...gft, STS_DURATION_SECONDS: "7200" }).settings?.durationSeconds).toBe(7200);
  });

  it("rejects bad durations, naming the variable", () => {
    const gft = { STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY };
    for (const env of [
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "abc" },
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "1800.5" },
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "-1800" },
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "0" },
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "899" },
      { STS_ROLE_ARN: ROLE, STS_DURATION_SECONDS: "43201" },
      { ...gft, STS_DURATION_SECONDS: "7201" },
    ]) {
      const { settings, problems } = parse(env);
      expect(settings).toBeUndefined();
      expect(problems.join()).toContain("STS_DURATION_SECONDS");
    }
  });

  it("rejects bad timeouts, deadlines and attempt counts", () => {
    expect(parse({ STS_ROLE_ARN: ROLE, STS_TIMEOUT_MS: "fast" }).problems.join()).toContain("STS_TIMEOUT_MS");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_TIMEOUT_MS: "10" }).problems.join()).toContain("STS_TIMEOUT_MS");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_MAX_ATTEMPTS: "0" }).problems.join()).toContain("STS_MAX_ATTEMPTS");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_MAX_ATTEMPTS: "9" }).problems.join()).toContain("STS_MAX_ATTEMPTS");
    expect(parse({ STS_ROLE_ARN: ROLE, STS_TIMEOUT_MS: "3000", STS_DEADLINE_MS: "1000" }).problems.join()).toContain(
      "STS_DEADLINE_MS must be at least STS_TIMEOUT_MS",
    );
    const ok = parse({ STS_ROLE_ARN: ROLE, STS_TIMEOUT_MS: "200", STS_DEADLINE_MS: "1500", STS_MAX_ATTEMPTS: "4" });
    expect(ok.settings).toMatchObject({ requestTimeoutMs: 200, deadlineMs: 1500, maxAttempts: 4 });
  });

  it("takes STS_CACHE_ENTRIES from 1 to 100 000", () => {
    expect(parse({ STS_ROLE_ARN: ROLE, STS_CACHE_ENTRIES: "10000" }).settings?.cacheEntries).toBe(10_000);
    expect(parse({ STS_ROLE_ARN: ROLE, STS_CACHE_ENTRIES: "1" }).settings?.cacheEntries).toBe(1);
    for (const value of ["0", "100001", "1e4", "many"]) {
      const { settings, problems } = parse({ STS_ROLE_ARN: ROLE, STS_CACHE_ENTRIES: value });
      expect(settings).toBeUndefined();
      expect(problems).toEqual(["STS_CACHE_ENTRIES must be a whole number of credentials from 1 to 100000"]);
    }
  });

  it("reports every problem at once", () => {
    const { problems } = parse({ STS_DURATION_SECONDS: "x", STS_TIMEOUT_MS: "y", STS_ENDPOINT: "ftp://x" }, {});
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
});

describe("parseStsSettings: endpoint", () => {
  const cases: Array<[string, string, "https://" | "http://"]> = [
    ["sts.internal.tencentcloudapi.com", "sts.internal.tencentcloudapi.com", "https://"],
    ["https://sts.intl.tencentcloudapi.com", "sts.intl.tencentcloudapi.com", "https://"],
    ["https://sts.tencentcloudapi.com/", "sts.tencentcloudapi.com", "https://"],
    ["sts.example.com:8443", "sts.example.com:8443", "https://"],
    ["http://127.0.0.1:9000", "127.0.0.1:9000", "http://"],
    ["http://127.1.2.3:9000", "127.1.2.3:9000", "http://"],
    ["http://localhost:9000", "localhost:9000", "http://"],
    ["http://[::1]:9000", "[::1]:9000", "http://"],
  ];
  for (const [raw, endpoint, protocol] of cases) {
    it(`accepts ${raw}`, () => {
      const { settings, problems } = parse({ STS_ROLE_ARN: ROLE, STS_ENDPOINT: raw });
      expect(problems).toEqual([]);
      expect(settings).toMatchObject({ endpoint, protocol });
    });
  }

  it("rejects plain http to anything but loopback, other schemes, paths, credentials and junk", () => {
    for (const raw of [
      "http://sts.tencentcloudapi.com",
      "http://10.0.0.1:9000",
      "http://127.0.0.1.evil.example:9000",
      "ftp://sts.tencentcloudapi.com",
      "https://user:pw@sts.tencentcloudapi.com",
      "https://sts.tencentcloudapi.com/v2",
      "https://sts.tencentcloudapi.com/?a=b",
      "sts tencentcloudapi com",
      "https://",
      "sts_underscore.example.com",
    ]) {
      const { settings, problems } = parse({ STS_ROLE_ARN: ROLE, STS_ENDPOINT: raw });
      expect(settings, raw).toBeUndefined();
      expect(problems.join(), raw).toContain("STS_ENDPOINT");
    }
  });
});

describe("parseStsSettings: names sent to STS", () => {
  it("takes the function name from SCF_FUNCTIONNAME, else cos-presign", () => {
    expect(parse({ STS_ROLE_ARN: ROLE, SCF_FUNCTIONNAME: "from-env" }).settings?.sessionName).toBe("cos-presign-prod");
    const fromEnv = parse({ STS_ROLE_ARN: ROLE, SCF_FUNCTIONNAME: "from-env" }, { region: "ap-guangzhou" });
    expect(fromEnv.settings?.sessionName).toBe("from-env");
    expect(parse({ STS_ROLE_ARN: ROLE }, { region: "ap-guangzhou" }).settings?.sessionName).toBe("cos-presign");
  });

  it("makes any name a valid RoleSessionName", () => {
    for (const name of ["my func/测试", "a", "", "x".repeat(300), "ok_name.v2@team=a,b+c", "🙂🙂", "--"]) {
      const session = roleSessionName(name);
      expect(session, name).toMatch(/^[\w+=,.@-]{2,128}$/);
    }
    expect(roleSessionName("ok_name.v2@team=a,b+c")).toBe("ok_name.v2@team=a,b+c");
    expect(roleSessionName("a")).toBe("cos-presign");
  });

  it("makes any name a Name GetFederationToken accepts (letters and hyphens, at most 32)", () => {
    for (const name of [
      "my func/测试",
      "a",
      "",
      "x".repeat(300),
      "cos_presign_v2",
      "--a--",
      "9999",
      "a-b-c-".repeat(9),
    ]) {
      expect(federationName(name), name).toMatch(/^[A-Za-z](?:[A-Za-z-]{0,30}[A-Za-z])$/);
    }
    expect(federationName("cos_presign_v2")).toBe("cos-presign-v");
    expect(federationName("9999")).toBe("cos-presign");
    const gft = parse(
      { STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY },
      { region: "ap-guangzhou", functionName: "fn_1" },
    );
    expect(gft.settings?.sessionName).toBe("fn");
  });
});

describe("parseStsSettings: secrets", () => {
  it("never repeats a secret in a problem", () => {
    const secrets = [SECRET_ID, SECRET_KEY, "tokenValue0123456789"];
    const envs: Array<Record<string, string>> = [
      { STS_SECRET_ID: SECRET_ID },
      { STS_SECRET_KEY: SECRET_KEY },
      { STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY, STS_DURATION_SECONDS: SECRET_KEY },
      { STS_ROLE_ARN: SECRET_KEY, STS_SECRET_ID: SECRET_ID, STS_SECRET_KEY: SECRET_KEY },
      { STS_ROLE_ARN: ROLE, STS_ENDPOINT: `https://${SECRET_ID}:${SECRET_KEY}@sts.tencentcloudapi.com` },
      { STS_ROLE_ARN: ROLE, STS_ENDPOINT: `http://${SECRET_KEY}.example.com`, STS_REGION: SECRET_KEY },
      { STS_ROLE_ARN: ROLE, STS_TIMEOUT_MS: SECRET_KEY, STS_DEADLINE_MS: SECRET_ID, STS_MAX_ATTEMPTS: SECRET_KEY },
      {
        TENCENTCLOUD_SECRETID: SECRET_ID,
        TENCENTCLOUD_SECRETKEY: SECRET_KEY,
        TENCENTCLOUD_SESSIONTOKEN: secrets[2] ?? "",
      },
    ];
    for (const env of envs) {
      const { problems } = parse(env, {});
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) {
        for (const secret of secrets) expect(problem).not.toContain(secret);
      }
    }
  });
});
