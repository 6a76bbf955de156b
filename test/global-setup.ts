import { execFileSync } from "node:child_process";

/** Tests of the deployable run against dist/index.js built from the current sources, never a stale one. */
export default function buildBundle(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "ignore" });
}
