/**
 * STS configuration: environment → frozen, validated settings. Pure: no I/O, no clock, and the problems it
 * reports name variables but never repeat a value (a misplaced secret must not reach a log through them).
 */

import { type Env, nonEmpty, parseHostUrl, REGION, secretValue, wholeNumber } from "../env";

/** A cached credential is handed out only if it outlives the URL by this much: clocks differ, requests take time. */
export const CREDENTIAL_MARGIN_SECONDS = 60;

export type StsMode = "AssumeRole" | "GetFederationToken";

export interface PermanentKey {
  readonly secretId: string;
  readonly secretKey: string;
}

/** Which STS API, and the credentials it is called with. */
export type StsModeSettings =
  | {
      readonly mode: "AssumeRole";
      readonly roleArn: string;
      /** Absent: the SCF execution role's keys are read from the environment at each call. */
      readonly permanentKey?: PermanentKey;
    }
  | { readonly mode: "GetFederationToken"; readonly permanentKey: PermanentKey };

export type StsSettings = StsModeSettings & {
  /** `host[:port]`, as the SDK's `httpProfile.endpoint` wants it. */
  readonly endpoint: string;
  readonly protocol: "https://" | "http://";
  readonly region: string;
  readonly durationSeconds: number;
  /** One STS attempt. */
  readonly requestTimeoutMs: number;
  /** All attempts and the waits between them. */
  readonly deadlineMs: number;
  readonly maxAttempts: number;
  /** Credentials one instance keeps (one per object and set of actions), least recently used first out. */
  readonly cacheEntries: number;
  /** `RoleSessionName` (AssumeRole) or `Name` (GetFederationToken), already valid for that API. */
  readonly sessionName: string;
};

const STS_DEFAULTS = {
  // The public endpoint, reachable from any function. sts.internal.tencentcloudapi.com is documented for servers
  // inside Tencent Cloud; a function reaches it only from a VPC that resolves it (docs/deploy.md).
  endpoint: "sts.tencentcloudapi.com",
  // AssumeRole's own default (STS API doc 598/33164) and GetFederationToken's maximum for a root account, so valid
  // in both modes; it leaves room for the default URL_MAX_EXPIRES_SECONDS (3600) plus the cache's margin.
  durationSeconds: 7200,
  requestTimeoutMs: 2000,
  deadlineMs: 5000,
  maxAttempts: 3,
  cacheEntries: 1000,
  sessionName: "cos-presign",
} as const;

/**
 * Duration bounds per API. The upper bounds are Tencent's: AssumeRole 43200; GetFederationToken 7200 for a root
 * account and 129600 for a sub-account. We cannot tell which kind of key we hold, so GetFederationToken is held to
 * 7200, the value that works for both. Tencent documents no minimum; 900 is ours: a credential is reused only while
 * it outlives the URL by a margin, so very short ones would send nearly every request to STS (600 calls/s limit).
 */
const DURATION_LIMITS: Readonly<Record<StsMode, { readonly min: number; readonly max: number }>> = {
  AssumeRole: { min: 900, max: 43200 },
  GetFederationToken: { min: 900, max: 7200 },
};

const TIMEOUT_LIMITS = { min: 50, max: 30_000 } as const;
const DEADLINE_MAX_MS = 60_000;
const ATTEMPT_LIMITS = { min: 1, max: 5 } as const;
/** An entry holds about its token (up to 4 KB) plus half a KB: the maximum is already a few hundred MB. */
const CACHE_ENTRY_LIMITS = { min: 1, max: 100_000 } as const;

/** `qcs::cam::uin/<uin>:role/<id>`, `…:roleName/<name>` and the service-role forms under `role/`. */
const ROLE_ARN = /^qcs::cam::uin\/\d+:role(?:Name)?\/\S+$/;

/**
 * `RoleSessionName` must match `[\w+=,.@_-]{2,128}` (AssumeRole docs). Anything else becomes `-`; a name that ends
 * up too short falls back to the default.
 */
export function roleSessionName(name: string | undefined): string {
  const cleaned = (name ?? "").replace(/[^\w+=,.@-]/g, "-").slice(0, 128);
  return cleaned.length >= 2 ? cleaned : STS_DEFAULTS.sessionName;
}

/**
 * GetFederationToken's `Name` is documented only as "letters". Tencent's own STS helper sends `cos-sts-nodejs`, so
 * letters and hyphens are known to pass; we keep to those, and to 32 characters (no documented maximum; 32 is
 * AWS's for the same parameter), rather than discover a rejection in production.
 */
export function federationName(name: string | undefined): string {
  const cleaned = (name ?? "")
    .replace(/[^A-Za-z-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
  return cleaned.length >= 2 ? cleaned : STS_DEFAULTS.sessionName;
}

/**
 * The STS part of the environment. The region is STS_REGION, else COS_REGION; COS_REGION's own format is
 * config.ts's to check, so a bad one is reported once. RoleSessionName comes from SCF_FUNCTIONNAME.
 */
export function parseStsSettings(env: Env): { settings?: StsSettings; problems: string[] } {
  const problems: string[] = [];

  const roleArn = nonEmpty(env.STS_ROLE_ARN);
  const secretId = secretValue(env.STS_SECRET_ID);
  const secretKey = secretValue(env.STS_SECRET_KEY);

  if (secretId !== undefined && secretKey === undefined) {
    problems.push("STS_SECRET_ID is set but STS_SECRET_KEY is not: set both or neither");
  } else if (secretKey !== undefined && secretId === undefined) {
    problems.push("STS_SECRET_KEY is set but STS_SECRET_ID is not: set both or neither");
  }
  const permanentKey =
    secretId !== undefined && secretKey !== undefined ? Object.freeze({ secretId, secretKey }) : undefined;

  let modeSettings: StsModeSettings | undefined;
  if (roleArn !== undefined) {
    modeSettings = { mode: "AssumeRole", roleArn, ...(permanentKey === undefined ? {} : { permanentKey }) };
    if (!ROLE_ARN.test(roleArn)) {
      problems.push("STS_ROLE_ARN must be a CAM role ARN such as qcs::cam::uin/100000000001:roleName/cos-presign-read");
    }
  } else if (permanentKey !== undefined) {
    modeSettings = { mode: "GetFederationToken", permanentKey };
  } else if (secretId === undefined && secretKey === undefined) {
    problems.push(
      "no STS credentials configured: set STS_ROLE_ARN (AssumeRole, with the execution role's keys or " +
        "STS_SECRET_ID/STS_SECRET_KEY), or STS_SECRET_ID and STS_SECRET_KEY (GetFederationToken, permanent keys)",
    );
  }

  let endpoint: string = STS_DEFAULTS.endpoint;
  let protocol: "https://" | "http://" = "https://";
  const rawEndpoint = nonEmpty(env.STS_ENDPOINT);
  if (rawEndpoint !== undefined) {
    const parsed = parseHostUrl("STS_ENDPOINT", rawEndpoint, "sts.tencentcloudapi.com");
    if (typeof parsed === "string") problems.push(parsed);
    else {
      endpoint = parsed.host;
      protocol = `${parsed.protocol}//`;
    }
  }

  const stsRegion = nonEmpty(env.STS_REGION);
  const region = stsRegion ?? nonEmpty(env.COS_REGION);
  if (region === undefined) {
    problems.push("STS_REGION (or COS_REGION) must be set to a region such as ap-guangzhou");
  } else if (stsRegion !== undefined && !REGION.test(stsRegion)) {
    problems.push("STS_REGION must be a region name such as ap-guangzhou");
  }

  const mode = modeSettings?.mode;
  // Without a mode there is no API to hold it to yet; check the widest range so only real mistakes show.
  const limits = DURATION_LIMITS[mode ?? "AssumeRole"];
  const durationSeconds = wholeNumber(
    env,
    "STS_DURATION_SECONDS",
    { fallback: STS_DEFAULTS.durationSeconds, ...limits, unit: mode === undefined ? "seconds" : `seconds (${mode})` },
    problems,
  );
  const requestTimeoutMs = wholeNumber(
    env,
    "STS_TIMEOUT_MS",
    { fallback: STS_DEFAULTS.requestTimeoutMs, ...TIMEOUT_LIMITS, unit: "milliseconds" },
    problems,
  );
  const deadlineMs = wholeNumber(
    env,
    "STS_DEADLINE_MS",
    {
      fallback: Math.max(STS_DEFAULTS.deadlineMs, requestTimeoutMs),
      min: TIMEOUT_LIMITS.min,
      max: DEADLINE_MAX_MS,
      unit: "milliseconds",
    },
    problems,
  );
  if (deadlineMs < requestTimeoutMs) {
    problems.push("STS_DEADLINE_MS must be at least STS_TIMEOUT_MS: the deadline covers every attempt");
  }
  const maxAttempts = wholeNumber(
    env,
    "STS_MAX_ATTEMPTS",
    { fallback: STS_DEFAULTS.maxAttempts, ...ATTEMPT_LIMITS, unit: "attempts" },
    problems,
  );

  const cacheEntries = wholeNumber(
    env,
    "STS_CACHE_ENTRIES",
    { fallback: STS_DEFAULTS.cacheEntries, ...CACHE_ENTRY_LIMITS, unit: "credentials" },
    problems,
  );

  if (problems.length > 0 || modeSettings === undefined || region === undefined) return { problems };

  const functionName = nonEmpty(env.SCF_FUNCTIONNAME);
  const settings: StsSettings = Object.freeze({
    ...modeSettings,
    endpoint,
    protocol,
    region,
    durationSeconds,
    requestTimeoutMs,
    deadlineMs,
    maxAttempts,
    cacheEntries,
    sessionName: mode === "AssumeRole" ? roleSessionName(functionName) : federationName(functionName),
  });
  return { settings, problems };
}
