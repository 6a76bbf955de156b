import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../dev/local-stack";
import { run } from "../../scripts/dev-server";
import { capturedIo } from "../support/cli";
import { startLocalStack } from "../support/dev-stack";

const root = resolve(__dirname, "../..");
/** A .env for these tests alone, so a developer's own .env cannot change what they see. */
const dotenvFolder = mkdtempSync(join(tmpdir(), "dev-server-"));
writeFileSync(join(dotenvFolder, ".env"), "URL_EXPIRES_SECONDS=120\nAUTH_MODE=link\n");
afterAll(() => rmSync(dotenvFolder, { recursive: true, force: true }));

interface Started {
  readonly origin: string;
  readonly stack: LocalStack | undefined;
  output(): string;
  stop(): Promise<number>;
}

/** `npm start` in-process on an ephemeral port; `env` is its whole environment. */
async function start(env: Record<string, string> = {}): Promise<Started> {
  // npm start prints console lines, never a URL's token: both streams go to the secret check.
  const { output, io } = capturedIo({ recordStdout: true });
  let stack: LocalStack | undefined;
  const stop = new AbortController();
  let listening: (origin: string) => void = () => {};
  const origin = new Promise<string>((done) => {
    listening = done;
  });
  const exited = run(
    [],
    { PORT: "0", ...env },
    {
      ...io,
      startLocalStack: async (options) => {
        stack = await startLocalStack(options);
        return stack;
      },
      signal: stop.signal,
      listening,
      dotenvFolder,
    },
  );
  const first = await Promise.race([origin, exited]);
  if (typeof first === "number") throw new Error(`npm start exited ${first}:\n${output.both}`);
  return {
    origin: first,
    stack,
    output: () => output.both,
    stop: () => {
      stop.abort();
      return exited;
    },
  };
}

describe("npm start in-process", () => {
  it("serves the whole flow and prints one console line per request, with the key", async () => {
    const started = await start({ AUTH_MODE: "none" });
    expect(started.output()).not.toContain("with AUTH_MODE");
    try {
      const response = await fetch(`${started.origin}/hello.txt`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(readFileSync(resolve(root, "examples/bucket/hello.txt"), "utf8"));
      expect(started.output()).toMatch(/GET hello\.txt → 302 [\d.]+ ms {2}credential miss/);
      expect(started.output()).toMatch(/COS GET hello\.txt → 200/);
      expect(started.output()).toContain("try:");
      // Every sample the banner offers is served.
      const samples = started.output().match(/'?http:\/\/127\.0\.0\.1:\d+\/[^\s']+/g) ?? [];
      expect(samples.length).toBeGreaterThanOrEqual(4);
      for (const path of samples) {
        const answer = await fetch(path.replace(/^'/, ""));
        expect(answer.status, path).toBe(200);
      }
    } finally {
      expect(await started.stop()).toBe(0);
    }
    expect(started.output()).toMatch(/stopped\n$/);
    // The local stack stopped with it.
    await expect(fetch(started.stack?.cos.origin ?? "http://127.0.0.1:1")).rejects.toThrow();
  });

  it("keeps the local stack's connection when the environment holds real STS settings but no bucket", async () => {
    const started = await start({
      AUTH_MODE: "none",
      STS_ENDPOINT: "sts.tencentcloudapi.com",
      STS_SECRET_ID: "AKIDsomeoneREAL000000000000000001",
      STS_SECRET_KEY: "someoneRealSecretKey000000000001",
    });
    try {
      const response = await fetch(`${started.origin}/hello.txt`);
      expect(response.status).toBe(200);
      expect(started.stack?.sts.calls.at(-1)?.outcome).toBe("issued");
    } finally {
      await started.stop();
    }
  });

  it("shows an error's code and message on the console line", async () => {
    const started = await start({ AUTH_MODE: "none" });
    try {
      expect((await fetch(`${started.origin}/hello.txt?fileName=x`, { redirect: "manual" })).status).toBe(400);
      expect((await fetch(`${started.origin}/a//b`, { redirect: "manual" })).status).toBe(400);
    } finally {
      await started.stop();
    }
    expect(started.output()).toContain(
      'GET /hello.txt → 400 InvalidParameter (unknown parameter "fileName": did you mean "filename"?)',
    );
    expect(started.output()).toMatch(/GET a\/\/b → 400 InvalidKey \(.+\)/);
  });

  it("tells how to get credentials when AUTH_MODE needs them (here link, from .env)", async () => {
    const started = await start({ LINK_SECRET: "dev-server-test-link-secret-0123456789" });
    try {
      expect((await fetch(`${started.origin}/hello.txt`, { redirect: "manual" })).status).toBe(401);
    } finally {
      await started.stop();
    }
    expect(started.output()).toContain("with AUTH_MODE=link, use a link from npm run -s sign-link");
  });

  it("takes the environment over .env over the local defaults: COS_CHECK_EXISTS=true answers 404", async () => {
    const started = await start({ AUTH_MODE: "none", COS_CHECK_EXISTS: "true" });
    try {
      const missing = await fetch(`${started.origin}/no-such-file`, { redirect: "manual" });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NoSuchKey");
      // URL_EXPIRES_SECONDS came from .env; AUTH_MODE=link there lost to the environment's none.
      const present = await fetch(`${started.origin}/hello.txt?format=json`);
      expect(((await present.json()) as { expiresIn: number }).expiresIn).toBe(120);
    } finally {
      await started.stop();
    }
  });

  it("stops on a bad configuration: exit 1, every problem listed, no secret, nothing served", async () => {
    const { output: streams, io } = capturedIo({ recordStdout: true });
    let stack: LocalStack | undefined;
    const code = await run(
      [],
      { PORT: "0", AUTH_MODE: "bogus", URL_MAX_EXPIRES_SECONDS: "0" },
      {
        ...io,
        startLocalStack: async (options) => {
          stack = await startLocalStack(options);
          return stack;
        },
        dotenvFolder,
      },
    );
    expect(code).toBe(1);
    const output = streams.both;
    expect(output).toMatch(
      /configuration has 2 problems; not starting:\n {2}- URL_MAX_EXPIRES_SECONDS.*\n {2}- .*AUTH_MODE/,
    );
    expect(output).not.toContain("listening");
    for (const secret of [stack?.env.STS_SECRET_ID, stack?.env.STS_SECRET_KEY]) expect(output).not.toContain(secret);
    await expect(fetch(stack?.cos.origin ?? "http://127.0.0.1:1")).rejects.toThrow();
  });
});

/** Ends the whole process group (npm, its shell, tsx and node), whatever state it is in. */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** True while any process of the child's group (npm, sh, tsx, node) is still running. */
function groupAlive(child: ChildProcess): boolean {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm start as a process", { timeout: 30_000 }, () => {
  it("serves within 10 s and stops cleanly on Ctrl-C (SIGINT to the whole group)", async () => {
    const child = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so nothing can outlive the test
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once("exit", (code, signal) => done({ code, signal })),
    );
    const guard = setTimeout(() => killGroup(child), 20_000);
    try {
      await expect.poll(() => output, { timeout: 10_000 }).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      const origin = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      const response = await fetch(`${origin}/hello.txt`);
      expect(response.status).toBe(200);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGINT");
    }
    const exit = await exited;
    clearTimeout(guard);
    // npm re-raises the signal it was stopped by; the server itself closed its sockets and said so.
    expect(exit.code === 0 || exit.signal === "SIGINT", JSON.stringify(exit)).toBe(true);
    await expect.poll(() => output, { timeout: 5_000 }).toContain("stopped");
    await expect.poll(() => groupAlive(child), { timeout: 5_000 }).toBe(false);
    expect(output).not.toMatch(/Error|failed/);
  });
});
