import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { appIdFromBucket, type CamPolicy, encodePolicy, oneObjectPolicy } from "../../src/cos/policy";
import { codeOf } from "../support/error-code";
import { bucket, nastyString, region } from "./arbitraries";

const NASTY_KEYS = [
  "dir/文件 (1)+x.pdf",
  'say "hi".txt',
  "a]b",
  "a}b{",
  "back\\slash",
  "emoji 😀👨‍👩‍👧.png",
  "line\nbreak",
  "tab\tand\u0000nul",
  "%2F%20",
  "\u2028\u2029",
];

describe("oneObjectPolicy", () => {
  it("grants the actions on exactly one resource, the raw key", () => {
    for (const key of NASTY_KEYS) {
      const policy = oneObjectPolicy({ bucket: "examplebucket-1250000000", region: "ap-guangzhou", key }, [
        "GetObject",
      ]);
      expect(policy.statement).toHaveLength(1);
      expect(policy.statement[0].resource).toEqual([
        `qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/${key}`,
      ]);
      expect(policy.statement[0].action).toEqual(["name/cos:GetObject"]);
      expect(policy.statement[0].effect).toBe("allow");
      expect(policy).not.toHaveProperty("statement.0.principal");
    }
  });

  it("survives JSON and URL encoding unchanged, for nasty and arbitrary keys", () => {
    const check = (bucketName: string, regionName: string, key: string) => {
      const policy = oneObjectPolicy({ bucket: bucketName, region: regionName, key }, ["GetObject", "HeadObject"]);
      const decoded: unknown = JSON.parse(decodeURIComponent(encodePolicy(policy)));
      expect(decoded).toEqual(policy);
      // Shape checked by the deep equality just above.
      const [statement, ...others] = (decoded as CamPolicy).statement;
      expect(others).toHaveLength(0);
      // Stated from the documented form, not from objectResource: the appid is the bucket name's last part.
      const appId = bucketName.slice(bucketName.lastIndexOf("-") + 1);
      expect(statement.resource).toEqual([`qcs::cos:${regionName}:uid/${appId}:${bucketName}/${key}`]);
      expect(statement.resource[0].endsWith(`:${bucketName}/${key}`)).toBe(true);
    };
    for (const key of NASTY_KEYS) check("examplebucket-1250000000", "ap-beijing", key);
    fc.assert(fc.property(bucket, region, nastyString(40), check), { numRuns: 1000 });
  });

  it("encodes the JSON exactly once", () => {
    const encoded = encodePolicy(oneObjectPolicy({ bucket: "b-1250000000", region: "r", key: "文" }, ["GetObject"]));
    expect(encoded).not.toMatch(/%25/);
    expect(encoded).toContain("%E6%96%87");
  });
});

describe("appIdFromBucket", () => {
  it("reads the numeric suffix", () => {
    expect(appIdFromBucket("examplebucket-1250000000")).toBe("1250000000");
    expect(appIdFromBucket("my-bucket-2-1250000000")).toBe("1250000000");
  });

  it("throws ConfigError for a bucket without -<appid>", () => {
    for (const name of ["examplebucket", "examplebucket-", "examplebucket-abc", "-1250000000", "Example-1250000000"]) {
      expect(
        codeOf(() => appIdFromBucket(name)),
        name,
      ).toBe("ConfigError");
      expect(codeOf(() => oneObjectPolicy({ bucket: name, region: "ap-guangzhou", key: "k" }, ["GetObject"]))).toBe(
        "ConfigError",
      );
    }
  });
});
