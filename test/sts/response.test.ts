import { describe, expect, it } from "vitest";
import { StsCallError } from "../../src/sts/errors";
import { parseCredentialResponse } from "../../src/sts/response";

const NOW = 1_700_000_000;
const good = {
  Credentials: { TmpSecretId: "AKIDtmp", TmpSecretKey: "tmpKey", Token: "tok" },
  ExpiredTime: NOW + 1800,
  Expiration: "2023-11-14T22:43:20Z",
  RequestId: "req-1",
};

describe("parseCredentialResponse", () => {
  it("turns a good answer into a frozen credential", () => {
    const credential = parseCredentialResponse(good, NOW);
    expect(credential).toEqual({
      secretId: "AKIDtmp",
      secretKey: "tmpKey",
      token: "tok",
      expiresAt: NOW + 1800,
      requestId: "req-1",
    });
    expect(Object.isFrozen(credential)).toBe(true);
  });

  const broken: Array<[string, unknown]> = [
    ["null", null],
    ["a string", "Response"],
    ["no Credentials", { ...good, Credentials: undefined }],
    ["no Token", { ...good, Credentials: { TmpSecretId: "a", TmpSecretKey: "b" } }],
    ["empty TmpSecretKey", { ...good, Credentials: { TmpSecretId: "a", TmpSecretKey: "", Token: "t" } }],
    ["numeric TmpSecretId", { ...good, Credentials: { TmpSecretId: 1, TmpSecretKey: "b", Token: "t" } }],
    ["ExpiredTime as a string", { ...good, ExpiredTime: String(NOW + 1800) }],
    ["ExpiredTime fractional", { ...good, ExpiredTime: NOW + 0.5 }],
    ["ExpiredTime missing", { ...good, ExpiredTime: undefined }],
    ["ExpiredTime now", { ...good, ExpiredTime: NOW }],
    ["ExpiredTime past", { ...good, ExpiredTime: NOW - 10 }],
    ["ExpiredTime in milliseconds", { ...good, ExpiredTime: (NOW + 1800) * 1000 }],
    ["no RequestId", { ...good, RequestId: undefined }],
  ];
  for (const [what, response] of broken) {
    it(`calls ${what} malformed`, () => {
      const error = (() => {
        try {
          parseCredentialResponse(response, NOW);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(StsCallError);
      expect(error).toMatchObject({ kind: "malformed", retryable: false });
    });
  }
});
