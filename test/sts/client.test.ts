import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSts } from "../../dev/fake-sts";
import { encodePolicy, oneObjectPolicy } from "../../src/cos/policy";
import { PresignError } from "../../src/errors";
import { createStsCaller } from "../../src/sts/client";
import { parseStsSettings, type StsSettings } from "../../src/sts/settings";
import { startFakeSts } from "../support/dev-stack";

const KEY = { secretId: "AKIDclientTEST00000000000000000001", secretKey: "clientTestSecretKey0000000000001" };
const POLICY = encodePolicy(
  oneObjectPolicy({ bucket: "examplebucket-1250000000", region: "ap-guangzhou", key: "a.txt" }, ["GetObject"]),
);

let fake: FakeSts;
let settings: StsSettings;
beforeAll(async () => {
  fake = await startFakeSts({ keys: [KEY] });
  const parsed = parseStsSettings({
    COS_REGION: "ap-guangzhou",
    STS_ENDPOINT: fake.url,
    STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/cos-presign-download",
    STS_SECRET_ID: KEY.secretId,
    STS_SECRET_KEY: KEY.secretKey,
  });
  if (parsed.settings === undefined) throw new Error(parsed.problems.join("; "));
  settings = parsed.settings;
});
afterAll(() => fake.close());

describe("createStsCaller: loading the SDK", () => {
  it("an SDK that fails to load is an InternalError keeping the load error as its cause; the next call loads again", async () => {
    const loadError = new Error("Cannot find module 'tencentcloud-sdk-nodejs-sts'");
    let loads = 0;
    const caller = createStsCaller(settings, {
      env: {},
      now: Date.now,
      random: Math.random,
      loadSdk: async () => {
        loads += 1;
        if (loads === 1) throw loadError;
        return import("tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client");
      },
    });
    const failed = await caller.issue(POLICY).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(PresignError);
    expect(failed).toMatchObject({ code: "InternalError", message: "the STS client could not be loaded" });
    expect((failed as PresignError).cause).toBe(loadError);
    expect(fake.calls).toHaveLength(0);

    // A failed load is not kept: the next request loads the SDK again, and this time gets a credential.
    const credential = await caller.issue(POLICY);
    expect(loads).toBe(2);
    expect(credential.token).toBeTruthy();
    expect(fake.calls).toHaveLength(1);
  });
});

describe("the dev stack's STS, as real STS, mints for the DurationSeconds asked", () => {
  it.each([900, 7200])("STS_DURATION_SECONDS=%i gives a key that lives that long", async (duration) => {
    const asRequested = await startFakeSts({ keys: [KEY], lifetimeSeconds: "asRequested" });
    try {
      const parsed = parseStsSettings({
        COS_REGION: "ap-guangzhou",
        STS_ENDPOINT: asRequested.url,
        STS_SECRET_ID: KEY.secretId,
        STS_SECRET_KEY: KEY.secretKey,
        STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/cos-presign-download",
        STS_DURATION_SECONDS: String(duration),
      });
      if (parsed.settings === undefined) throw new Error(parsed.problems.join("; "));
      const caller = createStsCaller(parsed.settings, { env: {}, now: Date.now, random: Math.random });
      const before = Math.floor(Date.now() / 1000);
      const credential = await caller.issue(POLICY);
      expect(credential.expiresAt - before).toBeGreaterThanOrEqual(duration);
      expect(credential.expiresAt - before).toBeLessThanOrEqual(duration + 2);
    } finally {
      await asRequested.close();
    }
  });
});
