import { sts } from "tencentcloud-sdk-nodejs-sts";
import { describe, expect, it } from "vitest";
import { createTokenBucket } from "../../dev/token-bucket";
import { startFakeSts } from "../support/dev-stack";

describe("token bucket", () => {
  it("admits a full burst at once, then exactly the refill rate", () => {
    let clock = 0;
    const bucket = createTokenBucket({ ratePerSecond: 600, burst: 3, now: () => clock });
    const taken = () => [1, 2, 3, 4].map(() => bucket.tryTake());
    expect(taken()).toEqual([true, true, true, false]);
    clock += 1; // 0.6 of a token
    expect(bucket.tryTake()).toBe(false);
    clock += 1; // 1.2 tokens: the refused call took nothing
    expect(taken()).toEqual([true, false, false, false]);
    clock += 60_000; // a minute idle refills to the burst, not beyond
    expect(taken()).toEqual([true, true, true, false]);
  });

  it("defaults the burst to one second's worth and ignores a clock that steps back", () => {
    let clock = 10_000;
    const bucket = createTokenBucket({ ratePerSecond: 5, now: () => clock });
    expect([1, 2, 3, 4, 5, 6].map(() => bucket.tryTake())).toEqual([true, true, true, true, true, false]);
    clock = 0;
    expect(bucket.tryTake()).toBe(false);
    clock = 10_200; // 0.2 s after the last real reading: one token
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
  });

  it("refuses a rate or burst that cannot admit anything", () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, now: () => 0 })).toThrow(RangeError);
    expect(() => createTokenBucket({ ratePerSecond: 10, burst: 0.5, now: () => 0 })).toThrow(RangeError);
  });
});

describe("fake STS rateLimit", () => {
  it("answers RequestLimitExceeded past the bucket, to the official SDK, and records it", async () => {
    const key = { secretId: "AKIDbucket000000000000000000000001", secretKey: "bucketSecretKey00000000000000001" };
    let clock = 0;
    const fake = await startFakeSts({ keys: [key], rateLimit: { ratePerSecond: 1, burst: 2, now: () => clock } });
    try {
      const client = new sts.v20180813.Client({
        credential: key,
        region: "ap-guangzhou",
        profile: { httpProfile: { endpoint: fake.endpoint, protocol: "http://" } },
      });
      const policy = encodeURIComponent(JSON.stringify({ version: "2.0", statement: [] }));
      const call = () =>
        client.GetFederationToken({ Name: "bucket-test", Policy: policy }).then(
          () => "issued",
          (error: { code?: string }) => error.code,
        );
      expect([await call(), await call(), await call()]).toEqual(["issued", "issued", "RequestLimitExceeded"]);
      clock += 1000;
      expect(await call()).toBe("issued");
      expect(fake.calls.map((c) => c.outcome)).toEqual(["issued", "issued", "rejected:RequestLimitExceeded", "issued"]);
    } finally {
      await fake.close();
    }
  });
});
