/**
 * The first signature of a fresh process: what a cold SCF instance pays once, before V8 has compiled any of
 * the signer. Run by bench/sign.ts, one process per measurement; argv[2] is "ours" or "sdk". Prints the
 * milliseconds of that one call.
 *
 * Before timing, it does what the function has done by then on a cold start: an HMAC-SHA256 chain and a
 * SHA-256 through node:crypto (the STS call's TC3 signature). So node:crypto's own first use is paid outside
 * the timing, for both signers alike.
 */
import { createHash, createHmac } from "node:crypto";
import { SECRET_KEY, signOurs, signSdk } from "./signers";

const PATH = "/reports/季度报告-0.pdf";
const QUERY = {
  "response-content-disposition": "attachment; filename=\"____-0.pdf\"; filename*=UTF-8''%E5%AD%A3%E5%BA%A6.pdf",
  "response-content-type": "application/pdf",
  "x-cos-security-token": "tok_EN-123".repeat(100),
};

let key: string | Buffer = `TC3${SECRET_KEY}`;
for (const part of ["2026-11-28", "sts", "tc3_request"]) key = createHmac("sha256", key).update(part).digest();
createHash("sha256").update("{}").digest("hex");

const ours = (): string => signOurs(PATH, QUERY);
const sdk = (): string => signSdk(PATH, QUERY);

const signers: Record<string, () => string> = { ours, sdk };
const signer = signers[process.argv[2] ?? ""];
if (signer === undefined) throw new Error('usage: first-signature.ts "ours" | "sdk"');
const started = performance.now();
const signed = signer();
const elapsed = performance.now() - started;
// Like with like: checked after the timing, so the other signer's first run is not counted.
if (signed !== (signer === ours ? sdk() : ours())) throw new Error("the two signers disagree");
console.log(elapsed.toFixed(3));
