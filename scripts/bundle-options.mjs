// The esbuild settings of the deployable, shared by scripts/build.mjs and the baseline in bench/cold-start.ts so
// that the two are bundled alike: CommonJS for SCF's require(), node18 for the Nodejs18.15 runtime, minified.
export const BUNDLE_OPTIONS = Object.freeze({
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node18",
  minify: true,
  legalComments: "none",
});
