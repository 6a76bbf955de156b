import { describe, expect, it } from "vitest";
import { CALLER, functionHandler, functionUrlEvent, ROLE_ARN, type ScfAnswer, useFakeSts } from "./support/function";

const sts = useFakeSts();

describe("lazyContext", () => {
  it("reads the execution role's keys from the environment it was given, as it reads the configuration", async () => {
    // As npm start passes a .env-merged environment: the role keys live there only, not in process.env.
    expect(process.env.TENCENTCLOUD_SECRETID).toBeUndefined();
    const { handler, logs } = functionHandler({
      COS_BUCKET: "examplebucket-1250000000",
      COS_REGION: "ap-guangzhou",
      STS_ENDPOINT: sts.url,
      STS_ROLE_ARN: ROLE_ARN,
      TENCENTCLOUD_SECRETID: CALLER.secretId,
      TENCENTCLOUD_SECRETKEY: CALLER.secretKey,
      ALLOWED_PREFIXES: "public/",
      AUTH_MODE: "none",
    });
    const answer = (await handler(functionUrlEvent("/public/a.txt"))) as ScfAnswer;
    expect(answer.statusCode, JSON.stringify(logs[0])).toBe(302);
    expect(sts.calls.at(-1)).toMatchObject({ action: "AssumeRole", secretId: CALLER.secretId });
  });
});
