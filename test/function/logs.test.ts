import { describe, expect, it } from "vitest";
import { baseEnv, bundleHandler, CALLER, functionUrlEvent, type ScfAnswer, useFakeSts } from "./support";

const sts = useFakeSts();

describe("the log line", () => {
  it("has every field, a miss then a hit, and no secret, token or signature", async () => {
    const { handler, logs } = bundleHandler(baseEnv(sts));
    const first = (await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-1" })) as ScfAnswer;
    await handler(functionUrlEvent("/public/a.txt"), { request_id: "log-2" });
    expect(logs).toHaveLength(2);

    const [miss, hit] = logs;
    expect(miss).toEqual({
      requestId: "log-1",
      trigger: "functionUrl",
      key: "public/a.txt",
      code: "OK",
      status: 302,
      cache: "miss",
      stsRequestId: expect.any(String),
      auth: "none",
      durationMs: expect.any(Number),
    });
    expect(hit).toMatchObject({ requestId: "log-2", cache: "hit" });
    expect(hit?.stsRequestId).toBeUndefined();

    const url = new URL(first.headers.location ?? "");
    const issued = sts.lookupToken(url.searchParams.get("x-cos-security-token") ?? "");
    const line = logs.map((record) => JSON.stringify(record)).join("\n");
    for (const secret of [
      issued?.tmpSecretKey,
      issued?.token,
      url.searchParams.get("q-signature"),
      CALLER.secretKey,
      url.search,
    ]) {
      expect(secret).toBeTruthy();
      expect(line).not.toContain(secret);
    }
  });
});
