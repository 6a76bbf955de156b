import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorize, type LinkOptions, signLink } from "../../src/auth";
import { linkPath, linkQuery } from "../../src/auth/link";
import { httpRequest, LINK_SECRET, NOW, NOW_S, settingsFrom } from "./support";

// The dependency-free minting recipes in docs/auth.md, taken from the document itself, so the doc cannot drift.
const doc = readFileSync(join(__dirname, "../../docs/auth.md"), "utf8");

function recipe(name: string, language: string): string {
  const match = new RegExp(`<!-- recipe:${name} -->\\n\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (match?.[1] === undefined) {
    throw new Error(`docs/auth.md has no recipe:${name} block`);
  }
  return match[1];
}

/** As the doc promises; its examples also pass `expires` as a number, which must sign like its decimal text. */
type Mint = (secret: string, key: string, exp: number, options?: LinkOptions | { expires?: number }) => string;

// The snippet is evaluated verbatim, as a reader would paste it; `new Function` yields an untyped value, cast to
// the signature the doc promises.
const nodeMint = new Function("require", `${recipe("node", "js")}\nreturn presignLink;`)(
  createRequire(__filename),
) as Mint;

const settings = settingsFrom({ AUTH_MODE: "link", LINK_SECRET });

/** What the HTTP layer would hand `authorize` for a minted path+query: the key decoded, the query decoded. */
function received(pathAndQuery: string) {
  const url = new URL(`https://fn.example${pathAndQuery}`);
  const key = url.pathname.slice(1).split("/").map(decodeURIComponent).join("/");
  return { key, params: Object.fromEntries(url.searchParams) };
}

// Keys as the key rules allow (non-empty segments, no "." or ".."), in any script; options likewise.
const segment = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 10 })
  .filter((s) => s !== "." && s !== ".." && !s.includes("/"));
const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join("/"));
const option = fc.option(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), { nil: undefined });
// expires: sometimes a realistic lifetime, sometimes any text (the signature covers the raw value either way).
const expires = fc.option(fc.oneof(fc.integer({ min: 1, max: 604_800 }).map(String), fc.string({ minLength: 1 })), {
  nil: undefined,
});
const options = fc
  .record({ filename: option, disposition: option, versionId: option, trafficLimit: option, expires })
  .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as LinkOptions);
const exp = fc.integer({ min: NOW_S + 1, max: NOW_S + 5 * 365 * 86_400 });

describe("docs/auth.md minting recipes", () => {
  it("Node: the recipe's signature equals signLink's, and its link passes authorize", async () => {
    fc.assert(
      fc.property(key, exp, options, (k, e, o) => {
        const minted = nodeMint(LINK_SECRET, k, e, o);
        expect(minted).toBe(`${linkPath(k)}?${linkQuery(LINK_SECRET, k, e, o)}`);
        expect(received(minted).params.sig).toBe(signLink(LINK_SECRET, k, e, o));
      }),
    );
    const minted = received(nodeMint(LINK_SECRET, "reports/Q3 résumé.pdf", NOW_S + 60, { filename: "a b.pdf" }));
    await expect(authorize(settings, httpRequest(minted.key, minted.params), NOW)).resolves.toEqual({ via: "link" });

    const withExpires = received(nodeMint(LINK_SECRET, "reports/q3.pdf", NOW_S + 60, { expires: 600 }));
    expect(withExpires.params.expires).toBe("600");
    expect(withExpires.params.sig).toBe(signLink(LINK_SECRET, "reports/q3.pdf", NOW_S + 60, { expires: "600" }));
    await expect(authorize(settings, httpRequest(withExpires.key, withExpires.params), NOW)).resolves.toEqual({
      via: "link",
    });
    const stretched = { ...withExpires.params, expires: "604800" };
    await expect(authorize(settings, httpRequest(withExpires.key, stretched), NOW)).rejects.toThrow(
      "link signature does not match",
    );
  });

  const python = spawnSync("python3", ["--version"]).status === 0;

  it.skipIf(!python)("Python: the recipe's links pass authorize for random keys and options", async () => {
    const cases = fc.sample(fc.tuple(key, exp, options), { numRuns: 200, seed: 42 });
    // The last line: expires given as an int, as the doc's example does, must sign like its decimal text.
    const program = `${recipe("python", "python")}
import json, sys
for key, exp, options in json.load(sys.stdin):
    print(presign_link(${JSON.stringify(LINK_SECRET)}, key, exp, options))
print(presign_link(${JSON.stringify(LINK_SECRET)}, "reports/q3.pdf", ${NOW_S + 60}, {"expires": 600}))
`;
    const output = execFileSync("python3", ["-c", program], {
      input: JSON.stringify(cases),
      encoding: "utf8",
      env: { ...process.env, PYTHONIOENCODING: "utf-8" },
    });
    const lines = output.trimEnd().split("\n");
    const numeric = received(lines.pop() ?? "");
    expect(numeric.params.expires).toBe("600");
    expect(numeric.params.sig).toBe(signLink(LINK_SECRET, "reports/q3.pdf", NOW_S + 60, { expires: "600" }));
    expect(lines).toHaveLength(cases.length);
    for (const [index, line] of lines.entries()) {
      const [k, e, o] = cases[index] ?? ["", 0, {}];
      const got = received(line);
      expect(got.key).toBe(k);
      expect(got.params.sig, line).toBe(signLink(LINK_SECRET, k, e, o));
      await expect(authorize(settings, httpRequest(got.key, got.params), NOW)).resolves.toEqual({ via: "link" });
    }
  });

  it("the worked example's link is what sign-link prints for it", () => {
    const secret = "ZXhhbXBsZS1vbmx5LWRvLW5vdC11c2UtdGhpcy1zZWNyZXQ=";
    expect(doc).toContain(`LINK_SECRET=${secret}`);
    const link = `https://fn.example${linkPath("reports/q3.pdf")}?${linkQuery(secret, "reports/q3.pdf", 1767225600, {
      filename: "Q3 report.pdf",
      expires: "600",
    })}`;
    expect(doc).toContain(link);
  });
});
