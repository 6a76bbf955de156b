import { afterAll, beforeAll, beforeEach } from "vitest";
import type { FakeSts, FakeStsOptions } from "../../dev/fake-sts";
import type { Env } from "../../src/env";
import { createHandler, type Handler } from "../../src/index";
import type { FunctionOptions } from "../../src/invocation";
import type { LogRecord } from "../../src/log";
import { loadBundle } from "./bundle";
import { startFakeSts } from "./dev-stack";
import { recordOutput } from "./hygiene";

export const CALLER = { secretId: "AKIDcallerEXAMPLE0001", secretKey: "callerSecretKey/EXAMPLE+0001=" };
export const BUCKET = "examplebucket-1250000000";
export const REGION = "ap-guangzhou";
export const ROLE_ARN = "qcs::cam::uin/100000000001:roleName/cos-presign-download";

/** The environment of a correctly configured function pointed at the fake STS. */
export function baseEnv(sts: FakeSts): Env {
  return {
    COS_BUCKET: BUCKET,
    COS_REGION: REGION,
    STS_ENDPOINT: sts.url,
    STS_SECRET_ID: CALLER.secretId,
    STS_SECRET_KEY: CALLER.secretKey,
    STS_ROLE_ARN: ROLE_ARN,
    ALLOWED_PREFIXES: "public/,shared/",
    AUTH_MODE: "none",
  };
}

export interface Harness {
  readonly handler: Handler;
  readonly logs: LogRecord[];
}

/** main_handler (from src), configured with `env`, its log lines collected. */
export function functionHandler(env: Env, options: Omit<FunctionOptions, "env" | "log"> = {}): Harness {
  return harness(createHandler, env, options);
}

/** The same from the built bundle (dist/index.js, fresh: a cold instance), for the suites that prove the deployable. */
export function bundleHandler(env: Env, options: Omit<FunctionOptions, "env" | "log"> = {}): Harness {
  return harness(loadBundle().createHandler, env, options);
}

function harness(
  create: (options: FunctionOptions) => Handler,
  env: Env,
  options: Omit<FunctionOptions, "env" | "log">,
): Harness {
  const logs: LogRecord[] = [];
  const handler = create({
    ...options,
    env,
    log: (record) => {
      logs.push(record);
      recordOutput(JSON.stringify(record));
    },
  });
  return { handler, logs };
}

/** A key as a request path: `/` + each segment percent-encoded, as a browser or curl sends it. */
export function encodePath(key: string): string {
  return `/${key.split("/").map(encodeURIComponent).join("/")}`;
}

export function functionUrlEvent(
  path: string,
  queryString: Readonly<Record<string, string | readonly string[]>> = {},
  headers: Record<string, string> = {},
  httpMethod = "GET",
) {
  return { body: "", headers: { accept: "*/*", ...headers }, httpMethod, path, queryString };
}

export interface ScfAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * A fake STS for the test file, accepting CALLER's key: started before the file's tests, closed after them,
 * and with `resetEach` cleared of calls and faults before each test. Usable at the top level of a file.
 */
export function useFakeSts(options: Partial<FakeStsOptions> & { resetEach?: boolean } = {}): FakeSts {
  const { resetEach = false, ...stsOptions } = options;
  let current: FakeSts | undefined;
  beforeAll(async () => {
    current = await startFakeSts({ keys: [CALLER], ...stsOptions });
  });
  afterAll(async () => {
    await current?.close();
  });
  if (resetEach) beforeEach(() => current?.reset());
  const live = (): FakeSts => {
    if (current === undefined) throw new Error("the fake STS starts in beforeAll");
    return current;
  };
  return {
    get endpoint() {
      return live().endpoint;
    },
    get url() {
      return live().url;
    },
    get calls() {
      return live().calls;
    },
    fail: (kind, times) => live().fail(kind, times),
    setLifetime: (seconds) => live().setLifetime(seconds),
    setDelay: (ms) => live().setDelay(ms),
    lookupToken: (token) => live().lookupToken(token),
    reset: () => live().reset(),
    close: () => live().close(),
  };
}
