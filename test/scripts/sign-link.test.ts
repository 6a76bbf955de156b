import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../../scripts/sign-link";
import { authorize } from "../../src/auth";
import { httpRequest, LINK_SECRET, NOW, NOW_S, settingsFrom } from "../auth/support";
import { capturedIo } from "../support/cli";

const root = join(__dirname, "../..");

/** `npm run -s sign-link -- …` in-process, with only LINK_SECRET in its environment and the clock at NOW. */
function signLink(args: string[], env: Record<string, string> = { LINK_SECRET }) {
  const { io, output } = capturedIo();
  const code = run(args, env, { ...io, now: () => NOW });
  return { code, ...output };
}

describe("npm run sign-link", () => {
  const settings = settingsFrom({ AUTH_MODE: "link", LINK_SECRET });

  it("prints a full URL whose link passes authorize, with every option", async () => {
    const { code, stdout, stderr } = signLink([
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
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(`valid until ${new Date((NOW_S + 7 * 86_400) * 1000).toISOString()}`);
    expect(stderr).toContain("COS URL valid for 600 s");
    for (const output of [stdout, stderr]) expect(output).not.toContain(LINK_SECRET);

    const url = new URL(stdout.trim());
    expect(url.origin).toBe("https://gw.example");
    expect(url.pathname.startsWith("/release/cos-presign/reports/2025/")).toBe(true);
    const key = url.pathname.slice("/release/cos-presign/".length).split("/").map(decodeURIComponent).join("/");
    expect(key).toBe("reports/2025/Q3 résumé.pdf");
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      exp: String(NOW_S + 7 * 86_400),
      filename: "Q3 résumé & co.pdf",
      disposition: "inline",
      versionId: "MTg0NDUx",
      trafficLimit: "819200",
      expires: "600",
    });
    const exp = Number(params.exp);
    await expect(authorize(settings, httpRequest(key, params), NOW)).resolves.toEqual({ via: "link" });
    await expect(authorize(settings, httpRequest(key, params), exp * 1000)).rejects.toThrow("link expired");
    // --expires is signed: the link's holder cannot stretch the COS URL it hands out.
    await expect(authorize(settings, httpRequest(key, { ...params, expires: "604800" }), NOW)).rejects.toThrow(
      "link signature does not match",
    );
  });

  it("prints the path and query alone without --base-url; --exp sets the expiry outright", () => {
    const { code, stdout } = signLink(["a/b.txt", "--exp", "4102444800"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\/a\/b\.txt\?exp=4102444800&sig=[A-Za-z0-9_-]{43}\n$/);
  });

  it("prints its help on stdout for --help and -h", () => {
    for (const flag of ["--help", "-h"]) {
      const { code, stdout, stderr } = signLink([flag], {});
      expect(code).toBe(0);
      expect(stdout).toContain("usage: npm run -s sign-link");
      expect(stdout).toContain("--allow-expired");
      expect(stderr).toBe("");
    }
  });

  it("refuses a link that would already be expired, unless --allow-expired", async () => {
    for (const exp of [NOW_S - 1, NOW_S]) {
      const refused = signLink(["a.txt", "--exp", String(exp)]);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(`--exp ${exp} (${new Date(exp * 1000).toISOString()}) is already past`);
    }
    const allowed = signLink(["a.txt", "--exp", String(NOW_S - 1), "--allow-expired"]);
    expect(allowed.code).toBe(0);
    const params = Object.fromEntries(new URL(allowed.stdout.trim(), "https://fn.example").searchParams);
    await expect(authorize(settings, httpRequest("a.txt", params), NOW)).rejects.toThrow("link expired");
    expect(signLink(["a.txt", "--exp", String(NOW_S + 1)]).code).toBe(0);
  });

  it("names the LINK_SECRET problem alone when the secret is what is wrong", () => {
    const missing = signLink(["a.txt", "--ttl", "1d"], {});
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("LINK_SECRET is not set in the environment");
    expect(missing.stderr).not.toContain("usage");
    const short = signLink(["a.txt", "--ttl", "1d"], { LINK_SECRET: "short-secret" });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("shorter than 32 bytes");
    expect(short.stderr).not.toContain("short-secret");
  });

  it.each([
    [["--ttl", "1d"], "give the object key"],
    [["a.txt"], "say how long the link lives"],
    [["a.txt", "--ttl", "soon"], '--ttl "soon" is not a duration'],
    [["a.txt", "--ttl", "0"], '--ttl "0" is not a duration'],
    [["a.txt", "--ttl", "1d", "--bogus"], "Unknown option '--bogus'"],
    [["a.txt", "b.txt", "--ttl", "1d"], 'give exactly one object key (also got "b.txt")'],
    [["a.txt", "--ttl", "1d", "--exp", "4102444800"], "give --ttl or --exp, not both"],
    [["a.txt", "--exp", "soon"], '--exp "soon" is not Unix seconds'],
    [["a.txt", "--exp", "04102444800"], '--exp "04102444800" is not Unix seconds'],
    // An expiry past what a link can carry is refused, not a crash with a stack trace.
    [["a.txt", "--ttl", "999999999w"], '--ttl "999999999w" is longer than 10 years'],
    [["a.txt", "--ttl", "1d", "--expires", "0"], '--expires "0" must be a whole number of seconds'],
    [["a.txt", "--ttl", "1d", "--expires", "0600"], '--expires "0600"'],
    [["a.txt", "--ttl", "1d", "--expires", "1.5"], '--expires "1.5"'],
    [["a.txt", "--ttl", "1d", "--expires", "10m"], '--expires "10m"'],
    [["a.txt", "--ttl", "1d", "--expires", "604801"], '--expires "604801"'],
    [["a.txt", "--ttl", "1d", "--expires"], "'--expires <value>' argument missing"],
    // What the function itself would refuse: its key and option rules, not copies of them.
    [["a//b.txt", "--ttl", "1d"], "segment"],
    [["a.txt", "--ttl", "1d", "--disposition", "Inline"], "disposition"],
    [["a.txt", "--ttl", "1d", "--traffic-limit", "5"], "trafficLimit"],
    [
      ["a.txt", "--ttl", "1d", "--traffic-limit", "0819200"],
      '--traffic-limit "0819200" must be written as a whole number',
    ],
  ])("refuses %j, naming the problem (%s), with the usage line and no LINK_SECRET noise", (args, problem) => {
    const { code, stdout, stderr } = signLink(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(problem);
    expect(stderr).toContain("usage: npm run -s sign-link");
    expect(stderr).not.toContain("LINK_SECRET");
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("npm run sign-link as a process", () => {
  it("prints only the link on stdout with npm run -s", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      "npm",
      ["run", "-s", "sign-link", "--", "a/b.txt", "--exp", "4102444800"],
      { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME ?? "/tmp", LINK_SECRET }, timeout: 15_000 },
    );
    expect(stdout).toMatch(/^\/a\/b\.txt\?exp=4102444800&sig=[A-Za-z0-9_-]{43}\n$/);
    expect(stderr).toContain("valid until 2100-01-01T00:00:00.000Z");
  });
});
