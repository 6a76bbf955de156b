import { type Env, list, nonEmpty, secretValue, wholeNumber } from "../env";
import { isLoopbackHost } from "../loopback";

export type AuthMode = "none" | "link" | "jwt";

export interface LinkSettings {
  /** The current secret first, then LINK_SECRET_PREVIOUS when it differs. */
  readonly secrets: readonly [current: string] | readonly [current: string, previous: string];
}

interface JwtClaimSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
}

/** How tokens are verified: exactly one of a shared secret (HS256) or the identity provider's key set. */
export type JwtSettings = JwtClaimSettings &
  (
    | { readonly verifier: "secret"; readonly secret: string }
    | {
        readonly verifier: "jwks";
        readonly jwksUrl: string;
        /** One key set fetch may take this long. */
        readonly fetchTimeoutMs: number;
        /** After a failed fetch, the next one waits this long; requests meanwhile get 503 at once. */
        readonly retrySeconds: number;
      }
  );

/**
 * Who may ask. `none` anywhere in AUTH_MODE lets everyone in, so nothing else is kept; otherwise each mode
 * comes with its settings, and the type has no state with a mode but not its secrets.
 */
export type AuthSettings =
  | { readonly mode: "none"; readonly link?: undefined; readonly jwt?: undefined }
  | { readonly mode: "link"; readonly link: LinkSettings; readonly jwt?: undefined }
  | { readonly mode: "jwt"; readonly link?: undefined; readonly jwt: JwtSettings }
  | { readonly mode: "link,jwt"; readonly link: LinkSettings; readonly jwt: JwtSettings };

const MODES: readonly AuthMode[] = ["none", "link", "jwt"];

/**
 * Both HMAC secrets (LINK_SECRET*, JWT_SECRET) must be at least 32 bytes. A link or a token carries the
 * message and its MAC in the clear, so anyone holding one can guess secrets offline as fast as they can
 * compute HMAC-SHA256; only a secret with about as many bits as the hash output (RFC 2104 §3, RFC 7518 §3.2)
 * puts that out of reach. 32 random bytes in base64 (`openssl rand -base64 32`) are 44 characters.
 */
const MIN_SECRET_BYTES = 32;

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Well inside SCF's default 3 s function timeout, so a hanging provider yields our 503, not a platform kill. */
const JWKS_FETCH_TIMEOUT_MS = { fallback: 2000, min: 50, max: 30_000, unit: "milliseconds" } as const;
/**
 * Long enough that an identity provider outage costs each instance one fetch per few seconds instead of one
 * per request (each waiting up to the fetch timeout); short enough that recovery is seen almost at once.
 */
const JWKS_RETRY_SECONDS = { fallback: 5, min: 1, max: 300, unit: "seconds" } as const;
/** Beyond five minutes a "tolerance" stops covering clock skew and starts extending every token's life. */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

/**
 * Reads the auth part of the environment and reports every problem at once. `settings` is present only when
 * `problems` is empty. Problems name variables, never their values: a misplaced secret must not reach a log.
 */
export function parseAuthSettings(env: Env): {
  settings?: AuthSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const modes = parseModes(env.AUTH_MODE, problems);

  const link = modes.includes("link") ? parseLink(env, problems) : undefined;
  const jwt = modes.includes("jwt") ? parseJwt(env, problems) : undefined;
  if (problems.length > 0) {
    return { problems };
  }
  const settings = settingsFor(modes, link, jwt);
  // Not reached: a mode without its settings, or no mode at all, was reported above.
  return settings === undefined ? { problems: ["AUTH_MODE names no usable mode"] } : { settings, problems };
}

/** The one state the modes and their settings make, or undefined when a named mode has no settings. */
function settingsFor(
  modes: readonly AuthMode[],
  link: LinkSettings | undefined,
  jwt: JwtSettings | undefined,
): AuthSettings | undefined {
  if (modes.includes("none")) return Object.freeze({ mode: "none" });
  const useLink = modes.includes("link");
  const useJwt = modes.includes("jwt");
  if (useLink && useJwt) return link && jwt && Object.freeze({ mode: "link,jwt", link, jwt });
  if (useLink) return link && Object.freeze({ mode: "link", link });
  if (useJwt) return jwt && Object.freeze({ mode: "jwt", jwt });
  return undefined;
}

function parseModes(raw: string | undefined, problems: string[]): AuthMode[] {
  if (nonEmpty(raw) === undefined) {
    // No silent default: an unset AUTH_MODE must not quietly mean "anyone may read".
    problems.push('AUTH_MODE is not set: set it to one or more of "none", "link", "jwt", comma-separated');
    return [];
  }
  const modes: AuthMode[] = [];
  // list() drops empty items: "link," is a harmless trailing comma, not a mode.
  for (const item of list(raw)) {
    const name = item.toLowerCase();
    const mode = MODES.find((candidate) => candidate === name);
    if (mode === undefined) {
      problems.push(`AUTH_MODE: unknown mode ${JSON.stringify(name.slice(0, 40))}; use "none", "link" or "jwt"`);
    } else if (!modes.includes(mode)) {
      modes.push(mode);
    }
  }
  if (modes.length === 0 && problems.length === 0) {
    problems.push('AUTH_MODE names no mode: set it to one or more of "none", "link", "jwt", comma-separated');
  }
  return modes;
}

function checkSecretLength(name: string, secret: string, problems: string[]): void {
  if (Buffer.byteLength(secret, "utf8") < MIN_SECRET_BYTES) {
    problems.push(
      `${name} is shorter than ${MIN_SECRET_BYTES} bytes; use a random one, e.g. \`openssl rand -base64 32\``,
    );
  }
}

function parseLink(env: Env, problems: string[]): LinkSettings | undefined {
  const current = secretValue(env.LINK_SECRET);
  const previous = secretValue(env.LINK_SECRET_PREVIOUS);
  if (current === undefined) {
    problems.push(
      previous === undefined
        ? "AUTH_MODE includes link but LINK_SECRET is not set"
        : "AUTH_MODE includes link but LINK_SECRET is not set (LINK_SECRET_PREVIOUS alone does not sign anything)",
    );
    return undefined;
  }
  checkSecretLength("LINK_SECRET", current, problems);
  if (previous !== undefined) {
    checkSecretLength("LINK_SECRET_PREVIOUS", previous, problems);
  }
  const secrets: LinkSettings["secrets"] =
    previous === undefined || previous === current ? [current] : [current, previous];
  return Object.freeze({ secrets: Object.freeze(secrets) });
}

function parseJwt(env: Env, problems: string[]): JwtSettings | undefined {
  const secret = secretValue(env.JWT_SECRET);
  // Settings, not secrets: trimmed, so a pasted trailing space cannot turn every token into an issuer mismatch.
  const jwksUrl = nonEmpty(env.JWT_JWKS_URL);
  const issuer = nonEmpty(env.JWT_ISSUER);
  const audience = nonEmpty(env.JWT_AUDIENCE);
  const before = problems.length;

  if (secret === undefined && jwksUrl === undefined) {
    problems.push("AUTH_MODE includes jwt but neither JWT_SECRET (HS256) nor JWT_JWKS_URL is set");
  } else if (secret !== undefined && jwksUrl !== undefined) {
    // Accepting both would let an HS256 token in where the operator believes only the identity provider's
    // keys count; one verifier per deployment keeps "who can mint a token" a single answer.
    problems.push("set only one of JWT_SECRET and JWT_JWKS_URL, not both");
  }
  if (secret !== undefined) {
    checkSecretLength("JWT_SECRET", secret, problems);
  }
  if (jwksUrl !== undefined) {
    checkJwksUrl(jwksUrl, problems);
  }
  if (issuer === undefined) {
    problems.push("AUTH_MODE includes jwt but JWT_ISSUER is not set (the expected `iss` claim)");
  }
  if (audience === undefined) {
    problems.push("AUTH_MODE includes jwt but JWT_AUDIENCE is not set (the expected `aud` claim)");
  }
  const clockToleranceSeconds = wholeNumber(
    env,
    "JWT_CLOCK_TOLERANCE_SECONDS",
    { fallback: DEFAULT_CLOCK_TOLERANCE_SECONDS, min: 0, max: MAX_CLOCK_TOLERANCE_SECONDS, unit: "seconds" },
    problems,
  );

  const fetchTimeoutMs = wholeNumber(env, "JWT_JWKS_TIMEOUT_MS", JWKS_FETCH_TIMEOUT_MS, problems);
  const retrySeconds = wholeNumber(env, "JWT_JWKS_RETRY_SECONDS", JWKS_RETRY_SECONDS, problems);

  if (problems.length > before || issuer === undefined || audience === undefined) {
    return undefined;
  }
  const claims = { issuer, audience, clockToleranceSeconds };
  if (secret !== undefined) {
    return Object.freeze({ verifier: "secret", secret, ...claims });
  }
  if (jwksUrl !== undefined) {
    return Object.freeze({ verifier: "jwks", jwksUrl, fetchTimeoutMs, retrySeconds, ...claims });
  }
  return undefined;
}

function checkJwksUrl(raw: string, problems: string[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push("JWT_JWKS_URL is not an absolute URL");
    return;
  }
  if (url.protocol === "https:") {
    return;
  }
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) {
    return; // Plain http only where nothing can sit on the wire: local tests and sidecars.
  }
  problems.push("JWT_JWKS_URL must use https:// (http:// is accepted only for loopback hosts)");
}
