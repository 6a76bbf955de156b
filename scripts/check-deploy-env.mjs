// `scf deploy` runs each yml's build hook (`src.hook`) with its own environment, .env already loaded, after it has
// resolved every `${env:NAME}` and before it uploads anything (@serverless-cloud-framework/platform-client-china
// src/instance.js: run → preRunSrcHook, exec without an `env` option). A NAME set nowhere has by then become the text
// "undefined" in the function's settings (tencent-component-toolkit formatInputs writes String(value)). This check,
// first in the hook, stops the deploy at that point and names what to add to .env.
//
//   node scripts/check-deploy-env.mjs <serverless.yml>
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The `${env:NAME}` names of a yml's settings (comment lines skipped) that `env` does not define. */
export function missingSettings(ymlText, env) {
  const names = new Set();
  for (const line of ymlText.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    for (const match of line.matchAll(/\$\{env:([A-Za-z0-9_]+)\}/g)) names.add(match[1]);
  }
  return [...names].filter((name) => env[name] === undefined);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const yml = process.argv[2] ?? "serverless.yml";
  const missing = missingSettings(readFileSync(yml, "utf8"), process.env);
  if (missing.length > 0) {
    console.error(
      `${yml}: deploy stopped before uploading. Not in .env nor in the environment, so they would reach the ` +
        `function as the text "undefined": ${missing.join(", ")}. Add each to .env, blank if unused (see .env.example).`,
    );
    process.exit(1);
  }
}
