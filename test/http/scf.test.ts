import { describe, expect, it } from "vitest";
import { LINK_SECRET } from "../auth/support";
import { oracleSignature } from "../support/cos-oracle";
import {
  BUCKET,
  baseEnv,
  encodePath,
  functionHandler,
  functionUrlEvent,
  REGION,
  type ScfAnswer,
  useFakeSts,
} from "../support/function";

const sts = useFakeSts({ lifetimeSeconds: 1800, resetEach: true });

async function get(path: string, query: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
  const { handler, logs } = functionHandler(baseEnv(sts));
  const answer = (await handler(functionUrlEvent(path, query, headers), { request_id: "req-1" })) as ScfAnswer;
  return { answer, logs };
}

function issuedFor(url: URL) {
  const token = url.searchParams.get("x-cos-security-token") ?? "";
  const issued = sts.lookupToken(token);
  if (issued === undefined) throw new Error("the URL carries no token the fake STS issued");
  return issued;
}

describe("GET through a Function URL event", () => {
  it("redirects with a URL that parses back to the key and options, signed as the COS SDK signs", async () => {
    const key = "public/报告 2024/Q3 (final)+draft#1.pdf";
    const encodedPath = encodePath(key);
    const { answer } = await get(encodedPath, {
      filename: "季度报告.pdf",
      versionId: "MTg0NDUxNTc1NjIzMTQ1MDAwODg",
      trafficLimit: "819200",
    });

    expect(answer.statusCode).toBe(302);
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(answer.headers["referrer-policy"]).toBe("no-referrer");
    const url = new URL(answer.headers.location ?? "");
    expect(url.protocol).toBe("https:");
    expect(url.host).toBe(`${BUCKET}.cos.${REGION}.myqcloud.com`);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(key);
    expect(url.searchParams.get("versionId")).toBe("MTg0NDUxNTc1NjIzMTQ1MDAwODg");
    expect(url.searchParams.get("x-cos-traffic-limit")).toBe("819200");
    expect(url.searchParams.get("response-content-disposition")).toBe(
      "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A.pdf",
    );
    expect(url.searchParams.get("q-url-param-list")).toBe(
      "response-content-disposition;versionid;x-cos-security-token;x-cos-traffic-limit",
    );
    // The body carries the link too, for gateways that drop Location.
    expect(answer.body).toContain(url.toString().replace(/&/g, "&amp;"));
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");

    const issued = issuedFor(url);
    expect(url.searchParams.get("q-ak")).toBe(issued.tmpSecretId);
    expect(url.searchParams.get("q-signature")).toBe(oracleSignature(url, issued.tmpSecretId, issued.tmpSecretKey));
  });

  it("signs with a credential scoped to exactly that object", async () => {
    const { answer } = await get("/public/a.txt");
    const issued = issuedFor(new URL(answer.headers.location ?? ""));
    expect(issued.policy).toEqual({
      version: "2.0",
      statement: [
        {
          effect: "allow",
          action: ["name/cos:GetObject"],
          resource: [`qcs::cos:${REGION}:uid/1250000000:${BUCKET}/public/a.txt`],
        },
      ],
    });
  });

  it("ends the URL's time window at or before the credential's ExpiredTime", async () => {
    sts.setLifetime(1000);
    const { answer } = await get("/public/a.txt", { expires: "3600", format: "json" });
    const body = JSON.parse(answer.body) as { url: string; expiresIn: number; expiresAt: string };
    const url = new URL(body.url);
    const [start, end] = (url.searchParams.get("q-key-time") ?? "").split(";").map(Number);
    // The window opens 60 s before now, for a COS clock a little behind ours.
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect(start).toBeGreaterThanOrEqual(nowSeconds - 60 - 5);
    expect(start).toBeLessThanOrEqual(nowSeconds - 60);
    const issued = issuedFor(url);
    expect(end).toBeLessThanOrEqual(issued.expiredTime);
    expect(start).toBeLessThan(end ?? 0);
    expect(body.expiresIn).toBeLessThanOrEqual(1000);
    expect(Date.parse(body.expiresAt) / 1000).toBe(end);
  });

  it("answers JSON for format=json and for Accept: application/json", async () => {
    for (const [query, headers] of [
      [{ format: "json" }, {}],
      [{}, { accept: "application/json" }],
    ] as const) {
      const { answer } = await get("/public/a.txt", { ...query, versionId: "abc123", expires: "120" }, headers);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers["content-type"]).toMatch(/^application\/json/);
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(
        ["bucket", "expiresAt", "expiresIn", "key", "region", "url", "versionId"].sort(),
      );
      expect(body).toMatchObject({ key: "public/a.txt", bucket: BUCKET, region: REGION, versionId: "abc123" });
      expect(body.expiresIn).toBe(120);
      expect(new Date(body.expiresAt as string).toISOString()).toBe(body.expiresAt);
    }
  });

  it("redirects for format=redirect even when Accept asks for JSON", async () => {
    const { answer } = await get("/public/a.txt", { format: "redirect" }, { accept: "application/json" });
    expect(answer.statusCode).toBe(302);
  });

  it("takes the key from ?key= when the path is empty", async () => {
    const { answer } = await get("/", { key: "shared/x y.txt", format: "json" });
    expect(JSON.parse(answer.body).key).toBe("shared/x y.txt");
  });

  it("ignores tracking and other unknown parameters, and refuses a near-miss of a known one before STS", async () => {
    const shared = await get("/public/a.txt", { utm_source: "wechat", fbclid: "x", from: "singlemessage" });
    expect(shared.answer.statusCode).toBe(302);
    const callsBefore = sts.calls.length;
    for (const [name, known] of [
      ["fileName", "filename"],
      ["Expires", "expires"],
      ["versionid", "versionId"],
    ] as const) {
      const { answer, logs } = await get("/public/a.txt", { [name]: "1" });
      expect(answer.statusCode).toBe(400);
      expect(JSON.parse(answer.body).error).toEqual({
        code: "InvalidParameter",
        message: `unknown parameter "${name}": did you mean "${known}"?`,
      });
      expect(logs[0]).toMatchObject({ code: "InvalidParameter", status: 400 });
    }
    expect(sts.calls).toHaveLength(callsBefore);
  });

  it("refuses a near-miss before anything else is checked: a bad key and missing credentials still hear about it", async () => {
    const { handler } = functionHandler({ ...baseEnv(sts), AUTH_MODE: "link", LINK_SECRET });
    const answer = (await handler(functionUrlEvent("/a//b", { fileName: "x" }))) as ScfAnswer;
    expect(JSON.parse(answer.body).error).toEqual({
      code: "InvalidParameter",
      message: 'unknown parameter "fileName": did you mean "filename"?',
    });
  });

  it("clamps expires to URL_MAX_EXPIRES_SECONDS", async () => {
    const { handler } = functionHandler({ ...baseEnv(sts), URL_MAX_EXPIRES_SECONDS: "600" });
    const answer = (await handler(functionUrlEvent("/public/a.txt", { expires: "3000", format: "json" }))) as ScfAnswer;
    expect(JSON.parse(answer.body).expiresIn).toBe(600);
  });

  it("answers HEAD as GET without a body", async () => {
    const { handler } = functionHandler(baseEnv(sts));
    const answer = (await handler(functionUrlEvent("/public/a.txt", {}, {}, "HEAD"))) as ScfAnswer;
    expect(answer.statusCode).toBe(302);
    expect(answer.headers.location).toMatch(/^https:\/\//);
    expect(answer.body).toBe("");
  });

  it("answers CORS preflight for a configured origin only", async () => {
    const { handler } = functionHandler({ ...baseEnv(sts), CORS_ALLOW_ORIGINS: "https://app.example.com" });
    const allowed = (await handler(
      functionUrlEvent("/public/a.txt", {}, { origin: "https://app.example.com" }, "OPTIONS"),
    )) as ScfAnswer;
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(allowed.headers["access-control-allow-methods"]).toContain("GET");
    expect(allowed.headers.allow).toBe("GET, HEAD, OPTIONS");
    const other = (await handler(
      functionUrlEvent("/public/a.txt", {}, { origin: "https://evil.example" }, "OPTIONS"),
    )) as ScfAnswer;
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    // OPTIONS is always answered 204 with Allow; only the CORS headers depend on the origin.
    expect(other.statusCode).toBe(204);
    expect(other.headers.allow).toBe("GET, HEAD, OPTIONS");
    const get = (await handler(
      functionUrlEvent("/public/a.txt", { format: "json" }, { origin: "https://app.example.com" }),
    )) as ScfAnswer;
    expect(get.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    expect(get.headers["access-control-expose-headers"]).toContain("Location");
    expect(get.headers.vary).toBe("Origin");
  });
});

describe("API Gateway events", () => {
  it("strips PATH_PREFIX, reads the real method and takes the gateway's request id", async () => {
    const { handler, logs } = functionHandler({ ...baseEnv(sts), PATH_PREFIX: "/download" });
    const answer = (await handler({
      requestContext: { serviceId: "service-x", path: "/download/{key}", httpMethod: "ANY", stage: "release" },
      headers: { Host: "service-x.gz.apigw.tencentcs.com", "X-Api-RequestId": "gw-req-42" },
      body: "",
      path: "/download/public/%E6%96%87%20x.txt",
      queryString: { disposition: "inline" },
      httpMethod: "GET",
      isBase64Encoded: false,
    })) as ScfAnswer;
    expect(answer.statusCode).toBe(302);
    expect(answer.isBase64Encoded).toBe(false);
    const url = new URL(answer.headers.location ?? "");
    expect(decodeURIComponent(url.pathname)).toBe("/public/文 x.txt");
    expect(url.searchParams.get("response-content-disposition")).toBe("inline");
    expect(logs[0]).toMatchObject({ requestId: "gw-req-42", trigger: "apiGateway" });
  });

  it("prefers requestContext.requestId, the id the gateway's client saw, over SCF's and the header's", async () => {
    const { handler, logs } = functionHandler(baseEnv(sts));
    const event = {
      requestContext: { serviceId: "service-x", requestId: "ctx-req-7", httpMethod: "ANY", stage: "release" },
      headers: { "X-Api-RequestId": "gw-req-43" },
      // Outside ALLOWED_PREFIXES: an error answer, which carries the request id.
      path: "/private/a.txt",
      queryString: {},
      httpMethod: "GET",
    };
    const answer = (await handler(event, { request_id: "scf-req-1" })) as ScfAnswer;
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "AccessDenied" }, requestId: "ctx-req-7" });
    expect(logs[0]).toMatchObject({ requestId: "ctx-req-7" });
    // Without it, SCF's own request id comes first.
    await handler({ ...event, requestContext: { stage: "release" } }, { request_id: "scf-req-2" });
    expect(logs[1]).toMatchObject({ requestId: "scf-req-2" });
  });
});
