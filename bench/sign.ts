/**
 * Signatures per second: ours (computeSignature + authorization, the same Authorization
 * string) against cos-nodejs-sdk-v5's COS.getAuthorization, on the same few hundred realistic inputs.
 * Rounds alternate between the two so drift (JIT, thermal, neighbours) hits both alike; the figures are
 * medians. Because each round measures both back to back, the median of the per-round ratios is printed too:
 * it is the figure least disturbed by a busy machine. presignUrl (which also encodes the path and query) is
 * reported alongside for reference, and so is node:crypto alone (its two HMACs and the hash, on the same
 * strings): what a signer spends if it hands all three to node:crypto, as the SDK does.
 * Then the parts the README names (one HMAC by createHmac and by src/cos/hmac-sha1.ts, encoding the token,
 * encoding a Content-Disposition) are timed alone. Last, the cold case: the first signature of a fresh
 * process, each signer in processes of its own (bench/first-signature.ts). Stops by itself: (ROUNDS + 1) × 4 +
 * 20 measurements of MEASURE_MS each, then 2 × FIRST_SIGNATURE_RUNS short child processes.
 */
import { execFileSync } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { resolve } from "node:path";
import { contentDisposition } from "../src/cos/content-disposition";
import { cosEncode } from "../src/cos/encode";
import { hmacSha1Hex } from "../src/cos/hmac-sha1";
import { computeSignature } from "../src/cos/signature";
import { presignUrl } from "../src/cos/url";
import { median } from "./median";
import { HOST, KEY_TIME, KEY_TIME_STRING, SECRET_ID, SECRET_KEY, signOurs, signSdk } from "./signers";

const ROUNDS = 15;
const MEASURE_MS = 150;
const INPUT_COUNT = 300;
const FIRST_SIGNATURE_RUNS = 9;

interface Case {
  readonly key: string;
  /** HttpString and StringToSign of this case, for the node:crypto-alone measurement. */
  readonly httpString: string;
  readonly stringToSign: string;
  readonly params: Record<string, string>;
  /** params plus the session token: what both signers sign. */
  readonly signed: Record<string, string>;
  readonly token: string;
}

/** Deterministic inputs (a fixed-seed LCG), so every run measures the same work. */
function makeCases(): Case[] {
  let seed = 20240601;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)] as T;
  const dirs = ["uploads", "用户/文档", "media/2024/06", "reports", "共享 文件夹", "a b/c+d", "photos/📷"];
  const stems = ["季度报告", "invoice", "合同 (final)", "photo_0001", "résumé", "数据+分析", "notes & todo", "🎉party"];
  const exts = [".pdf", ".xlsx", ".jpg", ".mp4", ".zip", ".txt"];
  const types = ["application/pdf", "application/octet-stream", "image/jpeg", "video/mp4", "text/plain; charset=utf-8"];
  // STS session tokens run to about a kilobyte of base64-like text.
  const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const token = Array.from({ length: 1000 }, () => pick([...tokenChars])).join("");

  const cases: Case[] = [];
  for (let i = 0; i < INPUT_COUNT; i++) {
    const filename = `${pick(stems)}-${i}${pick(exts)}`;
    const key = `${pick(dirs)}/${filename}`;
    const params: Record<string, string> = {
      "response-content-disposition": contentDisposition(filename, next(4) === 0 ? "inline" : "attachment"),
      "response-content-type": pick(types),
      "response-cache-control": "private, max-age=0, no-store",
    };
    if (next(3) === 0) params.versionId = `MTg0NDUxNTc1NjIzMTQ1MDAwODg${i}`;
    if (next(4) === 0) params["x-cos-traffic-limit"] = String(819200 * (1 + next(8)));
    const signed = { ...params, "x-cos-security-token": token };
    const parts = computeSignature({
      method: "get",
      path: `/${key}`,
      query: signed,
      headers: { host: HOST },
      keyTime: KEY_TIME,
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
    });
    cases.push({ key, params, signed, token, httpString: parts.httpString, stringToSign: parts.stringToSign });
  }
  return cases;
}

function ours(c: Case): string {
  return signOurs(`/${c.key}`, c.signed);
}

function sdk(c: Case): string {
  return signSdk(`/${c.key}`, c.signed);
}

function url(c: Case): string {
  return presignUrl({
    bucket: "examplebucket-1250000000",
    region: "ap-guangzhou",
    key: c.key,
    endpoint: { kind: "default" },
    credential: { secretId: SECRET_ID, secretKey: SECRET_KEY, token: c.token },
    keyTime: KEY_TIME,
    query: c.params,
  });
}

/** The three crypto operations of one signature on node:crypto, and nothing else. */
function nodeCryptoOnly(c: Case): string {
  const signKey = createHmac("sha1", SECRET_KEY).update(KEY_TIME_STRING).digest("hex");
  const sha1 = createHash("sha1").update(c.httpString).digest("hex");
  return signKey + sha1 + createHmac("sha1", signKey).update(c.stringToSign).digest("hex");
}

let sink = 0;

/** Runs whole passes over the cases until MEASURE_MS has elapsed; returns calls per second. */
function measure(fn: (c: Case) => string, cases: readonly Case[]): number {
  const started = process.hrtime.bigint();
  const budget = BigInt(MEASURE_MS) * 1_000_000n;
  let calls = 0;
  let elapsed = 0n;
  do {
    for (const c of cases) sink += fn(c).length;
    calls += cases.length;
    elapsed = process.hrtime.bigint() - started;
  } while (elapsed < budget);
  return calls / (Number(elapsed) / 1e9);
}

function main(): void {
  const cases = makeCases();
  // Like with like: both must produce the same Authorization for every input, or the race means nothing.
  for (const c of cases) {
    if (ours(c) !== sdk(c)) throw new Error(`signatures differ for key ${JSON.stringify(c.key)}`);
  }

  // Warm-up: let both reach their optimised tiers before anything is recorded.
  measure(ours, cases);
  measure(sdk, cases);
  measure(url, cases);
  measure(nodeCryptoOnly, cases);

  const rates = { ours: [] as number[], sdk: [] as number[], url: [] as number[], nodeCrypto: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first so neither always benefits from the other's warm caches.
    if (round % 2 === 0) {
      rates.ours.push(measure(ours, cases));
      rates.sdk.push(measure(sdk, cases));
    } else {
      rates.sdk.push(measure(sdk, cases));
      rates.ours.push(measure(ours, cases));
    }
    rates.url.push(measure(url, cases));
    rates.nodeCrypto.push(measure(nodeCryptoOnly, cases));
  }

  const oursRate = median(rates.ours);
  const sdkRate = median(rates.sdk);
  const pairedRatio = median(rates.ours.map((rate, i) => rate / (rates.sdk[i] as number)));
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(9);
  console.log(`node ${process.version}, ${cases.length} inputs (CJK/emoji keys, response-* params, 1000-char token)`);
  console.log(`${ROUNDS} alternating rounds of ${MEASURE_MS} ms, medians:`);
  console.log(`  ours  computeSignature+authorization      ${fmt(oursRate)} signatures/s`);
  console.log(`  SDK   COS.getAuthorization                ${fmt(sdkRate)} signatures/s`);
  console.log(`  ours  presignUrl (full URL)               ${fmt(median(rates.url))} URLs/s`);
  console.log(`  node:crypto alone (2 HMAC + 1 SHA-1)     ${fmt(median(rates.nodeCrypto))} /s`);
  console.log(
    `  ratio ours/SDK ${(oursRate / sdkRate).toFixed(2)}x (median of per-round ratios ${pairedRatio.toFixed(2)}x)`,
  );
  console.log(
    `  node:crypto alone/SDK ${(median(rates.nodeCrypto) / sdkRate).toFixed(2)}x ` +
      "(the ceiling for a signer that hands all its crypto to node:crypto)",
  );

  // Where a signature's time goes: the parts the README names, each timed alone on the same inputs.
  const parts: ReadonlyArray<readonly [string, (c: Case) => string]> = [
    ["SignKey by node:crypto createHmac", () => createHmac("sha1", SECRET_KEY).update(KEY_TIME_STRING).digest("hex")],
    ["SignKey by hmacSha1Hex (ours)", () => hmacSha1Hex(SECRET_KEY, KEY_TIME_STRING)],
    ["cosEncode of the 1,000-char token", (c) => cosEncode(c.token)],
    ["cosEncode of the Content-Disposition", (c) => cosEncode(c.params["response-content-disposition"] as string)],
  ];
  console.log("  where the time goes, µs per call (medians of 5):");
  for (const [label, fn] of parts) {
    const perCall = median(Array.from({ length: 5 }, () => 1e6 / measure(fn, cases)));
    console.log(`    ${label.padEnd(38)} ${perCall.toFixed(2)}`);
  }
  console.log(`    whole signature (ours)                 ${(1e6 / oursRate).toFixed(2)}`);

  // Cold: the first signature of a fresh process, which runs before V8 has compiled the signer.
  const first = { ours: [] as number[], sdk: [] as number[] };
  for (let run = 0; run < FIRST_SIGNATURE_RUNS; run++) {
    for (const signer of run % 2 === 0 ? (["ours", "sdk"] as const) : (["sdk", "ours"] as const)) {
      // process.execArgv carries tsx's loader, so the child runs TypeScript as this process does.
      const script = resolve(__dirname, "first-signature.ts");
      const output = execFileSync(process.execPath, [...process.execArgv, script, signer], {
        encoding: "utf8",
        timeout: 30_000,
      });
      first[signer].push(Number(output.trim()));
    }
  }
  console.log(
    `  first signature of a fresh process, ms (medians of ${FIRST_SIGNATURE_RUNS}): ` +
      `ours ${median(first.ours).toFixed(2)}, SDK ${median(first.sdk).toFixed(2)}`,
  );
  // Printed so the work cannot be optimised away.
  console.log(`  checksum ${sink % 1_000_003}`);
}

main();
