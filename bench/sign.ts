/**
 * Information, with no target: signatures per second of ours (computeSignature + authorization, the same
 * Authorization string) and of cos-nodejs-sdk-v5's COS.getAuthorization, on the same few hundred realistic inputs,
 * and presignUrl (which also encodes the path and query). Signing is not where a user waits (an STS call on a
 * cache miss is), so this is here to notice a regression by orders of magnitude, not to race the SDK.
 * Rounds alternate between the two so drift (JIT, thermal, neighbours) hits both alike; the figures are medians,
 * and the median of the per-round ratios is printed too: it is the figure least disturbed by a busy machine.
 * Then a few parts of a signature are timed alone. Stops by itself: (ROUNDS + 1) × 3 + 15 measurements of
 * MEASURE_MS each.
 */
import { createHmac } from "node:crypto";
import COS from "cos-nodejs-sdk-v5";
import { contentDisposition } from "../src/cos/content-disposition";
import { cosEncode } from "../src/cos/encode";
import { authorization, computeSignature } from "../src/cos/signature";
import { presignUrl } from "../src/cos/url";
import { median } from "./median";

const ROUNDS = 15;
const MEASURE_MS = 150;
const INPUT_COUNT = 300;

const SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const HOST = "examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com";
const KEY_TIME = { start: 1_700_000_000, end: 1_700_000_600 };
const KEY_TIME_STRING = `${KEY_TIME.start};${KEY_TIME.end}`;

interface Case {
  readonly key: string;
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
    cases.push({ key, params, signed: { ...params, "x-cos-security-token": token }, token });
  }
  return cases;
}

/** Ours: computeSignature + authorization, the same Authorization string the SDK returns. */
function ours(c: Case): string {
  const parts = computeSignature({
    method: "get",
    path: `/${c.key}`,
    query: c.signed,
    headers: { host: HOST },
    keyTime: KEY_TIME,
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
  });
  return authorization(SECRET_ID, parts);
}

/** cos-nodejs-sdk-v5's COS.getAuthorization on the same inputs. */
function sdk(c: Case): string {
  return COS.getAuthorization({
    SecretId: SECRET_ID,
    SecretKey: SECRET_KEY,
    Method: "get",
    Pathname: `/${c.key}`,
    Query: c.signed,
    Headers: { host: HOST },
    KeyTime: KEY_TIME_STRING,
  });
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
  // Like with like: both must produce the same Authorization for every input, or the comparison means nothing.
  for (const c of cases) {
    if (ours(c) !== sdk(c)) throw new Error(`signatures differ for key ${JSON.stringify(c.key)}`);
  }

  // Warm-up: let both reach their optimised tiers before anything is recorded.
  measure(ours, cases);
  measure(sdk, cases);
  measure(url, cases);

  const rates = { ours: [] as number[], sdk: [] as number[], url: [] as number[] };
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
  console.log(
    `  ratio ours/SDK ${(oursRate / sdkRate).toFixed(2)}x (median of per-round ratios ${pairedRatio.toFixed(2)}x)`,
  );

  // Where a signature's time goes: a few parts, each timed alone on the same inputs.
  const parts: ReadonlyArray<readonly [string, (c: Case) => string]> = [
    [
      "one HMAC-SHA1 (SignKey) by createHmac",
      () => createHmac("sha1", SECRET_KEY).update(KEY_TIME_STRING).digest("hex"),
    ],
    ["cosEncode of the 1,000-char token", (c) => cosEncode(c.token)],
    ["cosEncode of the Content-Disposition", (c) => cosEncode(c.params["response-content-disposition"] as string)],
  ];
  console.log("  where the time goes, µs per call (medians of 5):");
  for (const [label, fn] of parts) {
    const perCall = median(Array.from({ length: 5 }, () => 1e6 / measure(fn, cases)));
    console.log(`    ${label.padEnd(38)} ${perCall.toFixed(2)}`);
  }
  console.log(`    whole signature (ours)                 ${(1e6 / oursRate).toFixed(2)}`);
  // Printed so the work cannot be optimised away.
  console.log(`  checksum ${sink % 1_000_003}`);
}

main();
