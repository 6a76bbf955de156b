// Bundles src/index.ts into dist/index.js: the whole deployable. CommonJS for SCF's require(),
// target node18 for the Nodejs18.15 runtime, minified, with a metafile for size analysis.
import { writeFileSync } from "node:fs";
import { build } from "esbuild";

const result = await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/index.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
writeFileSync("dist/meta.json", JSON.stringify(result.metafile));
const bytes = result.metafile.outputs["dist/index.js"]?.bytes ?? 0;
console.log(`dist/index.js ${(bytes / 1024).toFixed(1)} KiB`);
