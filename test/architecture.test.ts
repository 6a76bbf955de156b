import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The import rules of the layout (see docs/performance.md and dev/README.md), checked on the source text. */
const ROOT = resolve(__dirname, "..");

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(ROOT, folder))) {
    const path = join(folder, name);
    if (statSync(join(ROOT, path)).isDirectory()) found.push(...sourceFiles(path));
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) found.push(path);
  }
  return found;
}

/** Every module a file imports, as a path from the project root (relative imports only). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)["'](\.{1,2}\/[^"']+)["']/g)];
  return specifiers.map((match) => relative(ROOT, resolve(ROOT, file, "..", match[1] ?? "")));
}

const ADAPTERS = ["src/http/scf", "src/direct", "src/http/node"];
const SCF_ENTRY = "src/index";

describe("the layout", () => {
  it.each(ADAPTERS)("the adapter %s imports neither another adapter nor the SCF entry", (adapter) => {
    const imported = importsOf(`${adapter}.ts`);
    for (const other of [...ADAPTERS.filter((name) => name !== adapter), SCF_ENTRY]) {
      expect(imported, `${adapter} imports ${other}`).not.toContain(other);
    }
  });

  it("nothing outside test/ imports from test/", () => {
    const outside = ["src", "dev", "scripts", "bench"].flatMap(sourceFiles);
    expect(outside.length).toBeGreaterThan(20);
    const offenders = outside.filter((file) => importsOf(file).some((path) => path.startsWith("test/")));
    expect(offenders).toEqual([]);
  });

  it("src/ imports nothing from dev/, scripts/ or bench/", () => {
    const offenders = sourceFiles("src").filter((file) =>
      importsOf(file).some((path) => /^(dev|scripts|bench)\//.test(path)),
    );
    expect(offenders).toEqual([]);
  });
});
