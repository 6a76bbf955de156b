import { execFileSync } from "node:child_process";

/** Tests of the deployable run against dist/index.js built from the current sources, never a stale one. */
export default function buildBundle(): void {
  // The build's own errors go to stderr: a broken build must say why, not only "Command failed".
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: ["ignore", "ignore", "inherit"] });
}
