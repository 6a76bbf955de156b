import type { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from "jose";
import { PresignError } from "../errors";
import type { JwtSettings } from "./settings";

/** A shared secret only ever verifies HS256: one algorithm, so a token cannot pick a weaker or stranger one. */
const SECRET_ALGORITHMS: readonly string[] = ["HS256"];
/**
 * A JWKS only ever verifies asymmetric signatures. No HS*: a token signed with the public key as an HMAC
 * secret (algorithm confusion) is refused before any key is looked at. No `none`, ever.
 */
const JWKS_ALGORITHMS: readonly string[] = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

/**
 * jose refetches the key set when a token names a `kid` it does not hold, but at most once per cooldown after
 * a successful fetch, so a stream of made-up kids cannot turn into a stream of requests to the identity
 * provider. A key introduced less than this long after our last fetch is refused until the cooldown ends;
 * publish new keys a little before signing with them (every provider's rotation already works that way).
 */
export const JWKS_COOLDOWN_MS = 30_000;
/** Without an unknown kid, the key set is refetched once it is this old (jose's default, stated here). */
export const JWKS_CACHE_MAX_AGE_MS = 600_000;

/** A compact JWS larger than this is not a token anyone issues; refusing it bounds the work per request. */
const MAX_TOKEN_LENGTH = 8192;

export type TokenCheck =
  | { readonly ok: true; readonly subject?: string; readonly prefixes?: readonly string[] }
  | { readonly ok: false; readonly reason: string };

type Jose = Pick<typeof import("jose"), "createRemoteJWKSet" | "jwtVerify">;

/** Checks a token's signature and claims at `now` (Unix ms); rejects with jose's errors. */
type Verify = (token: string, now: number) => Promise<JWTPayload>;

type JwksSettings = Extract<JwtSettings, { readonly verifier: "jwks" }>;

/** jose's key lookup, also given the request's clock, so a failed fetch is remembered without reading time. */
type GetKey = (
  header: Parameters<JWTVerifyGetKey>[0],
  token: Parameters<JWTVerifyGetKey>[1],
  now: number,
) => ReturnType<JWTVerifyGetKey>;

/** A key set: jose's cached copy, and after a failed fetch until when (Unix ms) not to try again, and why. */
interface KeySetState {
  readonly keySet: JWTVerifyGetKey;
  unavailable: { readonly until: number; readonly reasonCode: string } | undefined;
}

/**
 * Key sets by URL and fetch timeout, kept for the life of the warm instance so each one is fetched once, not
 * once per request. Created on first use: a cold start with JWT off never builds one.
 */
const keySets = new Map<string, KeySetState>();

/** Raised inside key resolution when the key set cannot be had at all, to keep it apart from token faults. */
class KeySetUnavailable extends Error {
  constructor(
    readonly reasonCode: string,
    /** Whole seconds until the next fetch may be tried. */
    readonly retryAfterSeconds: number,
  ) {
    super("JWKS unavailable");
  }
}

/** Errors from key resolution that are the token's fault, not the key set's. */
const TOKEN_KEY_ERRORS = new Set([
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JOSE_NOT_SUPPORTED",
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/**
 * The instance's key set for these settings, wrapped so a key set that cannot be had is told apart from a bad
 * token. A failed fetch is remembered for `retrySeconds`: meanwhile every lookup fails at once, so an identity
 * provider outage costs one fetch per interval instead of one per request, each waiting up to the timeout.
 */
function remoteKeySet(jose: Jose, settings: JwksSettings): GetKey {
  const id = `${settings.fetchTimeoutMs} ${settings.jwksUrl}`;
  let state = keySets.get(id);
  if (state === undefined) {
    state = {
      keySet: jose.createRemoteJWKSet(new URL(settings.jwksUrl), {
        cooldownDuration: JWKS_COOLDOWN_MS,
        cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
        timeoutDuration: settings.fetchTimeoutMs,
      }),
      unavailable: undefined,
    };
    keySets.set(id, state);
  }
  const shared = state;
  return async (header, token, now) => {
    const { unavailable } = shared;
    if (unavailable !== undefined && now < unavailable.until) {
      throw new KeySetUnavailable(unavailable.reasonCode, Math.ceil((unavailable.until - now) / 1000));
    }
    try {
      const key = await shared.keySet(header, token);
      shared.unavailable = undefined;
      return key;
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && TOKEN_KEY_ERRORS.has(code)) {
        throw error;
      }
      const reasonCode = code ?? "unknown";
      shared.unavailable = { until: now + settings.retrySeconds * 1000, reasonCode };
      throw new KeySetUnavailable(reasonCode, settings.retrySeconds);
    }
  };
}

/**
 * One verifier per settings object (that is, per warm instance): jose is loaded, the secret encoded and the
 * options fixed once, not on every request. Loaded here, not at the top: a deployment without JWT mode never
 * evaluates jose at all. Two narrow entry points rather than the package index: `import("jose")` keeps every
 * export in the bundle.
 */
const verifiers = new WeakMap<JwtSettings, Promise<Verify>>();

function verifierFor(settings: JwtSettings): Promise<Verify> {
  let verifier = verifiers.get(settings);
  if (verifier === undefined) {
    verifier = buildVerifier(settings);
    verifiers.set(settings, verifier);
  }
  return verifier;
}

async function buildVerifier(settings: JwtSettings): Promise<Verify> {
  const [{ jwtVerify }, { createRemoteJWKSet }] = await Promise.all([
    import("jose/jwt/verify"),
    import("jose/jwks/remote"),
  ]);
  const options: JWTVerifyOptions = {
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: settings.clockToleranceSeconds,
    // A token without `exp` would be good forever; refuse it rather than trust every issuer to add one.
    requiredClaims: ["exp"],
  };
  if (settings.verifier === "secret") {
    const key = new TextEncoder().encode(settings.secret);
    const withAlgorithms = { ...options, algorithms: [...SECRET_ALGORITHMS] };
    return async (token, now) =>
      (await jwtVerify(token, key, { ...withAlgorithms, currentDate: new Date(now) })).payload;
  }
  const getKey = remoteKeySet({ jwtVerify, createRemoteJWKSet }, settings);
  const withAlgorithms = { ...options, algorithms: [...JWKS_ALGORITHMS] };
  return async (token, now) => {
    const lookup: JWTVerifyGetKey = (header, input) => getKey(header, input, now);
    return (await jwtVerify(token, lookup, { ...withAlgorithms, currentDate: new Date(now) })).payload;
  };
}

/** Verifies a compact JWT against the settings; the clock is `now` (Unix ms). */
export async function verifyBearerToken(settings: JwtSettings, token: string, now: number): Promise<TokenCheck> {
  if (token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: "token malformed (too long)" };
  }
  const verify = await verifierFor(settings);
  let payload: JWTPayload;
  try {
    payload = await verify(token, now);
  } catch (error) {
    if (error instanceof KeySetUnavailable) {
      // Not the caller's fault: a 401 would send them to fetch a new token that fails the same way.
      throw new PresignError(
        "CredentialServiceUnavailable",
        "cannot fetch the JWT signing keys (JWKS) to verify the token; try again shortly",
        { retryAfterSeconds: error.retryAfterSeconds, detail: { jwks: error.reasonCode }, cause: error },
      );
    }
    return { ok: false, reason: reasonFor(error) };
  }

  const claim = payload.cos_prefixes;
  let prefixes: readonly string[] | undefined;
  if (claim !== undefined) {
    if (!Array.isArray(claim) || !claim.every((item): item is string => typeof item === "string")) {
      return { ok: false, reason: "token claim cos_prefixes must be an array of strings" };
    }
    prefixes = Object.freeze([...claim]);
  }
  const subject = typeof payload.sub === "string" ? payload.sub : undefined;
  return {
    ok: true,
    ...(subject === undefined ? {} : { subject }),
    ...(prefixes === undefined ? {} : { prefixes }),
  };
}

/** Which check failed, in words for the caller. Branches on jose's stable error codes, never its messages. */
function reasonFor(error: unknown): string {
  switch (codeOf(error)) {
    case "ERR_JWT_EXPIRED":
      return "token expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return claimReason(error);
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "token algorithm not allowed";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "token signature does not match";
    case "ERR_JWKS_NO_MATCHING_KEY":
      return "token key not found in the key set (kid)";
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return "token names no kid and several keys match";
    case "ERR_JOSE_NOT_SUPPORTED":
      return "token algorithm or key type not supported";
    case "ERR_JWS_INVALID":
    case "ERR_JWT_INVALID":
      return "token malformed";
    default:
      return "token rejected";
  }
}

function claimReason(error: unknown): string {
  const claim = typeof error === "object" && error !== null && "claim" in error ? String(error.claim) : "";
  const reason = typeof error === "object" && error !== null && "reason" in error ? String(error.reason) : "";
  if (reason === "missing") {
    return `token has no ${claim} claim`;
  }
  switch (claim) {
    case "iss":
      return "token issuer mismatch";
    case "aud":
      return "token audience mismatch";
    case "nbf":
      return reason === "check_failed" ? "token not yet valid" : "token nbf claim invalid";
    default:
      return `token ${claim} claim invalid`;
  }
}
