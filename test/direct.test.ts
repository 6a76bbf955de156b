import { describe, expect, it } from "vitest";
import type { CredentialSource } from "../src/sts";
import { AUDIENCE, ISSUER, JWT_SECRET, LINK_SECRET } from "./auth/support";
import { BUCKET, baseEnv, functionHandler, useFakeSts } from "./support/function";

const sts = useFakeSts({ resetEach: true });

interface Answer {
  url: string;
  key: string;
  expiresIn: number;
  error?: { code: string; message: string };
}

describe("direct invocation", () => {
  it("returns the JSON answer object itself", async () => {
    const { handler, logs } = functionHandler(baseEnv(sts));
    const answer = (await handler(
      { key: "public/a b.txt", filename: "a.txt", expires: 90 },
      { request_id: "r1" },
    )) as Answer;
    expect(answer).toMatchObject({ key: "public/a b.txt", bucket: BUCKET, expiresIn: 90 });
    expect(new URL(answer.url).searchParams.get("response-content-disposition")).toContain("attachment");
    expect(logs[0]).toMatchObject({ trigger: "direct", code: "OK", status: 200, key: "public/a b.txt" });
  });

  it("is trusted to CAM whatever AUTH_MODE: no credentials asked for, and ALLOWED_PREFIXES still applies", async () => {
    const env = {
      ...baseEnv(sts),
      AUTH_MODE: "link,jwt",
      LINK_SECRET,
      JWT_SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
    };
    const { handler, logs } = functionHandler(env);
    const answer = (await handler({ key: "public/a.txt" }, { request_id: "r-cam" })) as Answer;
    expect(answer).toMatchObject({ key: "public/a.txt", bucket: BUCKET });
    expect(logs[0]).toMatchObject({ trigger: "direct", code: "OK", status: 200 });
    expect(await handler({ key: "private/a.txt" }, { request_id: "r-cam2" })).toMatchObject({
      error: { code: "AccessDenied" },
    });
  });

  it("returns an error envelope, not an HTTP response, for a bad request", async () => {
    const { handler } = functionHandler(baseEnv(sts));
    const answer = await handler({ key: "private/x" }, { request_id: "r2" });
    expect(answer).toEqual({
      error: { code: "AccessDenied", message: expect.any(String) },
      requestId: "r2",
    });
  });

  it.each([
    [{ key: "public/a", fileName: "typo" }, "InvalidParameter"],
    [{ key: 42 }, "InvalidKey"],
    [{ key: "public/a", expires: 1.5 }, "InvalidParameter"],
    [{ keys: [] }, "InvalidParameter"],
    [{ keys: "public/a" }, "InvalidParameter"],
    [{ keys: Array.from({ length: 101 }, (_, i) => `public/${i}`) }, "InvalidParameter"],
    [{ hello: "world" }, "InvalidParameter"],
    [[1, 2, 3], "InvalidParameter"],
    ["not json", "InvalidParameter"],
    [null, "InvalidParameter"],
  ])("refuses %j with %s", async (event, code) => {
    const { handler } = functionHandler(baseEnv(sts));
    const answer = (await handler(event, { request_id: "r3" })) as { error: { code: string } };
    expect(answer.error.code).toBe(code);
    expect(sts.calls).toHaveLength(0);
  });

  it("answers a batch in order, each key with its own scoped credential", async () => {
    const { handler, logs } = functionHandler(baseEnv(sts));
    const keys = Array.from({ length: 20 }, (_, i) => `public/file-${i}.txt`);
    const event = {
      keys: [
        ...keys.slice(0, 10),
        "private/no.txt",
        { key: "shared/x.txt", disposition: "inline" },
        ...keys.slice(10),
        { key: "public/y.txt", expires: -1 },
        42,
      ],
    };
    const { results } = (await handler(event, { request_id: "r4" })) as { results: Answer[] };
    expect(results).toHaveLength(24);
    expect(results[22]).toMatchObject({ key: "public/y.txt", error: { code: "InvalidParameter" } });
    expect(results[23]).toEqual({ error: { code: "InvalidParameter", message: expect.any(String) } });
    expect(results[10]).toMatchObject({ key: "private/no.txt", error: { code: "AccessDenied" } });
    expect(results[11]?.key).toBe("shared/x.txt");
    // A disposition without a filename is signed as the bare type.
    expect(new URL(results[11]?.url ?? "").searchParams.get("response-content-disposition")).toBe("inline");
    const ok = results.filter((result) => result.error === undefined);
    expect(ok.map((result) => result.key)).toEqual([...keys.slice(0, 10), "shared/x.txt", ...keys.slice(10)]);
    const tokens = new Set(ok.map((result) => new URL(result.url).searchParams.get("x-cos-security-token")));
    expect(tokens.size).toBe(21);
    expect(sts.calls).toHaveLength(21);
    expect(logs[0]).toMatchObject({ trigger: "batch", keys: 24, succeeded: 21 });
  });

  it("fetches a batch's credentials at most 8 at a time", async () => {
    let active = 0;
    let most = 0;
    const counting: CredentialSource = {
      async get(request) {
        active++;
        most = Math.max(most, active);
        await new Promise((done) => setTimeout(done, 5));
        active--;
        return {
          credential: {
            secretId: "AKIDx",
            secretKey: "k",
            token: "t",
            expiresAt: 4_000_000_000,
            requestId: request.key,
          },
          cacheHit: false,
        };
      },
    };
    const { handler } = functionHandler(baseEnv(sts), { credentialSource: () => counting });
    const keys = Array.from({ length: 40 }, (_, i) => `public/${i}.txt`);
    const { results } = (await handler({ keys })) as { results: Answer[] };
    expect(results.map((result) => result.key)).toEqual(keys);
    expect(most).toBe(8);
  });
});
