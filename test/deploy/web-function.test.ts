/**
 * The web function as SCF runs it: dist/web/ (built by `npm run build`, as web/serverless.yml's hook does), its
 * scf_bootstrap started as a program with the deployed settings in its environment, answering the HTTP contract
 * over a real socket against the dev stack. The only change to the folder: a copy of scf_bootstrap names this
 * test's node (process.execPath, or WEB_TEST_NODE) instead of SCF's /var/lang/node18/bin/node, which does not exist
 * here; and PORT=0 replaces SCF's port 9000 so parallel runs cannot collide. One process spawn. On SCF's own Node:
 *   WEB_TEST_NODE="$(npx -y -p node@18.15.0 -c 'which node')" npx vitest run test/deploy/web-function.test.ts
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../dev/local-stack";
import { SCF_NODE_PATH, WEB_DIR } from "../../scripts/web-folder.mjs";
import { startLocalStack } from "../support/dev-stack";
import { recordOutput } from "../support/hygiene";

const ROOT = resolve(__dirname, "../..");
const FOLDER = resolve(ROOT, WEB_DIR);
const BOOTSTRAP = resolve(FOLDER, "scf_bootstrap");
const NODE = process.env.WEB_TEST_NODE || process.execPath;

describe("dist/web/scf_bootstrap follows SCF's rules (doc 583/56126)", () => {
  const text = readFileSync(BOOTSTRAP, "utf8");

  it("is executable, starts with #!/bin/bash, has LF line ends only", () => {
    expect(statSync(BOOTSTRAP).mode & 0o777).toBe(0o755);
    expect(text.startsWith("#!/bin/bash\n")).toBe(true);
    expect(text).not.toContain("\r");
    expect(text.endsWith("\n")).toBe(true);
  });

  it("runs the bundle beside it with node by its absolute path, replacing the shell (so SIGTERM reaches node)", () => {
    expect(SCF_NODE_PATH).toBe("/var/lang/node18/bin/node");
    expect(text).toContain(`\nexec ${SCF_NODE_PATH} "$(dirname "$0")/server.js"\n`);
  });
});

interface Running {
  readonly child: ChildProcess;
  readonly origin: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A copy of dist/web/ whose scf_bootstrap names this test's node, started as SCF starts it. */
async function startBootstrap(folder: string, env: Record<string, string>): Promise<Running> {
  copyFileSync(resolve(FOLDER, "server.js"), join(folder, "server.js"));
  const bootstrap = join(folder, "scf_bootstrap");
  writeFileSync(bootstrap, readFileSync(BOOTSTRAP, "utf8").replace(SCF_NODE_PATH, NODE));
  chmodSync(bootstrap, 0o755);

  const child = spawn(bootstrap, [], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? "", ...env, PORT: "0", SCF_FUNCTIONNAME: "cos-presign-web-test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const port = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`scf_bootstrap did not listen within 10 s:\n${output}`)), 10_000);
    const poll = setInterval(() => {
      const match = /listening on 0\.0\.0\.0:(\d+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearInterval(poll);
        clearTimeout(timer);
        done(match[1]);
      }
    }, 20);
    child.once("exit", () => {
      clearInterval(poll);
      clearTimeout(timer);
      fail(new Error(`scf_bootstrap exited:\n${output}`));
    });
  });
  return { child, origin: `http://127.0.0.1:${port}`, output: () => output, exited };
}

describe("the web function started by scf_bootstrap", () => {
  let stack: LocalStack;
  let folder: string;
  let running: Running;

  beforeAll(async () => {
    stack = await startLocalStack();
    folder = mkdtempSync(join(tmpdir(), "cos-presign-web-"));
    running = await startBootstrap(folder, { ...(stack.env as Record<string, string>), AUTH_MODE: "none" });
  });
  afterAll(async () => {
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL");
    // Everything it printed goes through the suite's secret-hygiene check.
    recordOutput(running.output());
    await stack.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("answers 302 with a Location the local COS serves, byte for byte", async () => {
    const answer = await fetch(`${running.origin}/hello.txt`, { redirect: "manual" });
    expect(answer.status).toBe(302);
    const location = answer.headers.get("location") ?? "";
    expect(location.startsWith(`${stack.cos.origin}/hello.txt?`)).toBe(true);
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(readFileSync(resolve(ROOT, "examples/bucket/hello.txt"), "utf8"));
  });

  it("answers JSON with format=json", async () => {
    const answer = await fetch(`${running.origin}/images/pixel.png?format=json&expires=120`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await answer.json()).toMatchObject({ key: "images/pixel.png", expiresIn: 120 });
  });

  it("answers a bad request with its stable error code", async () => {
    const answer = await fetch(`${running.origin}/hello.txt?expires=soon`);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("InvalidParameter");
  });

  it("answers HEAD like GET without a body, and OPTIONS with the allowed methods", async () => {
    const head = await fetch(`${running.origin}/hello.txt`, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(302);
    expect(head.headers.get("location")).toContain("/hello.txt?");
    expect(await head.text()).toBe("");
    const options = await fetch(`${running.origin}/hello.txt`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("logs one JSON line per request and stops cleanly on SIGTERM, kept-alive connections and all", async () => {
    const lines = running
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    expect(lines.map((line) => (JSON.parse(line) as { status: number }).status)).toEqual([302, 200, 400, 302, 204]);

    const stopping = Date.now();
    running.child.kill("SIGTERM");
    const guard = setTimeout(() => running.child.kill("SIGKILL"), 8_000);
    const exit = await running.exited;
    clearTimeout(guard);
    expect(exit).toEqual({ code: 0, signal: null });
    // Well before the 5 s grace period, though this test's fetch holds a kept-alive connection. Node 20 closes idle
    // connections on close() by itself; on Node 18.15 (WEB_TEST_NODE) this fails without closeIdleConnections().
    expect(Date.now() - stopping).toBeLessThan(2_500);
    expect(running.output()).not.toMatch(/Error|at /);
  });
});
