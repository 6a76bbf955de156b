import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import COS from "cos-nodejs-sdk-v5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cosErrorCode, type LocalCos, type LocalCosToken, startLocalCos } from "../../dev/local-cos";

const BUCKET = "examplebucket-1250000000";
const APPID = "1250000000";
const REGION = "ap-guangzhou";
const SAMPLES = fileURLToPath(new URL("../../examples/bucket/", import.meta.url));
const CJK_KEY = "reports/季度 报告.txt";

/** A fixed clock, so time windows are exact. */
const NOW_S = 1_700_000_100;
const NOW_MS = NOW_S * 1000 + 250;

interface Issued {
  readonly token: string;
  readonly secretId: string;
  readonly secretKey: string;
}

const tokens = new Map<string, LocalCosToken>();

function resource(key: string): string {
  return `qcs::cos:${REGION}:uid/${APPID}:${BUCKET}/${key}`;
}

function oneObjectPolicy(key: string, actions: readonly string[] = ["name/cos:GetObject"]): unknown {
  return { version: "2.0", statement: [{ effect: "allow", action: actions, resource: [resource(key)] }] };
}

/** What the local STS would hand out: a fresh temporary key bound to a token and a policy. */
function issue(policy: unknown, expiresAt = NOW_S + 1800): Issued {
  const issued = {
    token: `tok_${randomBytes(12).toString("hex")}`,
    secretId: `AKIDtmp${randomBytes(8).toString("hex")}`,
    secretKey: randomBytes(24).toString("base64"),
  };
  tokens.set(issued.token, { secretId: issued.secretId, secretKey: issued.secretKey, expiresAt, policy });
  return issued;
}

/** COS's encoding: everything but `A-Z a-z 0-9 - _ . ~`, upper-case hex. Written here, not taken from src/. */
function cosEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function encodeKey(key: string): string {
  return `/${key.split("/").map(cosEncode).join("/")}`;
}

interface SignInput {
  readonly cred: Issued;
  readonly key: string;
  readonly host: string;
  readonly method?: string;
  /** Extra signed parameters, COS spelling. */
  readonly query?: Readonly<Record<string, string>>;
  readonly keyTime?: string;
  /** Default true. False leaves the token out of the signature (but still on the URL). */
  readonly signToken?: boolean;
  /** Default true. False signs no headers at all. */
  readonly signHost?: boolean;
  /** The path to send instead of the encoded key. */
  readonly rawPath?: string;
}

/** A pre-signed path+query, signed by cos-nodejs-sdk-v5 and assembled by hand. */
function sign(input: SignInput): string {
  const signToken = input.signToken ?? true;
  const extra = input.query ?? {};
  const signedQuery: Record<string, string> = signToken
    ? { ...extra, "x-cos-security-token": input.cred.token }
    : { ...extra };
  const method: string = input.method ?? "get";
  const authorization = COS.getAuthorization({
    SecretId: input.cred.secretId,
    SecretKey: input.cred.secretKey,
    // The SDK's Method type lists no HEAD, but getAuth only lower-cases the string.
    Method: method as COS.Method,
    Pathname: `/${input.key}`,
    Query: signedQuery,
    Headers: input.signHost === false ? {} : { host: input.host },
    KeyTime: input.keyTime ?? `${NOW_S - 60};${NOW_S + 600}`,
  });
  const params = [authorization, `x-cos-security-token=${cosEncode(input.cred.token)}`];
  for (const [name, value] of Object.entries(extra)) params.push(`${cosEncode(name)}=${cosEncode(value)}`);
  return `${input.rawPath ?? encodeKey(input.key)}?${params.join("&")}`;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly code: string | undefined;
}

/** node:http, not fetch: it sends the path exactly as given (no dot-segment clean-up) and any method. */
function send(
  cos: LocalCos,
  target: string,
  init: { method?: string; headers?: Record<string, string>; agent?: Agent | false } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: Number(cos.host.split(":")[1]),
        path: target,
        method: init.method ?? "GET",
        headers: init.headers ?? {},
        agent: init.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            code: cosErrorCode(body.toString("utf8")),
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Starts a download and drops the connection as soon as the headers arrive. */
function abortAfterHeaders(cos: LocalCos, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: Number(cos.host.split(":")[1]), path: target, agent: false },
      (res) => {
        res.destroy();
        req.destroy();
        resolve();
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? resolve() : reject(error)));
    req.end();
  });
}

function startOn(root: string): Promise<LocalCos> {
  return startLocalCos({
    root,
    bucket: BUCKET,
    region: REGION,
    resolveToken: (token) => tokens.get(token),
    now: () => NOW_MS,
  });
}

describe("local COS over examples/bucket", () => {
  let cos: LocalCos;

  beforeAll(async () => {
    cos = await startOn(SAMPLES);
  });
  afterAll(async () => {
    await cos.close();
  });

  const getSigned = (key: string, extra: Partial<SignInput> = {}, headers: Record<string, string> = {}) => {
    const cred = extra.cred ?? issue(oneObjectPolicy(key));
    return send(cos, sign({ key, host: cos.host, ...extra, cred }), { headers });
  };

  it("listens on 127.0.0.1 and reports its origin and host", () => {
    expect(cos.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cos.origin).toBe(`http://${cos.host}`);
  });

  it.each([
    ["hello.txt", "text/plain; charset=utf-8"],
    ["images/pixel.png", "image/png"],
    ["data/random.bin", "application/octet-stream"],
    [CJK_KEY, "text/plain; charset=utf-8"],
  ])("GET %s returns the exact file bytes and COS headers", async (key, type) => {
    const expected = await readFile(path.join(SAMPLES, key));
    const answer = await getSigned(key);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(expected)).toBe(true);
    expect(answer.headers["content-type"]).toBe(type);
    expect(answer.headers["content-length"]).toBe(String(expected.length));
    expect(answer.headers["accept-ranges"]).toBe("bytes");
    expect(answer.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(answer.headers["last-modified"]).toMatch(/GMT$/);
    expect(answer.headers["x-cos-request-id"]).toBeTruthy();
  });

  it("ETag is the quoted MD5 of the content", async () => {
    const { createHash } = await import("node:crypto");
    const expected = createHash("md5")
      .update(await readFile(path.join(SAMPLES, "hello.txt")))
      .digest("hex");
    const answer = await getSigned("hello.txt");
    expect(answer.headers.etag).toBe(`"${expected}"`);
  });

  it("HEAD with a HeadObject policy answers headers only", async () => {
    const key = "data/random.bin";
    const cred = issue(oneObjectPolicy(key, ["name/cos:GetObject", "name/cos:HeadObject"]));
    const answer = await send(cos, sign({ cred, key, host: cos.host, method: "head" }), { method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(0);
    expect(answer.headers["content-length"]).toBe("65536");
  });

  it("HEAD with a GetObject-only policy is AccessDenied", async () => {
    const key = "hello.txt";
    const cred = issue(oneObjectPolicy(key));
    const answer = await send(cos, sign({ cred, key, host: cos.host, method: "head" }), { method: "HEAD" });
    expect(answer.status).toBe(403);
    // A HEAD answer has no body, so the code is read from the request log.
    expect(cos.requests.at(-1)).toEqual({ method: "HEAD", key, status: 403, code: "AccessDenied" });
  });

  it("a GET-signed URL used for HEAD fails the signature (the method is signed)", async () => {
    const key = "hello.txt";
    const cred = issue(oneObjectPolicy(key, ["name/cos:GetObject", "name/cos:HeadObject"]));
    const answer = await send(cos, sign({ cred, key, host: cos.host }), { method: "HEAD" });
    expect(answer.status).toBe(403);
    expect(cos.requests.at(-1)).toEqual({ method: "HEAD", key, status: 403, code: "SignatureDoesNotMatch" });
  });

  describe("Range", () => {
    const key = "data/random.bin";
    let bytes: Buffer;
    beforeAll(async () => {
      bytes = await readFile(path.join(SAMPLES, key));
    });

    it.each([
      ["bytes=100-199", 100, 199],
      ["bytes=65000-", 65000, 65535],
      ["bytes=-10", 65526, 65535],
      ["bytes=65530-70000", 65530, 65535],
      ["bytes=-100000", 0, 65535],
    ])("%s → 206 with the exact slice", async (range, start, end) => {
      const answer = await getSigned(key, {}, { range });
      expect(answer.status).toBe(206);
      expect(answer.headers["content-range"]).toBe(`bytes ${start}-${end}/65536`);
      expect(answer.headers["content-length"]).toBe(String(end - start + 1));
      expect(answer.body.equals(bytes.subarray(start, end + 1))).toBe(true);
    });

    it.each(["bytes=65536-", "bytes=70000-70010", "bytes=-0"])("%s → 416 InvalidRange", async (range) => {
      const answer = await getSigned(key, {}, { range });
      expect(answer.status).toBe(416);
      expect(answer.code).toBe("InvalidRange");
      expect(answer.headers["content-range"]).toBe("bytes */65536");
    });

    it.each(["bytes=0-1,5-6", "bytes=9-3", "items=0-1"])(
      "%s is ignored: 200 with the whole object (documented)",
      async (range) => {
        const answer = await getSigned(key, {}, { range });
        expect(answer.status).toBe(200);
        expect(answer.body.equals(bytes)).toBe(true);
      },
    );
  });

  it("honours signed response-* overrides", async () => {
    const disposition = "attachment; filename=\"report.txt\"; filename*=UTF-8''%E5%AD%A3%E5%BA%A6.txt";
    const answer = await getSigned(CJK_KEY, {
      query: {
        "response-content-disposition": disposition,
        "response-content-type": "application/octet-stream",
        "response-cache-control": "no-store",
        "response-content-language": "zh-CN",
        "response-expires": "Thu, 01 Jan 1970 00:00:00 GMT",
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-disposition"]).toBe(disposition);
    expect(answer.headers["content-type"]).toBe("application/octet-stream");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(answer.headers["content-language"]).toBe("zh-CN");
    expect(answer.headers.expires).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("refuses a response-* value that would split the header", async () => {
    const answer = await getSigned("hello.txt", { query: { "response-content-disposition": "inline\r\nX-Evil: 1" } });
    expect(answer.status).toBe(400);
    expect(answer.code).toBe("InvalidArgument");
    expect(answer.headers["x-evil"]).toBeUndefined();
  });

  describe("signature", () => {
    // Each case signs hello.txt, changes one signed part of the URL, and expects COS to recompute another
    // signature. The changed path needs a policy that allows it, or the policy check would answer first.
    const DISPOSITION = { "response-content-disposition": "attachment" };
    it.each([
      {
        change: "a changed q-signature",
        tamper: (url: string) =>
          url.replace(/q-signature=([0-9a-f]+)/, (_, sig: string) => {
            const last = sig.endsWith("0") ? "1" : "0";
            return `q-signature=${sig.slice(0, -1)}${last}`;
          }),
      },
      {
        change: "a changed path",
        anyKey: true,
        tamper: (url: string) => url.replace("/hello.txt?", "/data/random.bin?"),
      },
      {
        change: "a changed signed parameter",
        query: DISPOSITION,
        tamper: (url: string) =>
          url.replace("response-content-disposition=attachment", "response-content-disposition=inline"),
      },
      {
        change: "a dropped signed parameter",
        query: DISPOSITION,
        tamper: (url: string) => url.replace("&response-content-disposition=attachment", ""),
      },
    ])("$change → 403 SignatureDoesNotMatch", async ({ query, anyKey, tamper }) => {
      const key = "hello.txt";
      const policy = anyKey
        ? {
            version: "2.0",
            statement: [{ effect: "allow", action: ["name/cos:GetObject"], resource: [resource("*")] }],
          }
        : oneObjectPolicy(key);
      const target = sign({ cred: issue(policy), key, host: cos.host, ...(query ? { query } : {}) });
      const tampered = tamper(target);
      expect(tampered).not.toBe(target);
      const answer = await send(cos, tampered);
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("SignatureDoesNotMatch");
    });

    it("an added unsigned parameter → 403 AccessDenied (strict signature mode)", async () => {
      const key = "hello.txt";
      const target = sign({ cred: issue(oneObjectPolicy(key)), key, host: cos.host });
      const answer = await send(cos, `${target}&response-content-type=text%2Fhtml`);
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
      expect(answer.body.toString()).toContain("Strict signature missing param that must be signed");
    });

    it("an unsigned token (the Node SDK's style) → 403 AccessDenied (strict signature mode)", async () => {
      const key = "hello.txt";
      const answer = await getSigned(key, { signToken: false });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
    });

    it("a signature without host → 403 AccessDenied (strict signature mode)", async () => {
      const answer = await getSigned("hello.txt", { signHost: false });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
      expect(answer.body.toString()).toContain("Strict signature missing header that must be signed");
    });

    it("a URL signed for another host → 403 SignatureDoesNotMatch", async () => {
      const answer = await getSigned("hello.txt", { host: "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com" });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("SignatureDoesNotMatch");
    });

    it("a Host header naming another server → 404 NoSuchBucket", async () => {
      const key = "hello.txt";
      const target = sign({ cred: issue(oneObjectPolicy(key)), key, host: "localhost:1" });
      const answer = await send(cos, target, { headers: { host: "localhost:1" } });
      expect(answer.status).toBe(404);
      expect(answer.code).toBe("NoSuchBucket");
    });

    it("no signature at all → 403 AccessDenied (private bucket)", async () => {
      const answer = await send(cos, "/hello.txt");
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
    });

    it("a signature missing one q-* pair → 403 AccessDenied", async () => {
      const key = "hello.txt";
      const target = sign({ cred: issue(oneObjectPolicy(key)), key, host: cos.host });
      const answer = await send(cos, target.replace(/&q-key-time=[^&]*/, ""));
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
    });
  });

  describe("time", () => {
    it('an ended q-sign-time → 403 AccessDenied "Request has expired"', async () => {
      const answer = await getSigned("hello.txt", { keyTime: `${NOW_S - 1000};${NOW_S - 1}` });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
      expect(answer.body.toString()).toContain("<Message>Request has expired</Message>");
    });

    it("the last second of q-sign-time is still valid", async () => {
      const answer = await getSigned("hello.txt", { keyTime: `${NOW_S - 1000};${NOW_S}` });
      expect(answer.status).toBe(200);
    });

    it("a start beyond the skew → 403 RequestTimeTooSkewed", async () => {
      const answer = await getSigned("hello.txt", { keyTime: `${NOW_S + 901};${NOW_S + 2000}` });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("RequestTimeTooSkewed");
    });

    it("a start within the skew is accepted", async () => {
      const answer = await getSigned("hello.txt", { keyTime: `${NOW_S + 900};${NOW_S + 2000}` });
      expect(answer.status).toBe(200);
    });
  });

  describe("temporary key", () => {
    it("an unknown token → 403 InvalidAccessKeyId", async () => {
      const cred = { ...issue(oneObjectPolicy("hello.txt")), token: "tok_unknown" };
      const answer = await getSigned("hello.txt", { cred });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("InvalidAccessKeyId");
    });

    it("q-ak that is not the token's SecretId → 403 InvalidAccessKeyId", async () => {
      const a = issue(oneObjectPolicy("hello.txt"));
      const b = issue(oneObjectPolicy("hello.txt"));
      const answer = await getSigned("hello.txt", { cred: { ...a, token: b.token } });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("InvalidAccessKeyId");
    });

    it("an expired token → 403 InvalidAccessKeyId even inside the URL's window", async () => {
      const cred = issue(oneObjectPolicy("hello.txt"), NOW_S);
      const answer = await getSigned("hello.txt", { cred });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("InvalidAccessKeyId");
    });

    it("a wrong SecretKey → 403 SignatureDoesNotMatch", async () => {
      const cred = { ...issue(oneObjectPolicy("hello.txt")), secretKey: "not-the-key" };
      const answer = await getSigned("hello.txt", { cred });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("SignatureDoesNotMatch");
    });
  });

  describe("policy", () => {
    it("a token for key A cannot read key B → 403 AccessDenied", async () => {
      const cred = issue(oneObjectPolicy("hello.txt"));
      const answer = await getSigned("data/random.bin", { cred });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
    });

    it("a prefix of the key is not the key", async () => {
      const cred = issue(oneObjectPolicy("hello"));
      const answer = await getSigned("hello.txt", { cred });
      expect(answer.status).toBe(403);
      expect(answer.code).toBe("AccessDenied");
    });

    it("a wildcard resource widens the grant, as in CAM (the function never sends one)", async () => {
      const cred = issue({
        version: "2.0",
        statement: [{ effect: "allow", action: "name/cos:GetObject", resource: resource("data/*") }],
      });
      expect((await getSigned("data/random.bin", { cred })).status).toBe(200);
      expect((await getSigned("hello.txt", { cred })).status).toBe(403);
    });

    it("a policy for another bucket or region grants nothing", async () => {
      const otherBucket = issue({
        version: "2.0",
        statement: [
          {
            effect: "allow",
            action: ["name/cos:GetObject"],
            resource: [resource("hello.txt").replace(BUCKET, "other-1250000000")],
          },
        ],
      });
      const otherRegion = issue({
        version: "2.0",
        statement: [
          {
            effect: "allow",
            action: ["name/cos:GetObject"],
            resource: [resource("hello.txt").replace(REGION, "ap-beijing")],
          },
        ],
      });
      expect((await getSigned("hello.txt", { cred: otherBucket })).status).toBe(403);
      expect((await getSigned("hello.txt", { cred: otherRegion })).status).toBe(403);
    });

    it("deny wins over allow, and a conditional allow is not honoured", async () => {
      const denied = issue({
        version: "2.0",
        statement: [
          { effect: "allow", action: ["name/cos:*"], resource: [resource("*")] },
          { effect: "deny", action: ["name/cos:GetObject"], resource: [resource("hello.txt")] },
        ],
      });
      const conditional = issue({
        version: "2.0",
        statement: [
          {
            effect: "allow",
            action: ["name/cos:GetObject"],
            resource: [resource("hello.txt")],
            condition: { ip_equal: { "qcs:ip": "10.0.0.1" } },
          },
        ],
      });
      expect((await getSigned("hello.txt", { cred: denied })).status).toBe(403);
      expect((await getSigned("images/pixel.png", { cred: denied })).status).toBe(200);
      expect((await getSigned("hello.txt", { cred: conditional })).status).toBe(403);
    });

    it("a policy that is not a CAM policy grants nothing", async () => {
      expect((await getSigned("hello.txt", { cred: issue("nonsense") })).status).toBe(403);
      expect((await getSigned("hello.txt", { cred: issue({ statement: [{ effect: "allow" }] }) })).status).toBe(403);
    });
  });

  describe("parameters", () => {
    it("versionId=null reads the object; any other version → 404 NoSuchVersion", async () => {
      expect((await getSigned("hello.txt", { query: { versionId: "null" } })).status).toBe(200);
      const answer = await getSigned("hello.txt", { query: { versionId: "MTg0NDUxNTc1NjIzMTQ1MDAwODg" } });
      expect(answer.status).toBe(404);
      expect(answer.code).toBe("NoSuchVersion");
    });

    it("x-cos-traffic-limit inside 819200–838860800 is accepted, outside → 400 InvalidArgument", async () => {
      expect((await getSigned("hello.txt", { query: { "x-cos-traffic-limit": "819200" } })).status).toBe(200);
      expect((await getSigned("hello.txt", { query: { "x-cos-traffic-limit": "838860800" } })).status).toBe(200);
      for (const value of ["819199", "838860801", "fast", ""]) {
        const answer = await getSigned("hello.txt", { query: { "x-cos-traffic-limit": value } });
        expect(answer.status).toBe(400);
        expect(answer.code).toBe("InvalidArgument");
      }
    });
  });

  describe("keys and errors", () => {
    it("a missing key → 404 NoSuchKey with a COS XML error body", async () => {
      const answer = await getSigned("nope.txt");
      expect(answer.status).toBe(404);
      expect(answer.code).toBe("NoSuchKey");
      expect(answer.headers["content-type"]).toBe("application/xml");
      expect(answer.headers["x-cos-request-id"]).toBeTruthy();
      const body = answer.body.toString("utf8");
      expect(body.startsWith("<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>NoSuchKey</Code><Message>")).toBe(
        true,
      );
      expect(body).toContain(`<Resource>${cos.host}/nope.txt</Resource>`);
      expect(body).toContain(`<RequestId>${answer.headers["x-cos-request-id"] as string}</RequestId>`);
    });

    it("a directory is NoSuchKey", async () => {
      expect((await getSigned("images")).code).toBe("NoSuchKey");
      expect((await getSigned("images/")).code).toBe("NoSuchKey");
    });

    it.each(["/%E4%B8", "/%zz.txt", "/hello.txt?response-content-type=%G1"])(
      "malformed percent-encoding %s → 400 InvalidURI",
      async (target) => {
        const answer = await send(cos, target);
        expect(answer.status).toBe(400);
        expect(answer.code).toBe("InvalidURI");
      },
    );

    it("a repeated parameter → 400 InvalidArgument", async () => {
      const key = "hello.txt";
      const target = sign({ cred: issue(oneObjectPolicy(key)), key, host: cos.host, query: { versionId: "null" } });
      const answer = await send(cos, `${target}&versionid=null`);
      expect(answer.status).toBe(400);
      expect(answer.code).toBe("InvalidArgument");
    });

    it.each(["POST", "PUT", "DELETE", "OPTIONS"])("%s → 405 MethodNotAllowed", async (method) => {
      const answer = await send(cos, "/hello.txt", { method });
      expect(answer.status).toBe(405);
      expect(answer.code).toBe("MethodNotAllowed");
    });

    it("logs each request without its query (no token, no signature)", async () => {
      const cred = issue(oneObjectPolicy(CJK_KEY));
      const before = cos.requests.length;
      await getSigned(CJK_KEY, { cred });
      await send(cos, "/%zz?x-cos-security-token=secret-token");
      const added = cos.requests.slice(before);
      expect(added).toEqual([
        { method: "GET", key: CJK_KEY, status: 200 },
        { method: "GET", key: "/%zz", status: 400, code: "InvalidURI" },
      ]);
      const log = JSON.stringify(cos.requests);
      expect(log).not.toContain(cred.token);
      expect(log).not.toContain("secret-token");
      expect(log).not.toContain("q-signature");
    });
  });
});

describe("local COS keeps to its root", () => {
  let dir: string;
  let cos: LocalCos;
  const SECRET = "TOP SECRET, outside the bucket";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "local-cos-"));
    const root = path.join(dir, "root");
    await mkdir(path.join(root, "dir"), { recursive: true });
    await writeFile(path.join(root, "inside.txt"), "inside");
    await writeFile(path.join(dir, "secret.txt"), SECRET);
    await symlink(path.join(dir, "secret.txt"), path.join(root, "escape.txt"));
    await symlink(dir, path.join(root, "up"));
    cos = await startOn(root);
  });
  afterAll(async () => {
    await cos.close();
    await rm(dir, { recursive: true, force: true });
  });

  // A policy that allows every key, so only the key rules stand between the request and the disk.
  const everything = () =>
    issue({
      version: "2.0",
      statement: [{ effect: "allow", action: ["name/cos:GetObject"], resource: [resource("*")] }],
    });

  it("serves a file inside root", async () => {
    const answer = await send(cos, sign({ cred: everything(), key: "inside.txt", host: cos.host }));
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toBe("inside");
  });

  it.each([
    ["/..%2Fsecret.txt", "../secret.txt"],
    ["/../secret.txt", "../secret.txt"],
    ["/%2E%2E/secret.txt", "../secret.txt"],
    ["/dir/..%2F..%2Fsecret.txt", "dir/../../secret.txt"],
    ["/dir/../../secret.txt", "dir/../../secret.txt"],
    ["/..%5Csecret.txt", "..\\secret.txt"],
    ["/%2F..%2Fsecret.txt", "/../secret.txt"],
    [`/${encodeURIComponent(path.join("..", "secret.txt"))}`, path.join("..", "secret.txt")],
    ["/escape.txt", "escape.txt"],
    ["/up/secret.txt", "up/secret.txt"],
    ["/inside.txt%00", "inside.txt\0"],
    ["/./inside.txt", "./inside.txt"],
    ["/dir//..//secret.txt", "dir//..//secret.txt"],
  ])("%s never reads outside root (404 NoSuchKey)", async (rawPath, key) => {
    const answer = await send(cos, sign({ cred: everything(), key, host: cos.host, rawPath }));
    expect(answer.status).toBe(404);
    expect(answer.code).toBe("NoSuchKey");
    expect(answer.body.toString()).not.toContain(SECRET);
  });

  it("an absolute path as the key never reads the file system", async () => {
    const key = path.join(dir, "secret.txt");
    const answer = await send(cos, sign({ cred: everything(), key, host: cos.host }));
    expect(answer.status).toBe(404);
    expect(answer.body.toString()).not.toContain(SECRET);
  });
});

describe("local COS lifecycle", () => {
  it("close() ends kept-alive connections and frees the port", async () => {
    const cos = await startOn(SAMPLES);
    const agent = new Agent({ keepAlive: true });
    try {
      const key = "hello.txt";
      const answer = await send(cos, sign({ cred: issue(oneObjectPolicy(key)), key, host: cos.host }), { agent });
      expect(answer.status).toBe(200);
      // And a request still being sent: Node's close() leaves such a connection open by itself (an idle
      // kept-alive one it would close anyway), until its headers timeout a minute later.
      const [hostname, port] = cos.host.split(":");
      const halfSent = connect(Number(port), hostname);
      await new Promise<void>((resolve) => halfSent.once("connect", resolve));
      halfSent.write("GET /hello.txt HTTP/1.1\r\n");
      halfSent.on("error", () => {});
      const started = Date.now();
      await cos.close();
      expect(Date.now() - started).toBeLessThan(2000);
      await expect(send(cos, "/hello.txt")).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });

  it.skipIf(!existsSync("/proc/self/fd"))(
    "leaves no file open after full, partial, HEAD, failed and aborted reads",
    async () => {
      const cos = await startOn(SAMPLES);
      const openFiles = async () => (await readdir("/proc/self/fd")).length;
      try {
        const key = "data/random.bin";
        const cred = issue(oneObjectPolicy(key, ["name/cos:GetObject", "name/cos:HeadObject"]));
        const target = sign({ cred, key, host: cos.host });
        await send(cos, target); // warm up lazily opened descriptors
        const before = await openFiles();
        for (let i = 0; i < 20; i++) {
          await send(cos, target);
          await send(cos, target, { headers: { range: "bytes=10-20" } });
          await send(cos, target, { headers: { range: "bytes=70000-" } });
          await send(cos, sign({ cred, key, host: cos.host, method: "head" }), { method: "HEAD" });
          await abortAfterHeaders(cos, target);
        }
        // The server side of an aborted download notices the reset asynchronously.
        await new Promise((done) => setTimeout(done, 100));
        expect(await openFiles()).toBeLessThanOrEqual(before);
      } finally {
        await cos.close();
      }
    },
  );

  it("uses the port it is given", async () => {
    const probe = await startOn(SAMPLES);
    const port = Number(probe.host.split(":")[1]);
    await probe.close();
    const cos = await startLocalCos({
      root: SAMPLES,
      bucket: BUCKET,
      region: REGION,
      resolveToken: () => undefined,
      port,
    });
    try {
      expect(cos.host).toBe(`127.0.0.1:${port}`);
    } finally {
      await cos.close();
    }
  });
});
