import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../dev/local-stack";
import { run } from "../../scripts/invoke-local";
import { capturedIo } from "../support/cli";
import { startLocalStack } from "../support/dev-stack";
import { BUCKET, baseEnv, CALLER, REGION, ROLE_ARN, useFakeSts } from "../support/function";

const root = resolve(__dirname, "../..");
const sampleSize = (key: string) => statSync(resolve(root, "examples/bucket", key)).size;
const sts = useFakeSts();

/** `npm run invoke -- …` in-process (the test set-up built dist/ already), with only `env` as its environment. */
async function invoke(argv: string[], env: Record<string, string> = {}) {
  const { io, output } = capturedIo();
  const stacks: LocalStack[] = [];
  const code = await run(argv, env, {
    ...io,
    startLocalStack: async (options) => {
      const stack = await startLocalStack(options);
      stacks.push(stack);
      return stack;
    },
  });
  const { stdout, stderr } = output;
  return { code, stdout, stderr, stacks, result: stdout.startsWith("{") ? JSON.parse(stdout) : undefined };
}

describe("npm run invoke with no settings: the local STS and COS", () => {
  it.each([
    ["function-url-get.json", "public/reports/q3.pdf", 302],
    ["api-gateway.json", "public/reports/q3.pdf", 302],
    ["function-url-json.json", "public/季度 报告.txt", 200],
  ])("%s answers %s with a URL the local COS serves (--download)", async (file, key, status) => {
    const { code, result, stderr, stacks } = await invoke(["-p", `events/${file}`, "--download"]);
    expect(code, stderr).toBe(0);
    expect(stacks).toHaveLength(1);
    expect(stderr).toContain(`no COS_BUCKET set: using the local STS (${stacks[0]?.sts.url})`);
    expect(result.statusCode).toBe(status);
    const url = new URL(status === 302 ? result.headers.location : JSON.parse(result.body).url);
    expect(url.origin).toBe(stacks[0]?.cos.origin);
    expect(decodeURIComponent(url.pathname)).toBe(`/${key}`);
    expect(stderr).toContain(`GET ${key} → 200, ${sampleSize(key)} bytes`);
    // The stack is stopped when the command ends.
    await expect(fetch(url)).rejects.toThrow();
  });

  it("answers the direct event and the batch for real, and the batch's typo entry with its own error", async () => {
    const direct = await invoke(["-p", "events/direct.json", "--download"]);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.result).toMatchObject({ key: "public/reports/q3.pdf", expiresIn: 600 });
    expect(direct.stderr).toContain(`GET public/reports/q3.pdf → 200, ${sampleSize("public/reports/q3.pdf")} bytes`);

    const batch = await invoke(["-p", "events/batch.json", "--download"]);
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.result.results.map((r: { key: string; error?: { code: string } }) => r.error?.code ?? r.key)).toEqual([
      "public/reports/q3.pdf",
      "public/季度 报告.txt",
      "InvalidParameter",
    ]);
    expect(batch.stderr.match(/→ 200, \d+ bytes/g)).toHaveLength(2);
  });

  it("takes the event with -d and settings with -e over the local defaults", async () => {
    const { code, result } = await invoke(["-d", '{"key":"hello.txt"}', "-e", "URL_EXPIRES_SECONDS=120"]);
    expect(code).toBe(0);
    expect(result).toMatchObject({ key: "hello.txt", expiresIn: 120 });
    const narrowed = await invoke(["-d", '{"key":"hello.txt"}', "-e", "ALLOWED_PREFIXES=public/"]);
    expect(narrowed.result.error.code).toBe("AccessDenied");
  });

  it("exits 1 when a download is refused, saying with which COS code", async () => {
    const { code, stderr } = await invoke(["-d", '{"key":"public/no-such-file.pdf"}', "--download"]);
    expect(code).toBe(1);
    expect(stderr).toContain("GET public/no-such-file.pdf → 404 NoSuchKey");
  });

  it("stops on a bad configuration: exit 1, every problem listed, no secret, nothing invoked", async () => {
    const { code, stdout, stderr, stacks } = await invoke([
      "-p",
      "events/direct.json",
      "-e",
      "AUTH_MODE=bogus",
      "-e",
      "URL_EXPIRES_SECONDS=soon",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(
      /configuration has 2 problems; not invoking:\n {2}- .*URL_EXPIRES_SECONDS.*\n {2}- .*AUTH_MODE/,
    );
    const env = stacks[0]?.env ?? {};
    for (const secret of [env.STS_SECRET_ID, env.STS_SECRET_KEY]) expect(stderr).not.toContain(secret);
    expect(stacks[0]?.sts.calls).toHaveLength(0);
  });
});

describe("npm run invoke with another serverless.yml (-c) and its .env", () => {
  const folder = mkdtempSync(join(tmpdir(), "invoke-local-"));
  // serverless.yml's own syntax for a variable from the environment, written here as the framework reads it.
  const fromEnv = (name: string) => `$\{env:${name}}`;
  writeFileSync(
    join(folder, "serverless.yml"),
    [
      "inputs:",
      "  handler: handler.main_handler",
      "  environment:",
      "    variables:",
      `      AUTH_MODE: ${fromEnv("AUTH_MODE")}`,
      `      URL_EXPIRES_SECONDS: ${fromEnv("URL_EXPIRES_SECONDS")}`,
      "",
    ].join("\n"),
  );
  // The handler file beside the yml, as in the deployed zip (a fresh instance each run, like index.js).
  copyFileSync(resolve(root, "dist/index.js"), join(folder, "handler.js"));
  writeFileSync(join(folder, ".env"), "URL_EXPIRES_SECONDS=90\nAUTH_MODE=bogus\n");
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("resolves env references from the environment first, then the .env beside the yml, and loads its handler", async () => {
    const { code, result, stderr } = await invoke(["-c", join(folder, "serverless.yml"), "-d", '{"key":"hello.txt"}'], {
      AUTH_MODE: "none",
    });
    expect(code, stderr).toBe(0);
    expect(result).toMatchObject({ key: "hello.txt", expiresIn: 90 });
    const fromDotenv = await invoke(["-c", join(folder, "serverless.yml"), "-d", '{"key":"hello.txt"}']);
    expect(fromDotenv.code).toBe(1);
    expect(fromDotenv.stderr).toContain('AUTH_MODE: unknown mode "bogus"');
  });
});

describe("npm run invoke with COS_BUCKET set: real STS", () => {
  /** A real configuration, with no STS_ENDPOINT: each test says which STS it means. */
  const realEnv = (): Record<string, string> => {
    const { STS_ENDPOINT: _, ...real } = baseEnv(sts);
    return { ...real, ALLOWED_PREFIXES: "public/" } as Record<string, string>;
  };

  it("says so, and calls the STS_ENDPOINT of the environment", async () => {
    const { code, stdout, stderr, result, stacks } = await invoke(["-p", "events/function-url-get.json"], {
      ...realEnv(),
      STS_ENDPOINT: sts.url,
    });
    expect(code, stderr).toBe(0);
    expect(stacks).toHaveLength(0);
    expect(stderr).toContain(`COS_BUCKET is set: the function calls real STS at ${sts.url}`);
    expect(new URL(result.headers.location).host).toBe(`${BUCKET}.cos.${REGION}.myqcloud.com`);
    expect(sts.calls.at(-1)).toMatchObject({ action: "AssumeRole", roleArn: ROLE_ARN });
    for (const output of [stdout, stderr]) expect(output).not.toContain(CALLER.secretKey);
  });

  it("names the public STS host when nothing else is set (checked without calling it: the config is bad)", async () => {
    const { code, stderr } = await invoke(["-p", "events/direct.json", "-e", "AUTH_MODE=bogus"], realEnv());
    expect(code).toBe(1);
    expect(stderr).toContain("calls real STS at sts.tencentcloudapi.com (the default)");
  });
});

describe("npm run invoke: usage", () => {
  it("prints help on --help, and refuses a missing event or an unknown option with exit 2", async () => {
    const help = await invoke(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: npm run invoke");
    for (const argv of [
      [],
      ["--bogus"],
      ["-p"],
      ["-d", "{"],
      ["-d", "{}", "-e", "NOEQUALS"],
      ["-p", "nope.json"],
      ["-d", "{}", "--context", "{bad"],
      ["-d", "{}", "--context", "[1]"],
    ]) {
      const { code, stdout, stderr } = await invoke(argv);
      expect(code, argv.join(" ")).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain("usage: npm run invoke");
    }
  });
});

describe("npm run invoke as a process", () => {
  it("prints the function's log line, then the 302, then the download", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      resolve(root, "node_modules/.bin/tsx"),
      ["scripts/invoke-local.ts", "-p", "events/function-url-get.json", "--download"],
      { cwd: root, env: { PATH: process.env.PATH ?? "" }, timeout: 15_000 },
    );
    const [logLine, ...rest] = stdout.trimEnd().split("\n");
    const log = JSON.parse(logLine ?? "");
    expect(log).toMatchObject({ trigger: "functionUrl", code: "OK", key: "public/reports/q3.pdf" });
    // The context is SCF-shaped: its request_id becomes the log's requestId.
    expect(log.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(rest.join("\n")).statusCode).toBe(302);
    expect(stderr).toContain(`GET public/reports/q3.pdf → 200, ${sampleSize("public/reports/q3.pdf")} bytes`);
  });
});
