// @ts-check
// Bundles src/index.ts into dist/index.js (the event function) and src/web.ts into dist/web/ (the web function).
// Each is a whole deployable: CommonJS for SCF's require(), target node18 for the Nodejs18.15 runtime, minified,
// with a metafile for size analysis (build/meta.json).
//
// The official STS client is bundled and used as is, but what it drags along is trimmed: scripts/sdk-trim/ holds one
// stand-in per replaced module, each naming the package versions it was reviewed against, and the plugin and checks
// that apply them (see its trim.mjs). The build fails, writing nothing, when a check finds something to review
// again: a different installed SDK version among them. test/bundle.test.ts runs the whole flow through the built
// bundle against the fake STS; `npm run bench` measures the result against the official SDKs and bare node.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "./bundle-options.mjs";
import { checkTrim, loadReplacements, trimSdkPlugin } from "./sdk-trim/trim.mjs";
import { WEB_BUNDLE, writeWebFolder } from "./web-folder.mjs";

const replacements = loadReplacements(process.cwd());
/** @type {import("./sdk-trim/trim.mjs").SeenImport[]} */
const seenImports = [];
// Two deployables from one build: the event function (dist/index.js) and the web function's server, which
// scripts/web-folder.mjs completes into dist/web/. Both get the same trimmed SDK.
const OUTPUTS = ["dist/index.js", `dist/${WEB_BUNDLE}`];
const result = await build({
  entryPoints: { index: "src/index.ts", [WEB_BUNDLE.replace(/\.js$/, "")]: "src/web.ts" },
  outdir: "dist",
  ...BUNDLE_OPTIONS,
  metafile: true,
  logLevel: "warning",
  plugins: [trimSdkPlugin(replacements, seenImports)],
  write: false, // written below, only once the checks pass
});
// A dynamic import() left in CommonJS output starts Node's ESM loader on first use (see sdk-trim/trim.mjs).
const dynamicImports = OUTPUTS.flatMap((output) =>
  (result.metafile.outputs[output]?.imports ?? [])
    .filter((entry) => entry.kind === "dynamic-import")
    .map((entry) => `${output} keeps a dynamic import("${entry.path}"): bundle it or make it a require()`),
);
const problems = [
  ...checkTrim(replacements, seenImports, (path) => readFileSync(`node_modules/${path}`, "utf8")),
  ...dynamicImports,
];
if (problems.length > 0) {
  console.error(`scripts/build.mjs: the bundle needs a look:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}
mkdirSync("build", { recursive: true });
writeFileSync("build/meta.json", JSON.stringify(result.metafile));
writeWebFolder();
for (const output of OUTPUTS) {
  const bytes = result.metafile.outputs[output]?.bytes ?? 0;
  console.log(`${output} ${(bytes / 1024).toFixed(1)} KiB`);
}
