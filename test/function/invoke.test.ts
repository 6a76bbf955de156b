import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BUCKET, CALLER, REGION, ROLE_ARN, useFakeSts } from "../support/function";

const run = promisify(execFile);
const root = resolve(__dirname, "../..");
const sts = useFakeSts();

/** `npm run invoke` minus its build step (the test setup built dist/ already). */
async function invoke(args: string[], extraEnv: string[] = []) {
  const env = [
    `COS_BUCKET=${BUCKET}`,
    `COS_REGION=${REGION}`,
    `STS_ENDPOINT=${sts.url}`,
    `STS_SECRET_ID=${CALLER.secretId}`,
    `STS_SECRET_KEY=${CALLER.secretKey}`,
    `STS_ROLE_ARN=${ROLE_ARN}`,
    "ALLOWED_PREFIXES=public/",
    "AUTH_MODE=none",
    ...extraEnv,
  ].flatMap((pair) => ["-e", pair]);
  const { stdout } = await run(resolve(root, "node_modules/.bin/tsx"), ["scripts/invoke-local.ts", ...args, ...env], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "" },
    timeout: 15_000,
  });
  // The function's own log lines come first, one JSON object each; the result is printed last.
  const lines = stdout.trimEnd().split("\n");
  const logs = lines.filter((line) => line.startsWith('{"requestId"')).map((line) => JSON.parse(line));
  const result = JSON.parse(lines.filter((line) => !line.startsWith('{"requestId"')).join("\n"));
  return { logs, result };
}

describe("npm run invoke", () => {
  it("runs a Function URL GET event and answers 302", async () => {
    const { result, logs } = await invoke(["-p", "events/function-url-get.json"]);
    expect(result.statusCode).toBe(302);
    expect(decodeURIComponent(new URL(result.headers.location).pathname)).toBe("/public/reports/q3.pdf");
    expect(logs[0]).toMatchObject({ trigger: "functionUrl", code: "OK" });
    // The context is SCF-shaped: its request_id becomes the log's requestId.
    expect(logs[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("runs a Function URL JSON event", async () => {
    const { result } = await invoke(["-p", "events/function-url-json.json"]);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ key: "public/季度 报告.txt", expiresIn: 120 });
  });

  it("runs an API Gateway event with PATH_PREFIX", async () => {
    const { result } = await invoke(["-p", "events/api-gateway.json"], ["PATH_PREFIX=/download"]);
    expect(result.statusCode).toBe(302);
    expect(new URL(result.headers.location).pathname).toBe("/public/images/pixel.png");
  });

  it("runs a direct invocation and a batch", async () => {
    const direct = await invoke(["-p", "events/direct.json"]);
    expect(direct.result).toMatchObject({ key: "public/reports/q3.pdf", expiresIn: 600 });
    const batch = await invoke(["-p", "events/batch.json"]);
    expect(batch.result.results.map((r: { key: string; error?: { code: string } }) => r.error?.code ?? r.key)).toEqual([
      "public/reports/q3.pdf",
      "public/季度 报告.txt",
      "AccessDenied",
    ]);
  });

  it("takes the event inline with -d", async () => {
    const { result } = await invoke(["-d", '{"key":"public/x.txt"}']);
    expect(result.key).toBe("public/x.txt");
  });

  it("answers ConfigError when serverless.yml's variables are unresolved", async () => {
    const { stdout } = await run(
      resolve(root, "node_modules/.bin/tsx"),
      ["scripts/invoke-local.ts", "-d", '{"key":"public/x.txt"}'],
      { cwd: root, env: { PATH: process.env.PATH ?? "" }, timeout: 15_000 },
    );
    expect(stdout).toContain('"ConfigError"');
    expect(stdout).toContain("COS_BUCKET");
  });
});
