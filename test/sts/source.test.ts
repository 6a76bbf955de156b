/**
 * The credential source end to end: the real tencentcloud-sdk-nodejs-sts client over a real loopback socket to a
 * fake STS that verifies every signature.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeSts, FaultKind } from "../../dev/fake-sts";
import { type CosAction, encodePolicy, oneObjectPolicy } from "../../src/cos/policy";
import { PresignError } from "../../src/errors";
import { type CredentialRequest, createCredentialSource } from "../../src/sts/index";
import { parseStsSettings, type StsSettings } from "../../src/sts/settings";
import { startFakeSts } from "../support/dev-stack";

const ROLE = "qcs::cam::uin/100000000001:roleName/cos-presign-read";
const PERMANENT = { secretId: "AKIDpermanent0000000000000000000001", secretKey: "permanentSecretKey000000000000001" };
const EXEC_ROLE = {
  secretId: "AKIDexecrole00000000000000000000001",
  secretKey: "execRoleSecretKey0000000000000001",
  token: "execRoleSessionToken-1",
};
const EXEC_ROLE_ROTATED = {
  secretId: "AKIDexecrole00000000000000000000002",
  secretKey: "execRoleSecretKey0000000000000002",
  token: "execRoleSessionToken-2",
};
const BUCKET = "examplebucket-1250000000";
const REGION = "ap-guangzhou";
const TIMEOUT_MS = 200;
const DEADLINE_MS = 1500;

let fake: FakeSts;
let clockMs = Date.now();
const now = () => clockMs;

beforeAll(async () => {
  fake = await startFakeSts({ keys: [PERMANENT, EXEC_ROLE, EXEC_ROLE_ROTATED], now });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  clockMs = Date.now();
});

function settingsFor(env: Record<string, string>, functionName = "cos-presign-test"): StsSettings {
  const { settings, problems } = parseStsSettings({
    COS_REGION: REGION,
    SCF_FUNCTIONNAME: functionName,
    STS_ENDPOINT: fake.url,
    STS_TIMEOUT_MS: String(TIMEOUT_MS),
    STS_DEADLINE_MS: String(DEADLINE_MS),
    // What the fake STS mints, so the tests below read the cache's arithmetic against one lifetime.
    STS_DURATION_SECONDS: "1800",
    ...env,
  });
  if (settings === undefined) throw new Error(problems.join("; "));
  return settings;
}

const assumeRoleWithKeys = () =>
  settingsFor({ STS_ROLE_ARN: ROLE, STS_SECRET_ID: PERMANENT.secretId, STS_SECRET_KEY: PERMANENT.secretKey });
const federation = () => settingsFor({ STS_SECRET_ID: PERMANENT.secretId, STS_SECRET_KEY: PERMANENT.secretKey });

function request(key: string, overrides: Partial<CredentialRequest> = {}): CredentialRequest {
  return {
    bucket: BUCKET,
    region: REGION,
    key,
    actions: ["GetObject"],
    validUntil: Math.floor(clockMs / 1000) + 300,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PresignError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PresignError) return error;
    throw error;
  }
  throw new Error("expected a PresignError");
}

describe("both modes against the fake STS", () => {
  it("AssumeRole with permanent keys: signed, recorded, and a credential the fake issued", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const result = await source.get(request("docs/a.pdf"));

    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0];
    expect(call).toMatchObject({
      action: "AssumeRole",
      outcome: "issued",
      roleArn: ROLE,
      roleSessionName: "cos-presign-test",
      durationSeconds: 1800,
      secretId: PERMANENT.secretId,
      region: REGION,
    });
    expect(call?.token).toBeUndefined();

    const issued = fake.lookupToken(result.credential.token);
    expect(issued).toBeDefined();
    expect(result.credential).toMatchObject({
      secretId: issued?.tmpSecretId,
      secretKey: issued?.tmpSecretKey,
      expiresAt: Math.floor(clockMs / 1000) + 1800,
    });
    expect(result.cacheHit).toBe(false);
    expect(result.stsRequestId).toBe(result.credential.requestId);
    expect(result.stsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("AssumeRole with the execution role's keys sends the session token, read afresh at each call", async () => {
    const env: Record<string, string> = {
      TENCENTCLOUD_SECRETID: EXEC_ROLE.secretId,
      TENCENTCLOUD_SECRETKEY: EXEC_ROLE.secretKey,
      TENCENTCLOUD_SESSIONTOKEN: EXEC_ROLE.token,
    };
    const settings = settingsFor({ STS_ROLE_ARN: ROLE });
    expect(settings.permanentKey).toBeUndefined();
    const source = createCredentialSource(settings, { now, env });

    await source.get(request("a"));
    expect(fake.calls[0]).toMatchObject({ outcome: "issued", secretId: EXEC_ROLE.secretId, token: EXEC_ROLE.token });

    // SCF rotates the keys in a warm instance; the same source must pick up the new ones.
    env.TENCENTCLOUD_SECRETID = EXEC_ROLE_ROTATED.secretId;
    env.TENCENTCLOUD_SECRETKEY = EXEC_ROLE_ROTATED.secretKey;
    env.TENCENTCLOUD_SESSIONTOKEN = EXEC_ROLE_ROTATED.token;
    await source.get(request("b"));
    expect(fake.calls[1]).toMatchObject({
      outcome: "issued",
      secretId: EXEC_ROLE_ROTATED.secretId,
      token: EXEC_ROLE_ROTATED.token,
    });
  });

  it("AssumeRole without any keys is a configuration problem naming the variables, and calls nothing", async () => {
    const source = createCredentialSource(settingsFor({ STS_ROLE_ARN: ROLE }), { now, env: {} });
    const error = await failure(source.get(request("a")));
    expect(error.code).toBe("ConfigError");
    expect(error.message).toContain("TENCENTCLOUD_SECRETID");
    expect(error.message).toContain("STS_SECRET_ID");
    expect(fake.calls).toHaveLength(0);
  });

  it("GetFederationToken with permanent keys", async () => {
    const source = createCredentialSource(federation(), { now, env: {} });
    const result = await source.get(request("a"));
    expect(fake.calls[0]).toMatchObject({
      action: "GetFederationToken",
      outcome: "issued",
      name: "cos-presign-test",
      durationSeconds: 1800,
      secretId: PERMANENT.secretId,
    });
    expect(fake.calls[0]?.roleArn).toBeUndefined();
    expect(fake.lookupToken(result.credential.token)?.action).toBe("GetFederationToken");
  });

  it("a wrong secret key is rejected by the fake and surfaces as CredentialServiceError, not retried", async () => {
    const wrongKey = "wrongSecretKey00000000000000000000";
    const settings = settingsFor({ STS_ROLE_ARN: ROLE, STS_SECRET_ID: PERMANENT.secretId, STS_SECRET_KEY: wrongKey });
    const source = createCredentialSource(settings, { now, env: {} });
    const error = await failure(source.get(request("a")));
    expect(error.code).toBe("CredentialServiceError");
    expect(error.status).toBe(502);
    expect(error.message).toContain("AuthFailure.SignatureFailure");
    expect(error.detail.stsCode).toBe("AuthFailure.SignatureFailure");
    expect(error.detail.stsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toContain(error.detail.stsRequestId);
    expect(`${error.message} ${JSON.stringify(error.detail)}`).not.toContain(wrongKey);
    expect(fake.calls.map((c) => c.outcome)).toEqual(["rejected:AuthFailure.SignatureFailure"]);
  });

  it("an execution-role token that does not match its keys is rejected", async () => {
    const env = {
      TENCENTCLOUD_SECRETID: EXEC_ROLE.secretId,
      TENCENTCLOUD_SECRETKEY: EXEC_ROLE.secretKey,
      TENCENTCLOUD_SESSIONTOKEN: "stale-token",
    };
    const source = createCredentialSource(settingsFor({ STS_ROLE_ARN: ROLE }), { now, env });
    const error = await failure(source.get(request("a")));
    expect(error.detail.stsCode).toBe("AuthFailure.TokenFailure");
    expect(error.message).not.toContain("stale-token");
  });
});

describe("the policy STS receives", () => {
  const keys = [
    "plain/file.txt",
    "报告/2024年 第一季度.pdf",
    "with space.txt",
    "a+b=c.txt",
    "100%/done%20.txt",
    "q&a/x&y.txt",
    'say "hi".txt',
    "emoji/🙂👍🏽.png",
    '日本語/한국어/中文 + % & " 🙂',
  ];
  for (const key of keys) {
    it(`is exactly the one-object policy for ${JSON.stringify(key)}`, async () => {
      const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
      await source.get(request(key));
      const expected = oneObjectPolicy({ bucket: BUCKET, region: REGION, key }, ["GetObject"]);
      const call = fake.calls.at(-1);
      expect(call?.policy).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(call?.rawPolicy).toBe(encodePolicy(expected));
      expect(decodeURIComponent(call?.rawPolicy ?? "")).toBe(JSON.stringify(expected));
    });
  }

  it("adds HeadObject only when asked, in a fixed order", async () => {
    const source = createCredentialSource(federation(), { now, env: {} });
    const ref = { bucket: BUCKET, region: REGION, key: "k" };
    await source.get(request("k"));
    await source.get(request("k", { actions: ["HeadObject", "GetObject"] }));
    expect(fake.calls.map((c) => c.policy)).toEqual([
      oneObjectPolicy(ref, ["GetObject"]),
      oneObjectPolicy(ref, ["GetObject", "HeadObject"]),
    ]);
  });
});

describe("the warm-instance cache", () => {
  it("100 sequential requests for one object make one STS call", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const first = await source.get(request("k"));
    for (let i = 0; i < 99; i++) {
      const again = await source.get(request("k"));
      expect(again.cacheHit).toBe(true);
      expect(again.stsRequestId).toBeUndefined();
      expect(again.credential).toBe(first.credential);
    }
    expect(fake.calls).toHaveLength(1);
  });

  it("50 concurrent first requests share one STS call", async () => {
    fake.setDelay(50);
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const results = await Promise.all(Array.from({ length: 50 }, () => source.get(request("k"))));
    expect(fake.calls).toHaveLength(1);
    expect(new Set(results.map((r) => r.credential.token)).size).toBe(1);
    expect(results.every((r) => !r.cacheHit && r.stsRequestId === r.credential.requestId)).toBe(true);
  });

  it("refreshes a credential too close to expiry for the URL asked", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const t0 = Math.floor(clockMs / 1000);
    const first = await source.get(request("k", { validUntil: t0 + 600 }));
    expect(first.credential.expiresAt).toBe(t0 + 1800);

    clockMs += 1140_000; // 660 s left: exactly 600 + the 60 s margin
    expect((await source.get(request("k", { validUntil: t0 + 1140 + 600 }))).cacheHit).toBe(true);
    clockMs += 1000; // 659 s left
    const refreshed = await source.get(request("k", { validUntil: t0 + 1141 + 600 }));
    expect(refreshed.cacheHit).toBe(false);
    expect(refreshed.credential.token).not.toBe(first.credential.token);
    expect(fake.calls).toHaveLength(2);
  });

  it("returns a fresh credential even when it cannot cover the URL asked (the caller clamps)", async () => {
    fake.setLifetime(300);
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const t0 = Math.floor(clockMs / 1000);
    const result = await source.get(request("k", { validUntil: t0 + 3600 }));
    expect(result.credential.expiresAt).toBe(t0 + 300);
    // It cannot serve that request from the cache either, so the next one asks again.
    expect((await source.get(request("k", { validUntil: t0 + 3600 }))).cacheHit).toBe(false);
    // A short URL is served from it.
    expect((await source.get(request("k", { validUntil: t0 + 200 }))).cacheHit).toBe(true);
    expect(fake.calls).toHaveLength(2);
  });

  it("reuses a credential for over-long URLs only while it is nearly fresh", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const t0 = Math.floor(clockMs / 1000);
    await source.get(request("k", { validUntil: t0 + 86400 }));
    expect((await source.get(request("k", { validUntil: t0 + 86400 }))).cacheHit).toBe(true);
    clockMs += 61_000;
    expect((await source.get(request("k", { validUntil: t0 + 86400 }))).cacheHit).toBe(false);
    expect(fake.calls).toHaveLength(2);
  });

  it("never shares a credential between objects, buckets or regions", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const results = [
      await source.get(request("a")),
      await source.get(request("b")),
      await source.get(request("A")),
      await source.get(request("a", { bucket: "otherbucket-1250000000" })),
      await source.get(request("a", { region: "ap-shanghai" })),
    ];
    expect(new Set(results.map((r) => r.credential.token)).size).toBe(5);
    expect(fake.calls).toHaveLength(5);
    expect(fake.calls.map((c) => JSON.stringify(c.policy)).every((p, i, all) => all.indexOf(p) === i)).toBe(true);
  });

  it("never shares a credential between action sets, but treats the same set in any order as one", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const get = await source.get(request("k", { actions: ["GetObject"] }));
    const both = await source.get(request("k", { actions: ["GetObject", "HeadObject"] }));
    const bothReordered = await source.get(request("k", { actions: ["HeadObject", "GetObject", "HeadObject"] }));
    expect(get.credential.token).not.toBe(both.credential.token);
    expect(bothReordered.cacheHit).toBe(true);
    expect(fake.calls).toHaveLength(2);
  });

  it("stays within its bound, evicting the least recently used", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {}, maxEntries: 2 });
    await source.get(request("a"));
    await source.get(request("b"));
    expect((await source.get(request("a"))).cacheHit).toBe(true);
    await source.get(request("c")); // evicts b
    expect((await source.get(request("a"))).cacheHit).toBe(true);
    expect((await source.get(request("b"))).cacheHit).toBe(false);
    expect(fake.calls).toHaveLength(4);
  });

  it("takes its bound from STS_CACHE_ENTRIES", async () => {
    const settings = settingsFor({
      STS_ROLE_ARN: ROLE,
      STS_SECRET_ID: PERMANENT.secretId,
      STS_SECRET_KEY: PERMANENT.secretKey,
      STS_CACHE_ENTRIES: "2",
    });
    const source = createCredentialSource(settings, { now, env: {} });
    for (const key of ["a", "b", "c"]) await source.get(request(key)); // c evicts a
    expect((await source.get(request("c"))).cacheHit).toBe(true);
    expect((await source.get(request("a"))).cacheHit).toBe(false);
    expect(fake.calls).toHaveLength(4);
  });

  it("keeps 1000 entries by default, as the README says", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    for (let i = 0; i <= 1000; i++) await source.get(request(`k${i}`)); // the 1001st evicts k0
    expect((await source.get(request("k1"))).cacheHit).toBe(true);
    expect((await source.get(request("k1000"))).cacheHit).toBe(true);
    expect((await source.get(request("k0"))).cacheHit).toBe(false);
    expect(fake.calls).toHaveLength(1002);
  });

  it("rejects a request without any action or with an unknown one", async () => {
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    await expect(source.get(request("k", { actions: [] }))).rejects.toMatchObject({ code: "InternalError" });
    const bogus = ["PutObject"] as unknown as CosAction[];
    await expect(source.get(request("k", { actions: bogus }))).rejects.toMatchObject({ code: "InternalError" });
    expect(fake.calls).toHaveLength(0);
  });
});

describe("failures", () => {
  const transient: FaultKind[] = ["throttle", "internal", "unavailable", "http500", "hang", "reset"];
  const permanent: Array<[FaultKind, string | undefined]> = [
    ["malformed", undefined],
    ["notJson", undefined],
    ["expired", undefined],
    ["authFailure", "AuthFailure.SecretIdNotFound"],
  ];

  for (const kind of transient) {
    it(`${kind}: retried up to the bound, then CredentialServiceUnavailable within the deadline`, async () => {
      fake.fail(kind, 10);
      const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
      const started = performance.now();
      const error = await failure(source.get(request("k")));
      const elapsed = performance.now() - started;

      expect(error.code).toBe("CredentialServiceUnavailable");
      expect(error.status).toBe(503);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(error.detail.attempts).toBe("3");
      expect(fake.calls.map((c) => c.outcome)).toEqual(Array(3).fill(`fault:${kind}`));
      expect(elapsed).toBeLessThan(DEADLINE_MS + 300);

      // The failure was not cached: once the faults clear, the next request goes to STS and succeeds.
      fake.reset();
      const result = await source.get(request("k"));
      expect(result.cacheHit).toBe(false);
      expect(fake.calls.map((c) => c.outcome)).toEqual(["issued"]);
    });
  }

  for (const [kind, code] of permanent) {
    it(`${kind}: not retried, CredentialServiceError, never a credential`, async () => {
      fake.fail(kind, 10);
      const source = createCredentialSource(federation(), { now, env: {} });
      const error = await failure(source.get(request("k")));
      expect(error.code).toBe("CredentialServiceError");
      expect(error.status).toBe(502);
      if (code !== undefined) {
        expect(error.detail.stsCode).toBe(code);
        expect(error.message).toContain(code);
      }
      expect(fake.calls).toHaveLength(1);
      // The fake's minted ids are AKID + 32 random characters; none may leak into the message.
      expect(error.message).not.toMatch(/AKID[\w-]{16}/);

      fake.reset();
      expect((await source.get(request("k"))).cacheHit).toBe(false);
    });
  }

  it("succeeds when the faults clear before the attempts run out", async () => {
    fake.fail("internal");
    fake.fail("reset");
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const result = await source.get(request("k"));
    expect(fake.lookupToken(result.credential.token)).toBeDefined();
    expect(fake.calls.map((c) => c.outcome)).toEqual(["fault:internal", "fault:reset", "issued"]);
    expect(result.stsRequestId).toBe(result.credential.requestId);
  });

  it("gives every waiter of a failed shared call the error, and caches nothing", async () => {
    fake.setDelay(50);
    fake.fail("authFailure");
    const source = createCredentialSource(assumeRoleWithKeys(), { now, env: {} });
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => source.get(request("k"))));
    expect(fake.calls).toHaveLength(1);
    const reasons = settled.map((s) => (s.status === "rejected" ? s.reason : undefined));
    expect(new Set(reasons).size).toBe(1);
    expect(reasons[0]).toMatchObject({ code: "CredentialServiceError" });
    expect((await source.get(request("k"))).cacheHit).toBe(false);
    expect(fake.calls).toHaveLength(2);
  });

  it("a hanging STS cannot hold a request beyond the deadline, however many attempts are allowed", async () => {
    fake.fail("hang", 10);
    const settings = settingsFor({
      STS_ROLE_ARN: ROLE,
      STS_SECRET_ID: PERMANENT.secretId,
      STS_SECRET_KEY: PERMANENT.secretKey,
      STS_TIMEOUT_MS: "300",
      STS_DEADLINE_MS: "600",
      STS_MAX_ATTEMPTS: "5",
    });
    const source = createCredentialSource(settings, { now, env: {}, random: () => 0 });
    const started = performance.now();
    const error = await failure(source.get(request("k")));
    expect(error.code).toBe("CredentialServiceUnavailable");
    // A budget guard, generous for a loaded CI machine (the first call also loads the SDK), yet below the
    // 1500 ms that five 300 ms attempts would take without the deadline.
    expect(performance.now() - started).toBeLessThan(1200);
    expect(fake.calls.length).toBeLessThan(5);
  });

  it("an unreachable STS is CredentialServiceUnavailable", async () => {
    const closed = await startFakeSts({ keys: [PERMANENT] });
    const url = closed.url;
    await closed.close();
    const { settings } = parseStsSettings({
      COS_REGION: REGION,
      STS_SECRET_ID: PERMANENT.secretId,
      STS_SECRET_KEY: PERMANENT.secretKey,
      STS_ENDPOINT: url,
      STS_TIMEOUT_MS: "200",
      STS_DEADLINE_MS: "1000",
    });
    if (settings === undefined) throw new Error("settings");
    const error = await failure(createCredentialSource(settings, { now, env: {} }).get(request("k")));
    expect(error.code).toBe("CredentialServiceUnavailable");
  });

  it("keeps secrets out of every error", async () => {
    const secrets = [PERMANENT.secretKey, EXEC_ROLE.secretKey, EXEC_ROLE.token];
    const env = {
      TENCENTCLOUD_SECRETID: EXEC_ROLE.secretId,
      TENCENTCLOUD_SECRETKEY: EXEC_ROLE.secretKey,
      TENCENTCLOUD_SESSIONTOKEN: EXEC_ROLE.token,
    };
    const errors: PresignError[] = [];
    for (const kind of ["throttle", "authFailure", "malformed", "expired"] as const) {
      fake.reset();
      fake.fail(kind, 3);
      errors.push(
        await failure(createCredentialSource(settingsFor({ STS_ROLE_ARN: ROLE }), { now, env }).get(request("k"))),
      );
    }
    for (const error of errors) {
      const text = `${error.message} ${JSON.stringify(error.detail)}`;
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});
