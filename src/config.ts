import { type AuthSettings, parseAuthSettings } from "./auth";
import { appIdFromBucket } from "./cos/policy";
import type { CosEndpoint } from "./cos/url";
import { type Env, flag, list, nonEmpty, parseHostUrl, REGION, wholeNumber } from "./env";
import { CREDENTIAL_MARGIN_SECONDS, parseStsSettings, type StsSettings } from "./sts/settings";

/** Everything the function needs, read from the environment once and frozen. */
export interface Config {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint: CosEndpoint;
  readonly sts: StsSettings;
  readonly auth: AuthSettings;
  readonly urlExpiresSeconds: number;
  readonly urlMaxExpiresSeconds: number;
  readonly allowedPrefixes: readonly string[];
  readonly pathPrefix: string;
  readonly corsAllowOrigins: readonly string[];
  /** HEAD the object before answering, so a missing key is a 404 here rather than at download time. */
  readonly checkExists: boolean;
}

export type ConfigResult =
  | { readonly config: Config; readonly problems: readonly [] }
  | { readonly problems: readonly string[] };

/**
 * A URL signed with a temporary key stops working when the key expires, so no URL outlives the longest key STS
 * issues: AssumeRole's 43200 s (STS doc 598/33164). URL_MAX_EXPIRES_SECONDS is further held to the configured
 * key lifetime, below.
 */
const URL_SECONDS = { min: 1, max: 43_200, unit: "seconds" } as const;

/** COS_DOMAIN is a custom origin host; `http://` is allowed for a loopback emulator only. */
function parseEndpoint(env: Env, problems: string[]): CosEndpoint {
  const domain = nonEmpty(env.COS_DOMAIN) ?? "";
  const accelerate = flag(env, "COS_ACCELERATE", false, problems);
  if (domain === "") return accelerate ? { kind: "accelerate" } : { kind: "default" };
  if (accelerate) problems.push("set COS_DOMAIN or COS_ACCELERATE=true, not both");
  // The same rules as STS_ENDPOINT; the host comes back as a client will send it, which is what gets signed.
  const parsed = parseHostUrl("COS_DOMAIN", domain, "download.example.com");
  if (typeof parsed === "string") {
    problems.push(parsed);
    return { kind: "default" };
  }
  return { kind: "custom", host: parsed.host, protocol: parsed.protocol };
}

function parseOrigins(env: Env, problems: string[]): string[] {
  const origins = list(env.CORS_ALLOW_ORIGINS);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed?.origin !== origin) {
      problems.push(`CORS_ALLOW_ORIGINS entry "${origin}" must be an exact origin such as https://app.example.com`);
    }
  }
  return origins;
}

function parsePrefixes(env: Env, problems: string[]): string[] {
  const prefixes = list(env.ALLOWED_PREFIXES);
  if (prefixes.length === 0) {
    problems.push('ALLOWED_PREFIXES is required: comma-separated key prefixes such as "public/,reports/", or "*"');
  }
  for (const prefix of prefixes) {
    if (prefix.startsWith("/")) problems.push(`ALLOWED_PREFIXES entry "${prefix}" must not start with "/"`);
    if (prefix !== "*" && prefix.includes("*")) {
      problems.push(`ALLOWED_PREFIXES entry "${prefix}" may not contain "*"; use "*" alone for the whole bucket`);
    }
  }
  return prefixes;
}

function parsePathPrefix(env: Env, problems: string[]): string {
  const prefix = nonEmpty(env.PATH_PREFIX) ?? "";
  if (prefix === "" || prefix === "/") return "";
  if (!prefix.startsWith("/")) problems.push('PATH_PREFIX must start with "/", e.g. /download');
  return prefix.replace(/\/+$/, "");
}

/** Reads and checks every variable, reporting every problem at once. Problems never quote a secret. */
export function loadConfig(env: Env): ConfigResult {
  const problems: string[] = [];
  const bucket = nonEmpty(env.COS_BUCKET) ?? "";
  const region = nonEmpty(env.COS_REGION) ?? "";
  if (bucket === "") {
    problems.push('COS_BUCKET is required: the full bucket name "<name>-<appid>"');
  } else {
    try {
      appIdFromBucket(bucket);
    } catch (error) {
      problems.push(`COS_BUCKET: ${(error as Error).message}`);
    }
    // The bucket is the first label of the URL's host, and a label starting xn-- is an internationalised name in
    // ASCII form (RFC 5890 §2.3.2.1): URL parsers decode it, and refuse the URL when it does not decode.
    if (bucket.startsWith("xn--")) problems.push(`COS_BUCKET "${bucket}" may not start with "xn--" (an IDNA prefix)`);
  }
  if (region === "") problems.push("COS_REGION is required, e.g. ap-guangzhou");
  else if (!REGION.test(region)) problems.push(`COS_REGION "${region}" is not a COS region such as ap-guangzhou`);

  const endpoint = parseEndpoint(env, problems);
  const urlExpiresSeconds = wholeNumber(env, "URL_EXPIRES_SECONDS", { ...URL_SECONDS, fallback: 300 }, problems);
  const urlMaxExpiresSeconds = wholeNumber(
    env,
    "URL_MAX_EXPIRES_SECONDS",
    { ...URL_SECONDS, fallback: 3600 },
    problems,
  );
  if (urlExpiresSeconds > urlMaxExpiresSeconds) {
    problems.push("URL_EXPIRES_SECONDS must not exceed URL_MAX_EXPIRES_SECONDS");
  }
  const allowedPrefixes = parsePrefixes(env, problems);
  const pathPrefix = parsePathPrefix(env, problems);
  const corsAllowOrigins = parseOrigins(env, problems);
  const checkExists = flag(env, "COS_CHECK_EXISTS", false, problems);

  const sts = parseStsSettings(env);
  problems.push(...sts.problems);
  // A request for the maximum must get it: a fresh key covers a URL only up to its lifetime less the margin the
  // credential cache keeps (src/sts/index.ts), so a larger maximum would be silently cut short.
  if (sts.settings !== undefined && urlMaxExpiresSeconds > sts.settings.durationSeconds - CREDENTIAL_MARGIN_SECONDS) {
    problems.push(
      `URL_MAX_EXPIRES_SECONDS must be at most STS_DURATION_SECONDS - ${CREDENTIAL_MARGIN_SECONDS}: a URL dies ` +
        "with the temporary key it is signed with; raise STS_DURATION_SECONDS or lower URL_MAX_EXPIRES_SECONDS",
    );
  }
  const auth = parseAuthSettings(env);
  problems.push(...auth.problems);

  if (problems.length > 0 || !sts.settings || !auth.settings) return { problems };
  return {
    problems: [],
    config: Object.freeze({
      bucket,
      region,
      endpoint,
      sts: sts.settings,
      auth: auth.settings,
      urlExpiresSeconds,
      urlMaxExpiresSeconds,
      allowedPrefixes: Object.freeze(allowedPrefixes),
      pathPrefix,
      corsAllowOrigins: Object.freeze(corsAllowOrigins),
      checkExists,
    }),
  };
}
