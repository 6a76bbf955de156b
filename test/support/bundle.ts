import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Handler } from "../../src/index";
import type { FunctionOptions } from "../../src/invocation";

export interface Bundle {
  readonly main_handler: Handler;
  readonly createHandler: (options?: FunctionOptions) => Handler;
}

export const BUNDLE_PATH = resolve(__dirname, "../../dist/index.js");

/** A fresh copy of the built bundle: its warm-instance state starts empty, as on a cold instance. */
export function loadBundle(): Bundle {
  const load = createRequire(__filename);
  delete load.cache[BUNDLE_PATH];
  return load(BUNDLE_PATH) as Bundle;
}
