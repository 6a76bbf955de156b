import { PresignError } from "../errors";
import { verifyBearerToken } from "./jwt";
import { type LinkParams, verifyLink } from "./link";
import { keyAllowedByPrefixes } from "./prefixes";
import type { AuthSettings } from "./settings";

/**
 * What an HTTP request carries, already parsed by the HTTP layer. Header names lower-case. (A direct
 * invocation is never authorized here: its caller already passed CAM, scf:InvokeFunction.)
 */
export interface AuthRequest {
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The link fields and every option a link signs, as received. */
  readonly params: LinkParams;
}

export interface AuthGrant {
  readonly via: "none" | "link" | "jwt";
  /** The JWT's `cos_prefixes`, already applied to the key here; undefined = no extra limit. */
  readonly prefixes?: readonly string[];
  /** The JWT's `sub`. Not logged (it may be personal data); for callers that need to know who asked. */
  readonly subject?: string;
}

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * Decides who is asking. Resolves with a grant, or throws PresignError: Unauthorized (401) when no configured
 * mode accepts the request, AccessDenied (403) when a valid token does not cover the key,
 * CredentialServiceUnavailable (503) when the JWKS cannot be fetched. ALLOWED_PREFIXES is the caller's to
 * apply, whatever the grant.
 *
 * Only the modes whose credentials the request carries are tried, cheapest first (link: one HMAC; jwt: maybe
 * a key set fetch). When all fail, the answer names every failed check, so a link with a bad `sig` hears
 * about the sig and a bad token about the token.
 */
export async function authorize(settings: AuthSettings, request: AuthRequest, now: number): Promise<AuthGrant> {
  // `none` accepts everything; a token's narrower cos_prefixes must not make a request fail that `none`
  // lets through, so credentials are not even looked at.
  if (settings.mode === "none") {
    return { via: "none" };
  }
  const { link, jwt } = settings;
  const failures: string[] = [];
  let tokenGiven = false;

  const { params } = request;
  if (link !== undefined && (params.sig !== undefined || params.exp !== undefined)) {
    const reason = verifyLink(link.secrets, request.key, params, now);
    if (reason === undefined) {
      return { via: "link" };
    }
    failures.push(reason);
  }

  const authorization = request.headers.authorization;
  if (jwt !== undefined && authorization !== undefined) {
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) {
      failures.push(
        /^\s*bearer\s*$/i.test(authorization)
          ? "Authorization: Bearer carries no token"
          : "Authorization header is not a Bearer token",
      );
    } else {
      tokenGiven = true;
      const check = await verifyBearerToken(jwt, token, now);
      if (check.ok) {
        if (check.prefixes !== undefined && !keyAllowedByPrefixes(request.key, check.prefixes)) {
          throw outsideClaim(check.prefixes);
        }
        return {
          via: "jwt",
          ...(check.prefixes === undefined ? {} : { prefixes: check.prefixes }),
          ...(check.subject === undefined ? {} : { subject: check.subject }),
        };
      }
      failures.push(check.reason);
    }
  }

  const message = failures.length > 0 ? failures.join("; ") : noCredentials(settings.mode);
  throw new PresignError(
    "Unauthorized",
    message,
    jwt !== undefined ? { bearer: tokenGiven ? "invalid_token" : "challenge" } : {},
  );
}

/**
 * A valid token whose cos_prefixes do not cover the key. The log detail tells the operator which case it is:
 * a claim with no usable entry (an empty list, or only empty entries) usually means the identity provider's
 * claim template rendered nothing for this user.
 */
function outsideClaim(prefixes: readonly string[]): PresignError {
  const usable = prefixes.some((prefix) => prefix !== "");
  const reason = usable ? "no entry covers the key" : prefixes.length === 0 ? "empty list" : "every entry is empty";
  return new PresignError(
    "AccessDenied",
    usable
      ? "the token's cos_prefixes do not cover this key"
      : "the token's cos_prefixes grant no key: the claim has no non-empty entry",
    {
      bearer: "insufficient_scope",
      detail: { cosPrefixes: reason },
    },
  );
}

function noCredentials(mode: "link" | "jwt" | "link,jwt"): string {
  switch (mode) {
    case "link,jwt":
      return "no credentials: send a signed link (exp, sig) or Authorization: Bearer";
    case "link":
      return "no credentials: send a signed link (exp, sig)";
    case "jwt":
      return "no credentials: send Authorization: Bearer <token>";
  }
}
