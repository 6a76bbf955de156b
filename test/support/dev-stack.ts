/**
 * The dev stack (dev/) as the tests use it: every secret the local STS holds or mints is registered with the
 * suite's hygiene check, so a leak of any of them into the function's output fails the suite.
 */
import { type FakeSts, type FakeStsOptions, startFakeSts as startDevSts } from "../../dev/fake-sts";
import { type LocalStack, type LocalStackOptions, startLocalStack as startDevStack } from "../../dev/local-stack";
import { registerSecret } from "./hygiene";

export function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  return startDevSts({ onSecret: registerSecret, ...options });
}

export function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startDevStack({ onSecret: registerSecret, ...options });
}
