import { createHash, createHmac } from "node:crypto";
import { cosEncode } from "./encode";

/** The validity window of a signature, in Unix seconds. COS reads it as `<start>;<end>`. */
export interface KeyTime {
  readonly start: number;
  readonly end: number;
}

export interface SignatureInput {
  /** HTTP method, any case; it is signed lower-cased. */
  method: string;
  /** The raw, decoded UTF-8 path starting with "/": COS signs it NOT URL-encoded. */
  path: string;
  /** Query parameters to sign, names as sent (they are lower-cased for signing only). */
  query: Readonly<Record<string, string>>;
  /** Headers to sign. A URL signs `host` only. */
  headers: Readonly<Record<string, string>>;
  keyTime: KeyTime;
  secretId: string;
  secretKey: string;
}

/** Every intermediate value of the COS algorithm, so tests can check each against the official vectors. */
export interface SignatureParts {
  keyTime: string;
  signKey: string;
  urlParamList: string;
  httpParameters: string;
  headerList: string;
  httpHeaders: string;
  httpString: string;
  httpStringSha1: string;
  stringToSign: string;
  signature: string;
}

/** Parameters (or headers) in COS's signed form. */
export interface Canonical {
  /** Encoded lower-cased names joined with `;` (q-url-param-list / q-header-list). */
  readonly list: string;
  /** `name=value` pairs joined with `&` (HttpParameters / HttpHeaders). ASCII only: every part is encoded. */
  readonly pairs: string;
}

const EMPTY: Canonical = { list: "", pairs: "" };

/**
 * Sorts already-encoded names (lower-cased, then cosEncoded) with their encoded values and joins them.
 * Encoded names are ASCII, so code-unit order is byte order. Sorted by insertion, in place: a request has a
 * handful of parameters, and this avoids a tuple per entry and a comparator call per comparison. Stable, so
 * equal names (`versionId` and `versionid`) keep their input order. For url.ts, which encodes each value once
 * for both the URL and the signature.
 */
export function canonicalFromEncoded(names: string[], values: string[]): Canonical {
  const count = names.length;
  if (count === 0) return EMPTY;
  for (let i = 1; i < count; i++) {
    const name = names[i] as string;
    const value = values[i] as string;
    let j = i;
    for (; j > 0 && (names[j - 1] as string) > name; j--) {
      names[j] = names[j - 1] as string;
      values[j] = values[j - 1] as string;
    }
    names[j] = name;
    values[j] = value;
  }
  let list = names[0] as string;
  let pairs = `${list}=${values[0]}`;
  for (let i = 1; i < count; i++) {
    list += `;${names[i]}`;
    pairs += `&${names[i]}=${values[i]}`;
  }
  return { list, pairs };
}

/**
 * The parameter and header names this function signs, mapped to their signed form (lower-cased; none needs
 * encoding), so the common names skip lower-casing and scanning; any other name takes the general rule.
 */
const SIGNED_NAMES: ReadonlyMap<string, string> = new Map(
  [
    "host",
    "response-cache-control",
    "response-content-disposition",
    "response-content-type",
    "versionId",
    "x-cos-security-token",
    "x-cos-traffic-limit",
  ].map((name) => [name, name.toLowerCase()]),
);

/**
 * A parameter or header name as COS signs it: lower-cased, then encoded. cos-nodejs-sdk-v5 encodes first and
 * lower-cases after (so `%2F` becomes `%2f`); the two agree on every name made of `a-z 0-9 - _ . ~` and
 * upper-case ASCII letters, i.e. every COS parameter and header name.
 */
export function signedName(name: string): string {
  return SIGNED_NAMES.get(name) ?? cosEncode(name.toLowerCase());
}

/**
 * COS steps 3/4: names in signed form, values encoded (never lower-cased), sorted by encoded name
 * (cos-nodejs-sdk-v5 sorts by raw name, which gives the same order for the names above).
 */
function canonicalize(params: Readonly<Record<string, string>>): Canonical {
  const keys = Object.keys(params);
  const names: string[] = new Array(keys.length);
  const values: string[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    names[i] = signedName(key);
    values[i] = cosEncode(params[key] as string);
  }
  return canonicalFromEncoded(names, values);
}

/**
 * The COS request signature (q-sign-algorithm=sha1), as Tencent's "Request Signature" page describes it
 * (COS doc 436/7778). Pure: the clock is in `keyTime`.
 */
export function computeSignature(input: SignatureInput): SignatureParts {
  return signCanonical(
    input.method,
    input.path,
    canonicalize(input.query),
    canonicalize(input.headers),
    input.keyTime,
    input.secretKey,
  );
}

/** HMAC-SHA1 as lower-case hex, both strings read as UTF-8. */
function hmacSha1Hex(key: string, message: string): string {
  return createHmac("sha1", key).update(message).digest("hex");
}

/** {@link computeSignature} from parameters and headers already in signed form (see canonicalFromEncoded). */
export function signCanonical(
  method: string,
  path: string,
  query: Canonical,
  headers: Canonical,
  time: KeyTime,
  secretKey: string,
): SignatureParts {
  const keyTime = `${time.start};${time.end}`;
  const signKey = hmacSha1Hex(secretKey, keyTime);
  const head = `${method.toLowerCase()}\n${path}\n`;
  const tail = `\n${headers.pairs}\n`;
  // Hashed in two parts: a non-ASCII path makes `head` a two-byte string, and hashing the concatenation
  // would first flatten the whole (token-sized) HttpString into two-byte form, then transcode all of it to
  // UTF-8. The rest is ASCII, for which latin1 is the cheaper, byte-identical encoding.
  const httpStringSha1 = createHash("sha1")
    .update(head)
    .update(query.pairs + tail, "latin1")
    .digest("hex");
  const stringToSign = `sha1\n${keyTime}\n${httpStringSha1}\n`;
  // The key of the second HMAC is SignKey's hex string, not its bytes.
  const signature = hmacSha1Hex(signKey, stringToSign);
  return {
    keyTime,
    signKey,
    urlParamList: query.list,
    httpParameters: query.pairs,
    headerList: headers.list,
    httpHeaders: headers.pairs,
    // A rope (cons string) that nothing flattens unless a caller reads it.
    httpString: head + query.pairs + tail,
    httpStringSha1,
    stringToSign,
    signature,
  };
}

/**
 * The seven q-* pairs in COS's order (q-sign-algorithm, q-ak, q-sign-time, q-key-time, q-header-list,
 * q-url-param-list, q-signature), `name=value` joined with `&`, each value passed through `encodeValue`.
 * One template rather than an array of pairs: this runs once per signature.
 */
function qPairs(secretId: string, parts: SignatureParts, encodeValue: (value: string) => string): string {
  const keyTime = encodeValue(parts.keyTime);
  return (
    `q-sign-algorithm=sha1&q-ak=${encodeValue(secretId)}&q-sign-time=${keyTime}&q-key-time=${keyTime}` +
    `&q-header-list=${encodeValue(parts.headerList)}&q-url-param-list=${encodeValue(parts.urlParamList)}` +
    `&q-signature=${parts.signature}`
  );
}

const asIs = (value: string): string => value;

/**
 * The COS Authorization string, values as they are: what the `Authorization` header carries, and what
 * cos-nodejs-sdk-v5's `getAuthorization` returns.
 */
export function authorization(secretId: string, parts: SignatureParts): string {
  return qPairs(secretId, parts, asIs);
}

/** The same pairs as they go in a pre-signed URL's query: every value encoded with {@link cosEncode}. */
export function authorizationQuery(secretId: string, parts: SignatureParts): string {
  return qPairs(secretId, parts, cosEncode);
}
