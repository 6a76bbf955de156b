import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cosEncode } from "../../src/cos/encode";
import {
  authorization,
  authorizationQuery,
  canonicalFromEncoded,
  computeSignature,
  signCanonical,
} from "../../src/cos/signature";
import { caseDistinctQuery, credential, keyTime, nastyString } from "./arbitraries";
import { VECTORS } from "./vectors.fixture";

describe("computeSignature: official vectors", () => {
  for (const vector of VECTORS) {
    it(vector.name, () => {
      const parts = computeSignature(vector.input);
      expect(parts).toMatchObject(vector.expected);
    });
  }

  it("assembles HttpString and StringToSign as the algorithm states", () => {
    const vector = VECTORS.find((v) => v.name.startsWith("B:"));
    if (vector === undefined) throw new Error("vector B missing");
    const parts = computeSignature(vector.input);
    expect(parts.httpString).toBe(
      "get\n/exampleobject(腾讯云)\n" +
        "response-cache-control=max-age%3D600&response-content-type=application%2Foctet-stream\n" +
        "date=Thu%2C%2016%20May%202019%2006%3A55%3A53%20GMT&host=examplebucket-1250000000.cos.ap-beijing.myqcloud.com\n",
    );
    expect(parts.stringToSign).toBe("sha1\n1557989753;1557996953\n54ecfe22f59d3514fdc764b87a32d8133ea611e6\n");
  });

  it("keeps the newline of empty parts", () => {
    const parts = computeSignature({
      method: "GET",
      path: "/",
      query: {},
      headers: {},
      keyTime: { start: 1, end: 2 },
      secretId: "id",
      secretKey: "key",
    });
    expect(parts.httpString).toBe("get\n/\n\n\n");
    expect(parts.urlParamList).toBe("");
    expect(parts.headerList).toBe("");
  });
});

describe("computeSignature: canonical form", () => {
  const base = {
    method: "get",
    path: "/k",
    headers: { host: "h" },
    keyTime: { start: 1, end: 2 },
    secretId: "id",
    secretKey: "key",
  };

  it("lower-cases names but never values, and sorts by encoded name", () => {
    const parts = computeSignature({ ...base, query: { versionId: "AbC", "X-Cos-Traffic-Limit": "819200", a: "" } });
    expect(parts.urlParamList).toBe("a;versionid;x-cos-traffic-limit");
    expect(parts.httpParameters).toBe("a=&versionid=AbC&x-cos-traffic-limit=819200");
  });

  it("encodes `! ' ( ) *` and multi-byte characters with upper-case hex", () => {
    const parts = computeSignature({ ...base, query: { "response-content-type": "a!'()*~ 文😀" } });
    expect(parts.httpParameters).toBe("response-content-type=a%21%27%28%29%2A~%20%E6%96%87%F0%9F%98%80");
  });

  it("does not depend on the order of the input records", () => {
    fc.assert(
      fc.property(caseDistinctQuery, (query) => {
        const reversed = Object.fromEntries(Object.entries(query).reverse());
        expect(computeSignature({ ...base, query: reversed }).signature).toBe(
          computeSignature({ ...base, query }).signature,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("signCanonical", () => {
  it("equals computeSignature given the same parameters pre-encoded, in any order", () => {
    fc.assert(
      fc.property(caseDistinctQuery, nastyString(20), keyTime, (query, path, time) => {
        const input = {
          method: "GET",
          path: `/${path}`,
          query,
          headers: { host: "h.example" },
          keyTime: time,
          secretId: "id",
          secretKey: "key",
        };
        const entries = Object.entries(query).reverse();
        const parts = signCanonical(
          "GET",
          `/${path}`,
          canonicalFromEncoded(
            entries.map(([name]) => cosEncode(name.toLowerCase())),
            entries.map(([, value]) => cosEncode(value)),
          ),
          canonicalFromEncoded(["host"], ["h.example"]),
          time,
          "key",
        );
        expect(parts).toEqual(computeSignature(input));
      }),
      { numRuns: 300 },
    );
  });
});

describe("authorization and authorizationQuery", () => {
  const expectedPairs = (secretId: string, time: { start: number; end: number }, signature: string) => [
    ["q-sign-algorithm", "sha1"],
    ["q-ak", secretId],
    ["q-sign-time", `${time.start};${time.end}`],
    ["q-key-time", `${time.start};${time.end}`],
    ["q-header-list", "host"],
    ["q-url-param-list", "response-content-type;x-cos-traffic-limit"],
    ["q-signature", signature],
  ];

  it("list the seven q-* pairs in order, as they are and encoded for a query", () => {
    fc.assert(
      fc.property(credential, keyTime, (cred, time) => {
        const parts = computeSignature({
          method: "get",
          path: "/a",
          query: { "x-cos-traffic-limit": "819200", "response-content-type": "text/plain" },
          headers: { host: "h" },
          keyTime: time,
          secretId: cred.secretId,
          secretKey: cred.secretKey,
        });
        const pairs = expectedPairs(cred.secretId, time, parts.signature);
        expect(authorization(cred.secretId, parts)).toBe(pairs.map(([name, value]) => `${name}=${value}`).join("&"));
        const query = authorizationQuery(cred.secretId, parts);
        // Encoded: no raw `;` (or anything else URLSearchParams would split or alter) is left.
        expect(query).toMatch(/^[\w.~%=&-]*$/);
        expect(query).toContain(`q-sign-time=${time.start}%3B${time.end}`);
        expect([...new URLSearchParams(query)]).toEqual(pairs);
      }),
      { numRuns: 100 },
    );
  });
});
