/**
 * The fake STS of dev/ (dev/fake-sts.ts) as a process of its own, for bench/cold-start.ts: it
 * listens on loopback, prints `{"url": ...}` as one line, and exits when its stdin closes (so it cannot outlive
 * the bench, however the bench ends). The bench bundles this file and runs it with plain node.
 */
import { startFakeSts } from "../dev/fake-sts";

const secretId = process.env.FAKE_STS_SECRET_ID ?? "";
const secretKey = process.env.FAKE_STS_SECRET_KEY ?? "";

async function main(): Promise<void> {
  const sts = await startFakeSts({ keys: [{ secretId, secretKey }] });
  // The fake records every call; the bench makes tens of thousands, none of which it inspects.
  setInterval(() => sts.reset(), 1000).unref();
  const stop = (): void => {
    sts.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  process.stdout.write(`${JSON.stringify({ url: sts.url })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
