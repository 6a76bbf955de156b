import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { authorize } from "../../src/auth";
import { httpRequest, LINK_SECRET, settingsFrom } from "./support";

const run = promisify(execFile);
const root = join(__dirname, "../..");
const tsx = join(root, "node_modules/.bin/tsx");

/** Runs `tsx scripts/sign-link.ts …` as `npm run sign-link -- …` would, with only the given LINK_SECRET. */
async function signLinkCli(args: string[], secret: string | undefined) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (secret !== undefined) env.LINK_SECRET = secret;
  try {
    const { stdout, stderr } = await run(tsx, ["scripts/sign-link.ts", ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run sign-link", () => {
  const settings = settingsFrom({ AUTH_MODE: "link", LINK_SECRET });

  it("prints a full URL whose link passes authorize, with every option", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, stdout, stderr } = await signLinkCli(
      [
        "reports/2025/Q3 résumé.pdf",
        "--ttl",
        "7d",
        "--filename",
        "Q3 résumé & co.pdf",
        "--disposition",
        "inline",
        "--version-id",
        "MTg0NDUx",
        "--traffic-limit",
        "819200",
        "--expires",
        "600",
        "--base-url",
        "https://gw.example/release/cos-presign/",
      ],
      LINK_SECRET,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/valid until \d{4}-\d\d-\d\dT/);
    expect(stderr).toContain("COS URL valid for 600 s");
    for (const output of [stdout, stderr]) expect(output).not.toContain(LINK_SECRET);

    const url = new URL(stdout.trim());
    expect(url.origin).toBe("https://gw.example");
    expect(url.pathname.startsWith("/release/cos-presign/reports/2025/")).toBe(true);
    const key = url.pathname.slice("/release/cos-presign/".length).split("/").map(decodeURIComponent).join("/");
    expect(key).toBe("reports/2025/Q3 résumé.pdf");
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      filename: "Q3 résumé & co.pdf",
      disposition: "inline",
      versionId: "MTg0NDUx",
      trafficLimit: "819200",
      expires: "600",
    });
    const exp = Number(params.exp);
    expect(exp - before).toBeGreaterThanOrEqual(7 * 86_400);
    expect(exp - before).toBeLessThanOrEqual(7 * 86_400 + 60);

    await expect(authorize(settings, httpRequest(key, params), Date.now())).resolves.toEqual({ via: "link" });
    await expect(authorize(settings, httpRequest(key, params), exp * 1000)).rejects.toThrow("link expired");
    // --expires is signed: the link's holder cannot stretch the COS URL it hands out.
    await expect(authorize(settings, httpRequest(key, { ...params, expires: "604800" }), Date.now())).rejects.toThrow(
      "link signature does not match",
    );
  });

  it("prints the path and query alone without --base-url; --exp sets the expiry outright", async () => {
    const { code, stdout } = await signLinkCli(["a/b.txt", "--exp", "4102444800"], LINK_SECRET);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/a\/b\.txt\?exp=4102444800&sig=[A-Za-z0-9_-]{43}\n$/);
  });

  it("refuses to run without a good LINK_SECRET, a key or a lifetime, or with a bad --expires", async () => {
    // One child process each, run side by side: tsx's start-up dominates.
    const [missing, short, ...usage] = await Promise.all([
      signLinkCli(["a.txt", "--ttl", "1d"], undefined),
      signLinkCli(["a.txt", "--ttl", "1d"], "short-secret"),
      signLinkCli(["--ttl", "1d"], LINK_SECRET),
      signLinkCli(["a.txt"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "soon"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--bogus"], LINK_SECRET),
      signLinkCli(["a.txt", "b.txt", "--ttl", "1d"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--exp", "4102444800"], LINK_SECRET),
      signLinkCli(["a.txt", "--exp", "soon"], LINK_SECRET),
      signLinkCli(["a.txt", "--exp", "04102444800"], LINK_SECRET),
      // An expiry past what a link can carry is refused, not a crash with a stack trace.
      signLinkCli(["a.txt", "--ttl", "999999999w"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires", "0"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires", "0600"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires", "1.5"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires", "10m"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires", "604801"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--expires"], LINK_SECRET),
      // What the function itself would refuse: its key and option rules, not copies of them.
      signLinkCli(["a//b.txt", "--ttl", "1d"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--disposition", "Inline"], LINK_SECRET),
      signLinkCli(["a.txt", "--ttl", "1d", "--traffic-limit", "5"], LINK_SECRET),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("LINK_SECRET is not set");

    expect(short.code).toBe(2);
    expect(short.stderr).toContain("shorter than 32 bytes");
    expect(short.stderr).not.toContain("short-secret");

    for (const result of usage) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("usage: npm run sign-link");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
