import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUTH_PARAMS } from "../../dev/local-cos";
import type { CosEndpoint } from "../../src/cos/url";
import { cosHost, presignUrl } from "../../src/cos/url";
import { oracleSignature } from "../support/cos-oracle";
import { codeOf } from "../support/error-code";
import { bucket, credential, keyTime, objectKey, region, responseQuery } from "./arbitraries";
import { D_QUERY, D_TIME, STS } from "./vectors.fixture";

describe("cosHost", () => {
  it("builds the three kinds of host", () => {
    expect(cosHost("examplebucket-1250000000", "ap-guangzhou", { kind: "default" })).toBe(
      "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com",
    );
    expect(cosHost("examplebucket-1250000000", "ap-guangzhou", { kind: "accelerate" })).toBe(
      "examplebucket-1250000000.cos.accelerate.myqcloud.com",
    );
    expect(cosHost("b-1250000000", "ap-guangzhou", { kind: "custom", host: "127.0.0.1:9000", protocol: "http:" })).toBe(
      "127.0.0.1:9000",
    );
  });

  it("signs the custom host as a WHATWG client will send it: lower case, no default port", () => {
    const cases: [string, "https:" | "http:"][] = [
      ["Files.Example.COM", "https:"],
      ["files.example.com:443", "https:"],
      ["files.example.com:8443", "https:"],
      ["localhost:80", "http:"],
      ["localhost:443", "http:"],
      ["[::1]:9000", "http:"],
    ];
    for (const [host, protocol] of cases) {
      expect(cosHost("b-1250000000", "r", { kind: "custom", host, protocol })).toBe(
        new URL(`${protocol}//${host}/`).host,
      );
    }
  });
});

describe("presignUrl", () => {
  it("reproduces vector D: path, parameter list and signature", () => {
    const url = presignUrl({
      bucket: "examplebucket-1250000000",
      region: "ap-guangzhou",
      key: "dir/文件 (1)+x.pdf",
      endpoint: { kind: "default" },
      credential: STS,
      keyTime: D_TIME,
      query: D_QUERY,
    });
    expect(url).toBe(
      "https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/dir/%E6%96%87%E4%BB%B6%20%281%29%2Bx.pdf" +
        "?q-sign-algorithm=sha1&q-ak=AKIDTMPEXAMPLE&q-sign-time=1700000000%3B1700000600" +
        "&q-key-time=1700000000%3B1700000600&q-header-list=host" +
        "&q-url-param-list=response-content-disposition%3Bversionid%3Bx-cos-traffic-limit" +
        "&q-signature=0c2caf546e154460796659274d3bfc84fb21549b" +
        "&response-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27%25E6%2596%2587.pdf" +
        "&versionId=MTg0NDUxNTc1NjIzMTQ1MDAwODg&x-cos-traffic-limit=819200",
    );
  });

  it("reproduces vector D2: the token is signed and sent in the query", () => {
    const url = new URL(
      presignUrl({
        bucket: "examplebucket-1250000000",
        region: "ap-guangzhou",
        key: "a.txt",
        endpoint: { kind: "default" },
        credential: { ...STS, token: "tok_EN-123" },
        keyTime: D_TIME,
      }),
    );
    expect(url.searchParams.get("q-url-param-list")).toBe("x-cos-security-token");
    expect(url.searchParams.get("q-signature")).toBe("3e4a034f4c990eea81cb706fb413ee5dfa42370e");
    expect(url.searchParams.get("x-cos-security-token")).toBe("tok_EN-123");
  });

  it("uses http: only for a custom endpoint that asks for it", () => {
    const base = { bucket: "b-1250000000", region: "r", key: "k", credential: STS, keyTime: D_TIME };
    expect(presignUrl({ ...base, endpoint: { kind: "accelerate" } })).toMatch(
      /^https:\/\/b-1250000000\.cos\.accelerate\.myqcloud\.com\/k\?/,
    );
    expect(presignUrl({ ...base, endpoint: { kind: "custom", host: "127.0.0.1:9000", protocol: "http:" } })).toMatch(
      /^http:\/\/127\.0\.0\.1:9000\/k\?/,
    );
    expect(presignUrl({ ...base, endpoint: { kind: "custom", host: "cdn.example.com", protocol: "https:" } })).toMatch(
      /^https:\/\/cdn\.example\.com\/k\?/,
    );
  });

  it("refuses query names that would collide with the signature's own", () => {
    const base = {
      bucket: "b-1250000000",
      region: "r",
      key: "k",
      endpoint: { kind: "default" } as const,
      credential: STS,
      keyTime: D_TIME,
    };
    for (const name of ["q-signature", "Q-AK", "x-cos-security-token", "X-Cos-Security-Token"]) {
      expect(
        codeOf(() => presignUrl({ ...base, query: { [name]: "v" } })),
        name,
      ).toBe("InvalidParameter");
    }
  });

  it("refuses a key with a dot segment", () => {
    const attempt = () =>
      presignUrl({
        bucket: "b-1250000000",
        region: "r",
        key: "a/../b",
        endpoint: { kind: "default" },
        credential: STS,
        keyTime: D_TIME,
      });
    expect(codeOf(attempt)).toBe("InvalidKey");
  });
});

const endpoint: fc.Arbitrary<CosEndpoint> = fc.oneof(
  fc.constant({ kind: "default" } as const),
  fc.constant({ kind: "accelerate" } as const),
  fc.tuple(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(([domain, port]) => ({
    kind: "custom" as const,
    host: port === undefined ? domain : `${domain}:${port}`,
    protocol: "https:" as const,
  })),
  fc.integer({ min: 1024, max: 65535 }).map((port) => ({
    kind: "custom" as const,
    host: `127.0.0.1:${port}`,
    protocol: "http:" as const,
  })),
);

describe("presignUrl parsed back with new URL()", () => {
  it("yields the key, every parameter exactly, and a signature COS would recompute", () => {
    fc.assert(
      fc.property(
        objectKey,
        responseQuery,
        credential,
        keyTime,
        bucket,
        region,
        endpoint,
        (key, query, cred, time, bucketName, regionName, ep) => {
          const url = new URL(
            presignUrl({
              bucket: bucketName,
              region: regionName,
              key,
              endpoint: ep,
              credential: cred,
              keyTime: time,
              query,
            }),
          );

          expect(url.protocol).toBe(ep.kind === "custom" ? ep.protocol : "https:");
          // Stated independently of cosHost: COS's documented domains, and WHATWG's own normalisation of a
          // custom host (lower case, default port dropped), which is what a client will send and COS sign.
          const expectedHost =
            ep.kind === "default"
              ? `${bucketName}.cos.${regionName}.myqcloud.com`
              : ep.kind === "accelerate"
                ? `${bucketName}.cos.accelerate.myqcloud.com`
                : new URL(`${ep.protocol}//${ep.host}`).host;
          expect(url.host).toBe(expectedHost);
          expect(decodeURIComponent(url.pathname.slice(1))).toBe(key);
          expect(url.hash).toBe("");

          const expected: [string, string][] = [];
          if (cred.token !== undefined) expected.push(["x-cos-security-token", cred.token]);
          expected.push(...Object.entries(query));
          const entries = [...url.searchParams.entries()];
          expect(entries.slice(0, 7).map(([name]) => name)).toEqual(AUTH_PARAMS);
          expect(entries.slice(7)).toEqual(expected);
          expect(url.searchParams.get("q-ak")).toBe(cred.secretId);
          expect(url.searchParams.get("q-key-time")).toBe(`${time.start};${time.end}`);

          // What COS sees: the decoded path, the non-q-* parameters, the Host header the client sends.
          expect(url.searchParams.get("q-signature")).toBe(oracleSignature(url, cred.secretId, cred.secretKey));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
