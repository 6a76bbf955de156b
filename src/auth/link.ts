import { createHmac, timingSafeEqual } from "node:crypto";
import { isWellFormedUnicode } from "../text";

/**
 * The options a link can carry. Each one changes what the response grants, so each one is signed. `expires` is
 * the lifetime in seconds of the COS URL each use of the link hands out: unsigned, a link holder could append
 * `&expires=43200` and walk away with a COS URL as long-lived as URL_MAX_EXPIRES_SECONDS allows. (`format`, json
 * or redirect, is not signed: it only picks how the same URL is delivered.)
 */
export interface LinkOptions {
  filename?: string;
  disposition?: string;
  versionId?: string;
  trafficLimit?: string;
  expires?: string;
}

/** The raw query values of a request, as received. */
export interface LinkParams {
  readonly exp?: string;
  readonly sig?: string;
  readonly filename?: string;
  readonly disposition?: string;
  readonly versionId?: string;
  readonly trafficLimit?: string;
  readonly expires?: string;
}

/**
 * First line of the canonical string. A later format gets a new tag, so a v1 signature can never be read as a
 * v2 one, and both can be verified side by side during a migration.
 *
 * `expires` joined the v1 layout in place rather than as a v2: no link had been minted or released with the
 * earlier six-field layout, so there is no old signature a new tag would need to tell apart.
 */
const LINK_CANONICAL_VERSION = "cos-presign-link-v1";

/** Option names in canonical order; also the query parameter names `linkQuery` writes. */
const OPTION_NAMES = ["filename", "disposition", "versionId", "trafficLimit", "expires"] as const;

/** Decimal Unix seconds, no sign, no leading zero, at most 12 digits (year 33658): one spelling per instant. */
export const EXP_PATTERN = /^[1-9]\d{0,11}$/;

/** base64url of a 32-byte HMAC-SHA256, without padding. */
const SIG_LENGTH = 43;

/**
 * The string a link's `sig` is the HMAC-SHA256 of:
 *
 *     cos-presign-link-v1\n
 *     <len>:<key>\n
 *     <len>:<exp>\n
 *     <len>:<filename>\n
 *     <len>:<disposition>\n
 *     <len>:<versionId>\n
 *     <len>:<trafficLimit>\n
 *     <len>:<expires>\n
 *
 * `<len>` is the field's length in UTF-8 bytes, in decimal. Fixed order, every field always present, an
 * absent option written as the empty field `0:`. The length prefix, not the newline, is what keeps fields
 * apart, so a key may contain newlines or colons and still no two different requests share a string. An empty
 * option and an absent one write the same field; they never meet, because an empty option (`?filename=`) is a
 * 400 before a link is checked.
 */
export function canonicalLinkString(key: string, exp: string, options: LinkOptions = {}): string {
  let text = `${LINK_CANONICAL_VERSION}\n`;
  for (const field of [key, exp, ...OPTION_NAMES.map((name) => options[name] ?? "")]) {
    text += `${Buffer.byteLength(field, "utf8")}:${field}\n`;
  }
  return text;
}

function hmac(secret: string, canonical: string): string {
  return createHmac("sha256", secret).update(canonical, "utf8").digest("base64url");
}

function wellFormed(key: string, options: LinkOptions): boolean {
  // A lone surrogate has no UTF-8 form: Buffer would turn each into U+FFFD, and two different keys would sign alike.
  return isWellFormedUnicode(key) && OPTION_NAMES.every((name) => isWellFormedUnicode(options[name] ?? ""));
}

/** The `sig` of a link to `key` valid until `exp` (Unix seconds), base64url without padding. */
export function signLink(secret: string, key: string, exp: number, options: LinkOptions = {}): string {
  if (secret === "") {
    throw new TypeError("signLink: the secret is empty");
  }
  if (!Number.isSafeInteger(exp) || !EXP_PATTERN.test(String(exp))) {
    throw new RangeError("signLink: exp must be a positive whole number of Unix seconds");
  }
  if (!wellFormed(key, options)) {
    throw new TypeError("signLink: the key or an option contains a lone UTF-16 surrogate");
  }
  return hmac(secret, canonicalLinkString(key, String(exp), options));
}

/**
 * `exp=…&sig=…[&filename=…][&disposition=…][&versionId=…][&trafficLimit=…][&expires=…]`, each value
 * URL-encoded, to append to `/<encoded key>?` (see `linkPath`). Empty options are left out, as they sign the
 * same as absent ones.
 */
export function linkQuery(secret: string, key: string, exp: number, options: LinkOptions = {}): string {
  const parts = [`exp=${exp}`, `sig=${signLink(secret, key, exp, options)}`];
  for (const name of OPTION_NAMES) {
    const value = options[name];
    if (value !== undefined && value !== "") {
      parts.push(`${name}=${encodeURIComponent(value)}`);
    }
  }
  return parts.join("&");
}

/**
 * `/` + the key with each `/`-separated segment URL-encoded: the path a link to `key` puts after the base URL.
 * A key with an empty, `.` or `..` segment would be rewritten by URL parsers on the way; the key rules refuse
 * such keys anyway.
 */
export function linkPath(key: string): string {
  return `/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * Checks a link against each secret (current first). Returns why it fails, or undefined when it is good.
 * The signature is checked before the expiry, so "link expired" is only ever said of a link this service did
 * sign; a link with a pushed-back `exp` is "does not match", as it should be.
 */
export function verifyLink(
  secrets: readonly string[],
  key: string,
  params: LinkParams,
  now: number,
): string | undefined {
  const { exp, sig } = params;
  const hasExp = exp !== undefined && exp !== "";
  const hasSig = sig !== undefined && sig !== "";
  if (!hasSig) {
    return hasExp ? "link signature missing (sig)" : "link signature and expiry missing (exp, sig)";
  }
  if (!hasExp) {
    return "link expiry missing (exp)";
  }
  if (!EXP_PATTERN.test(exp)) {
    return "link exp is not a Unix time in seconds";
  }
  // The link's options are read from params by name; exp and sig are not among them.
  const options: LinkOptions = params;
  if (!wellFormed(key, options)) {
    return "link signature does not match";
  }
  const canonical = canonicalLinkString(key, exp, options);
  const given = Buffer.from(sig, "utf8");
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmac(secret, canonical), "ascii");
    // timingSafeEqual throws on unequal lengths; the length of a sig is public anyway (always 43).
    if (given.length === SIG_LENGTH && timingSafeEqual(given, expected)) {
      matched = true;
    }
  }
  if (!matched) {
    return "link signature does not match";
  }
  if (Number(exp) * 1000 <= now) {
    return "link expired";
  }
  return undefined;
}
