/**
 * A web function instance serves many requests at once (instanceConcurrencyConfig), all through one credential
 * cache. What src/web.ts serves (createHttpServer, the node:http adapter), in this process, on a loopback
 * socket, against the fake STS slowed down so that every burst is entirely in flight before STS answers: one STS
 * call per distinct key, every answer signed with a key whose policy names its own object, and a failure shared
 * by the waiters it concerns, not cached and not leaked to other keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, encodePath, useFakeSts } from "../support/function";
import { type FunctionServer, startFunctionServer } from "../support/function-server";

const KEYS = Array.from({ length: 20 }, (_, index) => `public/web/${index} file.txt`);
const REQUESTS_PER_KEY = 10;
const STS_DELAY_MS = 150;

const sts = useFakeSts({ resetEach: true });
let server: FunctionServer;

beforeAll(async () => {
  server = await startFunctionServer({ env: baseEnv(sts), log: () => {} });
});
afterAll(async () => {
  await server.close();
});

interface Answer {
  readonly status: number;
  readonly key: string;
  readonly token: string | undefined;
  readonly code: string | undefined;
}

async function ask(key: string): Promise<Answer> {
  const response = await fetch(`${server.origin}${encodePath(key)}?format=json`);
  const body = (await response.json()) as { url?: string; error?: { code: string } };
  const token = body.url === undefined ? undefined : new URL(body.url).searchParams.get("x-cos-security-token");
  return { status: response.status, key, token: token ?? undefined, code: body.error?.code };
}

/** The object a temporary key may read, from the policy the fake STS was sent for it. */
function resourceOf(token: string | undefined): string {
  const issued = token === undefined ? undefined : sts.lookupToken(token);
  const policy = issued?.policy as { statement: Array<{ resource: string[] }> } | undefined;
  return policy?.statement[0]?.resource[0] ?? "no policy";
}

describe("web concurrency: one instance, one cache", () => {
  it(`${KEYS.length * REQUESTS_PER_KEY} requests at once over ${KEYS.length} keys: one STS call per key, each answer scoped to its own key`, async () => {
    sts.setDelay(STS_DELAY_MS);
    const burst = KEYS.flatMap((key) => Array.from({ length: REQUESTS_PER_KEY }, () => key));
    const answers = await Promise.all(burst.map(ask));

    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(sts.calls).toHaveLength(KEYS.length);
    expect(new Set(sts.calls.map((call) => JSON.stringify(call.policy))).size).toBe(KEYS.length);
    for (const key of KEYS) {
      const tokens = new Set(answers.filter((answer) => answer.key === key).map((answer) => answer.token));
      expect(tokens.size, key).toBe(1);
      expect(resourceOf([...tokens][0]).endsWith(`:examplebucket-1250000000/${key}`), key).toBe(true);
    }

    // The same burst again is served from the cache alone.
    const again = await Promise.all(burst.map(ask));
    expect(again.every((answer) => answer.status === 200)).toBe(true);
    expect(sts.calls).toHaveLength(KEYS.length);
  });

  it("a rejected STS call is shared by its own waiters only, and not cached", async () => {
    sts.setDelay(STS_DELAY_MS);
    sts.fail("authFailure");
    const failing = "public/web/rejected.txt";
    const other = "public/web/fine.txt";
    const failingAnswers = Array.from({ length: REQUESTS_PER_KEY }, () => ask(failing));
    // The fault goes to the first call STS receives: the failing key's, before the other key is asked.
    await expect.poll(() => sts.calls.length).toBe(1);
    const otherAnswers = Array.from({ length: REQUESTS_PER_KEY }, () => ask(other));
    const answers = await Promise.all([...failingAnswers, ...otherAnswers]);
    const byKey = (key: string) => answers.filter((answer) => answer.key === key);
    expect(new Set(byKey(failing).map((answer) => `${answer.status} ${answer.code}`))).toEqual(
      new Set(["502 CredentialServiceError"]),
    );
    expect(byKey(other).every((answer) => answer.status === 200)).toBe(true);
    expect(sts.calls.map((call) => call.outcome).sort()).toEqual(["fault:authFailure", "issued"]);

    // The next request for the failed key asks STS again, and gets through.
    const retry = await ask(failing);
    expect(retry.status).toBe(200);
    expect(sts.calls).toHaveLength(3);
  });
});
