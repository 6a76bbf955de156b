import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");

interface Started {
  readonly child: ChildProcess;
  readonly origin: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

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

/** `npm start` itself, on an ephemeral port, with no Tencent settings in its environment. */
async function start(extraEnv: Record<string, string> = {}): Promise<Started> {
  const child = spawn("npm", ["start", "--silent"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so nothing can outlive the test
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const origin = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      killGroup(child);
      fail(new Error(`no answer within 10 s:\n${output}`));
    }, 10_000);
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined && output.includes("try:")) {
        clearInterval(poll);
        clearTimeout(timer);
        done(match[1]);
      }
    }, 50);
    child.once("exit", () => {
      clearInterval(poll);
      clearTimeout(timer);
      fail(new Error(`npm start exited:\n${output}`));
    });
  });
  return { child, origin, output: () => output, exited };
}

describe("npm start", { timeout: 40_000 }, () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "serves the whole flow within 10 s and stops cleanly on %s",
    async (signal) => {
      const started = await start();
      try {
        const response = await fetch(`${started.origin}/hello.txt`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(readFileSync(resolve(root, "examples/bucket/hello.txt"), "utf8"));
        expect(started.output()).toMatch(/GET hello\.txt → 302 [\d.]+ ms/);
        expect(started.output()).toContain("curl -L");
      } finally {
        // As a terminal's Ctrl-C (or a process manager stopping a group) does: the signal reaches the whole
        // foreground group, npm and the server alike.
        if (started.child.pid !== undefined) process.kill(-started.child.pid, signal);
      }
      const guard = setTimeout(() => killGroup(started.child), 10_000);
      const exit = await started.exited;
      clearTimeout(guard);
      // npm re-raises the signal it was stopped by; the server itself closed its sockets and said so.
      expect(exit.code === 0 || exit.signal === signal, JSON.stringify(exit)).toBe(true);
      await expect.poll(() => started.output(), { timeout: 5_000 }).toContain("stopped");
      await expect.poll(() => groupAlive(started.child), { timeout: 5_000 }).toBe(false);
      expect(started.output()).not.toMatch(/Error|failed/);
    },
  );

  it("takes settings from the environment over the local defaults: COS_CHECK_EXISTS=true answers 404", async () => {
    const started = await start({ COS_CHECK_EXISTS: "true" });
    try {
      const missing = await fetch(`${started.origin}/no-such-file`, { redirect: "manual" });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("NoSuchKey");
      const present = await fetch(`${started.origin}/hello.txt`, { redirect: "manual" });
      expect(present.status).toBe(302);
    } finally {
      killGroup(started.child);
      await started.exited;
    }
  });
});
