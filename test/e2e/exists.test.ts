import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_BUCKET, LOCAL_REGION, type LocalStack } from "../../dev/local-stack";
import { createHandler } from "../../src/index";
import type { FunctionOptions } from "../../src/invocation";
import { startLocalStack } from "../support/dev-stack";
import { type FunctionServer, startFunctionServer } from "../support/function-server";

/**
 * COS_CHECK_EXISTS end to end: the built bundle behind the node:http adapter, the fake STS and the strict
 * local COS, which checks the HEAD's signature, token and policy exactly as it checks a download's.
 */
let stack: LocalStack;
const servers: FunctionServer[] = [];

async function serve(options: FunctionOptions): Promise<string> {
  const server = await startFunctionServer(options);
  servers.push(server);
  return server.origin;
}

let checking: string;
let notChecking: string;
const checkingLogs: Record<string, unknown>[] = [];

beforeAll(async () => {
  stack = await startLocalStack();
  checking = await serve({
    env: { ...stack.env, COS_CHECK_EXISTS: "true" },
    log: (record) => checkingLogs.push({ ...record }),
  });
  notChecking = await serve({ env: stack.env, log: () => {} });
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await stack.close();
});
beforeEach(() => {
  stack.cos.requests.length = 0;
  stack.sts.reset();
});

function policyActions(): unknown {
  const call = stack.sts.calls.at(-1);
  return (call?.policy as { statement: { action: unknown }[] } | undefined)?.statement[0]?.action;
}

describe("COS_CHECK_EXISTS=true", () => {
  it("checks with a HEAD under the same one-object key, then redirects to a download that works", async () => {
    const answer = await fetch(`${checking}/hello.txt`, { redirect: "manual" });
    expect(answer.status).toBe(302);
    expect(stack.cos.requests).toEqual([{ method: "HEAD", key: "hello.txt", status: 200 }]);
    expect(policyActions()).toEqual(["name/cos:GetObject", "name/cos:HeadObject"]);
    const download = await fetch(answer.headers.get("location") as string);
    expect(download.status).toBe(200);
    expect(await download.text()).toContain("Hello");
  });

  it("answers 404 NoSuchKey for a key with no object, and signs nothing for it", async () => {
    const answer = await fetch(`${checking}/reports/no-such-report.txt?format=json`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ error: { code: "NoSuchKey", message: expect.any(String) } });
    expect(stack.cos.requests).toEqual([
      { method: "HEAD", key: "reports/no-such-report.txt", status: 404, code: "NoSuchKey" },
    ]);
    // The log line says what COS answered, and never carries the signed HEAD URL.
    const line = checkingLogs.at(-1);
    expect(line).toMatchObject({ code: "NoSuchKey", status: 404, detail: { cosStatus: "404" } });
    expect(JSON.stringify(line)).not.toMatch(/q-signature|x-cos-security-token/);
  });

  it("checks a CJK key with a space through the same encoding as the link", async () => {
    const answer = await fetch(`${checking}/reports/${encodeURIComponent("季度 报告.txt")}?format=json`);
    expect(answer.status).toBe(200);
    expect(stack.cos.requests).toEqual([{ method: "HEAD", key: "reports/季度 报告.txt", status: 200 }]);
  });

  it('checks the asked-for version: the local COS keeps only version "null"', async () => {
    const missing = await fetch(`${checking}/hello.txt?format=json&versionId=MTg0NDUxNTc1NjIzMTQ1MDAwODg`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "NoSuchKey" } });
    const current = await fetch(`${checking}/hello.txt?format=json&versionId=null`);
    expect(current.status).toBe(200);
    expect(stack.cos.requests.map((entry) => [entry.method, entry.status, entry.code])).toEqual([
      ["HEAD", 404, "NoSuchVersion"],
      ["HEAD", 200, undefined],
    ]);
  });

  it("reports a missing key per entry in a batch, the others still signed", async () => {
    const handler = createHandler({ env: { ...stack.env, COS_CHECK_EXISTS: "true" }, log: () => {} });
    const answer = (await handler({ keys: ["hello.txt", "missing.txt"] }, { request_id: "batch-1" })) as {
      results: { key: string; url?: string; error?: { code: string } }[];
    };
    expect(answer.results).toEqual([
      expect.objectContaining({ key: "hello.txt", bucket: LOCAL_BUCKET, url: expect.stringContaining("/hello.txt?") }),
      expect.objectContaining({ key: "missing.txt", error: expect.objectContaining({ code: "NoSuchKey" }) }),
    ]);
  });
});

describe("COS_CHECK_EXISTS=true with COS out of reach", () => {
  it("answers 503 StorageServiceUnavailable with Retry-After, not a link that may not work", async () => {
    // A port nothing listens on: the connection is refused at once.
    const closed = await new Promise<number>((done) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => done(port));
      });
    });
    const origin = await serve({
      env: { ...stack.env, COS_DOMAIN: `http://127.0.0.1:${closed}`, COS_CHECK_EXISTS: "true" },
      log: () => {},
    });
    const answer = await fetch(`${origin}/hello.txt`, { redirect: "manual" });
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("1");
    expect(await answer.json()).toMatchObject({ error: { code: "StorageServiceUnavailable" } });
  });
});

describe("COS_CHECK_EXISTS unset (the default)", () => {
  it("signs without asking COS, with a GetObject-only key, so a missing object fails only at download", async () => {
    const answer = await fetch(`${notChecking}/missing.txt`, { redirect: "manual" });
    expect(answer.status).toBe(302);
    expect(stack.cos.requests).toEqual([]);
    expect(policyActions()).toEqual(["name/cos:GetObject"]);
    expect(stack.sts.calls.at(-1)?.region).toBe(LOCAL_REGION);
    const download = await fetch(answer.headers.get("location") as string);
    expect(download.status).toBe(404);
  });
});
