import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import COS from "cos-nodejs-sdk-v5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cosErrorCode } from "../../dev/local-cos";
import { type LocalStack, SAMPLE_BUCKET } from "../../dev/local-stack";
import { startLocalStack } from "../support/dev-stack";
import { encodePath } from "../support/function";
import { type FunctionServer, startFunctionServer } from "../support/function-server";

/**
 * The whole flow over real sockets: an ordinary HTTP client asks the function (the built bundle behind the
 * node:http adapter) for a key, follows the redirect to the strict local COS, and gets the file's bytes.
 */
let stack: LocalStack;
let server: FunctionServer;
let origin: string;

beforeAll(async () => {
  stack = await startLocalStack();
  server = await startFunctionServer({
    env: { ...stack.env, ALLOWED_PREFIXES: "hello.txt,images/,data/,reports/" },
    log: () => {},
  });
  origin = server.origin;
});
afterAll(async () => {
  await server.close();
  await stack.close();
});

/** Asks the function for a URL (no redirect followed), so a test can use or tamper with it. */
async function signedUrl(key: string, query = ""): Promise<URL> {
  const answer = await fetch(`${origin}${encodePath(key)}?format=json${query}`);
  expect(answer.status).toBe(200);
  return new URL(((await answer.json()) as { url: string }).url);
}

async function cosError(response: Response): Promise<string> {
  const xml = await response.text();
  return cosErrorCode(xml) ?? `no code in ${xml.slice(0, 80)}`;
}

describe("download through the function", () => {
  it.each(["hello.txt", "images/pixel.png", "data/random.bin", "reports/季度 报告.txt"])(
    "%s arrives byte for byte after following the redirect",
    async (key) => {
      const response = await fetch(`${origin}${encodePath(key)}`);
      expect(response.redirected).toBe(true);
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(readFileSync(resolve(SAMPLE_BUCKET, key)))).toBe(true);
    },
  );

  it("serves a Range request from the signed URL", async () => {
    const url = await signedUrl("data/random.bin");
    const response = await fetch(url, { headers: { range: "bytes=1000-4999" } });
    expect(response.status).toBe(206);
    const expected = readFileSync(resolve(SAMPLE_BUCKET, "data/random.bin")).subarray(1000, 5000);
    expect(Buffer.from(await response.arrayBuffer()).equals(expected)).toBe(true);
    const unsatisfiable = await fetch(url, { headers: { range: "bytes=70000-" } });
    expect(unsatisfiable.status).toBe(416);
  });

  it("delivers filename and disposition as Content-Disposition", async () => {
    const attachment = await fetch(
      `${origin}${encodePath("reports/季度 报告.txt")}?filename=${encodeURIComponent("报告 Q3.txt")}`,
    );
    expect(attachment.status).toBe(200);
    const header = attachment.headers.get("content-disposition") ?? "";
    expect(header).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/);
    expect(decodeURIComponent(header.split("filename*=UTF-8''")[1] ?? "")).toBe("报告 Q3.txt");
    const inline = await fetch(`${origin}/images/pixel.png?disposition=inline`);
    expect(inline.headers.get("content-disposition")).toBe("inline");
  });
});

describe("the local COS refuses what COS would refuse", () => {
  it("a tampered path, signed parameter or signature → 403", async () => {
    const url = await signedUrl("hello.txt", "&filename=a.txt");
    const tampered: URL[] = [];
    const path = new URL(url);
    path.pathname = "/images/pixel.png";
    tampered.push(path);
    const parameter = new URL(url);
    parameter.searchParams.set("response-content-disposition", "inline");
    tampered.push(parameter);
    const signature = new URL(url);
    const sig = signature.searchParams.get("q-signature") ?? "";
    signature.searchParams.set("q-signature", `${sig.slice(0, -1)}${sig.endsWith("0") ? "1" : "0"}`);
    tampered.push(signature);
    const added = new URL(url);
    added.searchParams.set("response-content-type", "text/html");
    tampered.push(added);
    expect((await fetch(url)).status).toBe(200);
    for (const bad of tampered) {
      const response = await fetch(bad);
      expect(response.status, bad.search).toBe(403);
      expect(["SignatureDoesNotMatch", "AccessDenied"]).toContain(await cosError(response));
    }
  });

  it("an expired URL → 403", async () => {
    // A function whose clock runs two hours behind signs URLs that are already over.
    const late = await startFunctionServer({ env: stack.env, now: () => Date.now() - 7_200_000, log: () => {} });
    try {
      const answer = await fetch(`${late.origin}/hello.txt?format=json&expires=60`);
      const url = new URL(((await answer.json()) as { url: string }).url);
      const response = await fetch(url);
      expect(response.status).toBe(403);
      expect(await cosError(response)).toBe("AccessDenied");
    } finally {
      await late.close();
    }
  });

  it("the credential minted for key A, used for key B → 403", async () => {
    const url = await signedUrl("hello.txt");
    const issued = stack.sts.lookupToken(url.searchParams.get("x-cos-security-token") ?? "");
    if (issued === undefined) throw new Error("no credential behind the URL");
    // A correct signature (by the COS SDK) for another object, with hello.txt's temporary key.
    const other = new URL(url);
    other.pathname = "/images/pixel.png";
    const query = { "x-cos-security-token": issued.token };
    const authorization = COS.getAuthorization({
      SecretId: issued.tmpSecretId,
      SecretKey: issued.tmpSecretKey,
      Method: "get",
      Pathname: "/images/pixel.png",
      Query: query,
      Headers: { host: other.host },
      KeyTime: url.searchParams.get("q-key-time") ?? "",
    });
    other.search = `${authorization}&x-cos-security-token=${encodeURIComponent(issued.token)}`;
    const response = await fetch(other);
    expect(response.status).toBe(403);
    expect(await cosError(response)).toBe("AccessDenied");
  });

  it("a key outside the allowed prefixes never gets a URL", async () => {
    const calls = stack.sts.calls.length;
    const response = await fetch(`${origin}/secret/payroll.xlsx`, { redirect: "manual" });
    expect(response.status).toBe(403);
    expect(response.headers.get("location")).toBeNull();
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("AccessDenied");
    expect(stack.sts.calls.length).toBe(calls);
  });
});
