/**
 * `npm run bench:cache-memory`: the heap one credential cache entry takes, for sizing STS_CACHE_ENTRIES
 * (docs/performance.md, "Capacity"). Fills the real cache (src/sts/cache.ts) with 10,000 temporary keys shaped as
 * STS returns them, with a 1 KB and then a 4 KB session token (STS's largest), and prints the heap they add after a
 * full garbage collection. Runs under `node --expose-gc`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { TemporaryCredential } from "../src/credential";
import { SingleFlightLruCache } from "../src/sts/cache";

const ENTRIES = 10_000;

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error("run with node --expose-gc (npm run bench:cache-memory does)");

function heapAfterGc(): number {
  collect?.();
  collect?.();
  return process.memoryUsage().heapUsed;
}

async function bytesPerEntry(tokenBytes: number): Promise<number> {
  const cache = new SingleFlightLruCache<TemporaryCredential>({ maxEntries: ENTRIES, now: () => 0 });
  const before = heapAfterGc();
  for (let i = 0; i < ENTRIES; i++) {
    // The credential source's cache key: region, bucket, key, actions.
    const key = JSON.stringify([
      "ap-guangzhou",
      "examplebucket-1250000000",
      `public/reports/${i}/q3.pdf`,
      ["GetObject"],
    ]);
    const credential: TemporaryCredential = {
      secretId: `AKID${randomBytes(18).toString("base64url")}`,
      secretKey: randomBytes(24).toString("base64url"),
      token: randomBytes((tokenBytes * 3) / 4).toString("base64url"),
      expiresAt: 7200,
      requestId: randomUUID(),
    };
    await cache.get(key, 1, async () => ({ value: credential, expiresAt: credential.expiresAt }));
  }
  const added = heapAfterGc() - before;
  if (cache.size !== ENTRIES) throw new Error(`the cache holds ${cache.size} entries, not ${ENTRIES}`);
  return added / ENTRIES;
}

async function main(): Promise<void> {
  for (const tokenBytes of [1024, 4096]) {
    const perEntry = await bytesPerEntry(tokenBytes);
    console.log(
      `token ${tokenBytes} B: ${(perEntry / 1024).toFixed(2)} KiB per entry, ` +
        `${((perEntry * ENTRIES) / 1024 / 1024).toFixed(1)} MiB for ${ENTRIES} entries`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
