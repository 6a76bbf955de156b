/**
 * A strict stand-in for one private COS bucket, served from a local folder on 127.0.0.1.
 *
 * It exists so end-to-end tests and `npm start` can follow the function's pre-signed URLs without a Tencent
 * account, and so a URL that real COS would refuse is refused here too. It verifies the q-sign-algorithm=sha1
 * signature with cos-nodejs-sdk-v5 as an independent oracle (never with the project's own signer), checks the
 * STS token, the signature's time window and the token's CAM policy, and only then streams the file.
 *
 * Error codes follow Tencent's "403 Error for COS Access" troubleshooting page
 * (intl.cloud.tencent.com/document/product/436/40105) and the error code list (document/api/436/7730):
 * - no signature at all: 403 AccessDenied "Access Denied." (the bucket is private)
 * - unknown SecretId, unknown token, q-ak not the token's SecretId, or an expired token:
 *   403 InvalidAccessKeyId. COS's self-service diagnosis reports an expired temporary key with the same words as
 *   an unknown SecretId ("签名中 SECRETID 不存在，或使用的临时密钥已过期", cos-go-sdk-v5#318), so an expired
 *   token is not given a code of its own (`ExpiredToken`) here. The message says which case it was.
 * - q-sign-time ended: 403 AccessDenied "Request has expired"; started more than the allowed skew in the future:
 *   403 RequestTimeTooSkewed.
 * - the signature does not verify: 403 SignatureDoesNotMatch.
 * - a query parameter or the Host header left out of the signature: 403 AccessDenied "Strict signature missing
 *   param/header that must be signed". Plain COS ignores unsigned parameters; this bucket behaves as if its
 *   strict signature mode were on with the rule {action *, header Host, param all} (COS API docs, "Strict
 *   Signature Mode Overview" / 严格签名模式概述), because an unsigned `response-*` parameter lets a URL's holder
 *   change how the download is served.
 * - the token's policy does not allow the action on this object: 403 AccessDenied "Access Denied.".
 * - no such object (or a key that cannot name a file under root): 404 NoSuchKey.
 * - `versionId` other than "null": 404 NoSuchVersion (no versioning here).
 * - `x-cos-traffic-limit` out of 819200–838860800: 400 InvalidArgument (GET Object, document/api/436/7753).
 * - a Range starting at or past the end: 416 InvalidRange, its Content-Range giving only the size
 *   (`bytes *` + `/65536`).
 * - malformed percent-encoding: 400 InvalidURI; a method other than GET/HEAD: 405 MethodNotAllowed;
 *   a Host header other than this server's: 404 NoSuchBucket (COS picks the bucket from the host).
 *
 * Known differences from COS, all on the stricter side or outside what the function uses:
 * - headers outside cos-nodejs-sdk-v5's signable list (e.g. `date`) cannot be verified by the oracle, so a
 *   signature that covers one is refused with SignatureDoesNotMatch;
 * - several byte ranges in one Range header are answered 200 with the whole object (RFC 9110 allows a server
 *   to ignore Range), and a syntactically invalid Range is ignored the same way;
 * - conditional headers (If-Match, If-None-Match, ...) are ignored;
 * - `+` in the path or query is a literal plus, never a space (RFC 3986), as in COS's own encoding rule.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import COS from "cos-nodejs-sdk-v5";

export interface LocalCosToken {
  readonly secretId: string;
  readonly secretKey: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  /** The decoded CAM policy JSON as given to STS. */
  readonly policy: unknown;
}

export interface LocalCosOptions {
  /** Folder whose files are the bucket's objects; key = path relative to it, with "/". */
  root: string;
  /** Full bucket name, e.g. "examplebucket-1250000000". */
  bucket: string;
  region: string;
  resolveToken: (token: string) => LocalCosToken | undefined;
  /** Unix milliseconds. */
  now?: () => number;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Called with each entry as it is added to `requests` (the dev server prints them). */
  onRequest?: (entry: LocalCosRequestLog) => void;
}

export interface LocalCosRequestLog {
  method: string;
  key: string;
  status: number;
  code?: string;
}

export interface LocalCos {
  /** "http://127.0.0.1:PORT" */
  readonly origin: string;
  /** "127.0.0.1:PORT", the Host header clients send and the `host` the URL must sign. */
  readonly host: string;
  readonly requests: LocalCosRequestLog[];
  close(): Promise<void>;
}

const LOOPBACK = "127.0.0.1";
/** How far q-sign-time may start in the future, as COS allows. */
const ALLOWED_SKEW_SECONDS = 900;
const TRAFFIC_LIMIT_MIN = 819_200;
const TRAFFIC_LIMIT_MAX = 838_860_800;
const TOKEN_NAME = "x-cos-security-token";

/**
 * The seven Authorization pairs, in the order COS documents them. Every other query parameter is subject to the
 * strict signature rule.
 */
export const AUTH_PARAMS = [
  "q-sign-algorithm",
  "q-ak",
  "q-sign-time",
  "q-key-time",
  "q-header-list",
  "q-url-param-list",
  "q-signature",
] as const;
type AuthParam = (typeof AUTH_PARAMS)[number];
const AUTH_PARAM_SET: ReadonlySet<string> = new Set(AUTH_PARAMS);

/** GET Object's response-header overrides: query parameter → response header. */
const RESPONSE_OVERRIDES: ReadonlyArray<readonly [string, string]> = [
  ["response-content-type", "Content-Type"],
  ["response-content-disposition", "Content-Disposition"],
  ["response-cache-control", "Cache-Control"],
  ["response-content-language", "Content-Language"],
  ["response-expires", "Expires"],
  ["response-content-encoding", "Content-Encoding"],
];

/** A small built-in table: enough for the samples and common downloads, no reliance on a transitive dependency. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".bin": "application/octet-stream",
};
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/*
 * The SDK types Method as a union without HEAD, but getAuth only lower-cases whatever string it is given
 * (sdk/util.js), so HEAD is signed exactly like GET with "head" as the method line.
 */
type OracleOptions = Omit<COS.StaticGetAuthorizationOptions, "Method"> & { Method: string };
const signWithOracle = COS.getAuthorization as unknown as (options: OracleOptions) => string;

/** An answer decided before any file is touched. */
class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const accessDenied = (message = "Access Denied."): CosError => new CosError(403, "AccessDenied", message);
const noSuchKey = (): CosError => new CosError(404, "NoSuchKey", "The specified key does not exist.");

interface ParsedRequest {
  /** The object key: the URL path decoded once, without the leading "/". */
  readonly key: string;
  /** The path as sent, for the error body's Resource. */
  readonly rawPath: string;
  /** Decoded query parameters in request order; names keep their case. */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** decodeURIComponent without its exception: undefined for malformed escapes or invalid UTF-8. */
function strictDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function parseRequestTarget(url: string): ParsedRequest {
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? "" : url.slice(q + 1);
  const invalidUri = new CosError(400, "InvalidURI", "Could not parse the specified URI.");
  if (!rawPath.startsWith("/")) throw invalidUri;
  // COS decodes the path's percent-encoding exactly once; the result is the key, byte for byte.
  const decodedPath = strictDecode(rawPath);
  if (decodedPath === undefined) throw invalidUri;

  const query: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = strictDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = strictDecode(eq === -1 ? "" : pair.slice(eq + 1));
    if (name === undefined || value === undefined) throw invalidUri;
    // Names are compared as the signature sees them (encoded, lower-cased): a repeat is ambiguous to sign.
    const normalized = signedName(name);
    if (seen.has(normalized)) {
      throw new CosError(400, "InvalidArgument", `Query parameter "${name}" appears more than once.`);
    }
    seen.add(normalized);
    query.push([name, value]);
  }
  return { key: decodedPath.slice(1), rawPath, query };
}

/** A query name as it appears in q-url-param-list: COS-encoded, then lower-cased (like the SDK). */
function signedName(name: string): string {
  return encodeURIComponent(name)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .toLowerCase();
}

function queryValue(query: ParsedRequest["query"], lowerName: string): string | undefined {
  for (const [name, value] of query) if (name.toLowerCase() === lowerName) return value;
  return undefined;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Unix seconds `start;end`, both non-negative integers, start ≤ end. */
function parseKeyTime(value: string): { start: number; end: number } | undefined {
  const match = /^(\d{1,12});(\d{1,12})$/.exec(value);
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  return start <= end ? { start, end } : undefined;
}

function constantTimeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  // timingSafeEqual needs equal lengths; the length of a SHA-1 hex digest is public anyway.
  return left.length === right.length && timingSafeEqual(left, right);
}

/* ----------------------------------------------------------------------------------------------------------
 * CAM policy evaluation, as much as a one-object STS session policy needs: `effect`, `action` and `resource`,
 * each string or list, with `*` as a wildcard in actions and resources (CAM gives `*` no escape). Deny wins
 * over allow; nothing allowed means denied. A statement carrying anything this code cannot evaluate
 * (`condition`, `not_action`, ...) never allows, and a deny statement with such an element is applied
 * regardless, so uncertainty always narrows access.
 * ---------------------------------------------------------------------------------------------------------- */

const EVALUATED_ELEMENTS: ReadonlySet<string> = new Set(["effect", "action", "resource", "principal", "sid"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) return value;
  return undefined;
}

function wildcardMatch(pattern: string, subject: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${source}$`, "u").test(subject);
}

/** True only when some statement allows `action` on `resource` and none denies it. */
function policyAllows(policy: unknown, action: string, resource: string): boolean {
  if (!isRecord(policy)) return false;
  const statements = Array.isArray(policy.statement) ? policy.statement : [policy.statement];
  let allowed = false;
  for (const statement of statements) {
    if (!isRecord(statement)) continue;
    const effect = typeof statement.effect === "string" ? statement.effect.toLowerCase() : undefined;
    const actions = stringList(statement.action);
    const resources = stringList(statement.resource);
    const fullyUnderstood = Object.keys(statement).every((k) => EVALUATED_ELEMENTS.has(k.toLowerCase()));
    if (actions === undefined || resources === undefined) continue;
    const matches = actions.some((a) => wildcardMatch(a, action)) && resources.some((r) => wildcardMatch(r, resource));
    if (!matches) continue;
    if (effect === "deny") return false;
    if (effect === "allow" && fullyUnderstood) allowed = true;
  }
  return allowed;
}

/* ----------------------------------------------------------------------------------------------------------
 * Files.
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * The file a key names, or undefined when no file under root can be that object. A key is refused when it is
 * empty, ends in "/", has an empty, "." or ".." segment, or holds a backslash or NUL: on disk those would
 * alias another path or leave root. The resolved real path (symlinks followed) must still lie inside root.
 */
async function resolveObjectPath(realRoot: string, key: string): Promise<string | undefined> {
  if (key === "" || key.includes("\\") || key.includes("\0")) return undefined;
  const segments = key.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) return undefined;
  const candidate = path.join(realRoot, ...segments);
  if (!isInside(realRoot, candidate)) return undefined;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  return isInside(realRoot, real) ? real : undefined;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

interface OpenObject {
  readonly handle: FileHandle;
  readonly size: number;
  readonly mtime: Date;
  readonly etag: string;
}

/** Opens the file once and hashes it through the same handle, so a file swapped mid-request cannot mix. */
async function openObject(file: string): Promise<OpenObject | undefined> {
  let handle: FileHandle;
  try {
    // O_NOFOLLOW: the path is already real; a symlink appearing there since is refused, not followed.
    handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      return undefined;
    }
    const hash = createHash("md5");
    if (stats.size > 0) {
      const stream = handle.createReadStream({ start: 0, end: stats.size - 1, autoClose: false });
      for await (const chunk of stream) hash.update(chunk as Buffer);
    }
    return { handle, size: stats.size, mtime: stats.mtime, etag: `"${hash.digest("hex")}"` };
  } catch {
    await handle.close().catch(() => undefined);
    return undefined;
  }
}

type RangeAnswer = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

/** RFC 9110 byte ranges, one range only: `a-b`, `a-`, `-n`. Anything else is ignored (200 full). */
function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: "full" };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return { kind: "full" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "partial", start, end };
}

function contentTypeFor(key: string): string {
  return CONTENT_TYPES[path.extname(key).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}

/**
 * A response-* value as a header: CR, LF and NUL are refused; other text goes out as its UTF-8 bytes, as
 * COS passes the value through (Node only accepts Latin-1 strings, so the bytes are re-spelled as Latin-1).
 */
function headerSafe(value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new CosError(400, "InvalidArgument", "A response-* parameter holds a character not allowed in a header.");
  }
  return Buffer.from(value, "utf8").toString("latin1");
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/* ----------------------------------------------------------------------------------------------------------
 * The server.
 * ---------------------------------------------------------------------------------------------------------- */

/** The `<Code>` of a COS XML error body, if there is one. */
export function cosErrorCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
}

export async function startLocalCos(options: LocalCosOptions): Promise<LocalCos> {
  const realRoot = await realpath(options.root);
  const now = options.now ?? Date.now;
  const appId = /-(\d+)$/.exec(options.bucket)?.[1];
  if (appId === undefined) {
    throw new Error(`bucket "${options.bucket}" must be the full name "<name>-<appid>"`);
  }
  const requests: LocalCosRequestLog[] = [];
  let host = "";

  const record = (method: string, key: string, status: number, code?: string): void => {
    const entry: LocalCosRequestLog = code === undefined ? { method, key, status } : { method, key, status, code };
    requests.push(entry);
    try {
      options.onRequest?.(entry);
    } catch {
      // A logging callback must not change the answer.
    }
  };

  const sendError = (req: IncomingMessage, res: ServerResponse, requestId: string, error: CosError, key: string) => {
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    const body =
      "<?xml version='1.0' encoding='utf-8' ?>\n<Error>" +
      `<Code>${xmlEscape(error.code)}</Code>` +
      `<Message>${xmlEscape(error.message)}</Message>` +
      `<Resource>${xmlEscape(`${host}${rawPath}`)}</Resource>` +
      `<RequestId>${requestId}</RequestId>` +
      "</Error>";
    record(req.method ?? "", key, error.status, error.code);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(error.status, {
      ...error.headers,
      "Content-Type": "application/xml",
      "Content-Length": Buffer.byteLength(body),
      "x-cos-request-id": requestId,
    });
    res.end(body);
  };

  /** Every check COS makes before it reads the object. Returns the verified token. */
  const authorize = (req: IncomingMessage, parsed: ParsedRequest, method: "GET" | "HEAD"): LocalCosToken => {
    const auth = new Map<AuthParam, string>();
    for (const [name, value] of parsed.query) {
      const lower = name.toLowerCase();
      if (AUTH_PARAM_SET.has(lower)) auth.set(lower as AuthParam, value);
    }
    if (auth.size === 0 && headerValue(req, "authorization") === undefined) throw accessDenied();
    if (auth.size === 0) {
      // The function only makes query-string signatures; header Authorization is not emulated.
      throw accessDenied("Only query-string signatures are supported by the local COS.");
    }
    const get = (name: AuthParam): string => {
      const value = auth.get(name);
      if (value === undefined) throw accessDenied(`The signature is missing ${name}.`);
      return value;
    };
    if (get("q-sign-algorithm") !== "sha1") throw accessDenied("q-sign-algorithm must be sha1.");
    const ak = get("q-ak");
    const signTime = get("q-sign-time");
    const keyTime = get("q-key-time");
    const headerList = get("q-header-list");
    const paramList = get("q-url-param-list");
    const signature = get("q-signature");

    // The temporary key: the token must be known, belong to q-ak and still be alive.
    const token = queryValue(parsed.query, TOKEN_NAME) ?? headerValue(req, TOKEN_NAME);
    if (token === undefined) {
      throw new CosError(403, "InvalidAccessKeyId", "No x-cos-security-token: the local COS knows no permanent keys.");
    }
    const credential = options.resolveToken(token);
    if (credential === undefined || credential.secretId !== ak) {
      throw new CosError(403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records.");
    }
    if (now() >= credential.expiresAt * 1000) {
      throw new CosError(403, "InvalidAccessKeyId", "The temporary key has expired.");
    }

    // The signature's time window.
    const window = parseKeyTime(signTime);
    if (window === undefined || signTime !== keyTime) {
      throw accessDenied("q-sign-time and q-key-time must be the same `start;end` in Unix seconds.");
    }
    const nowSeconds = Math.floor(now() / 1000);
    if (nowSeconds > window.end) throw accessDenied("Request has expired");
    if (window.start > nowSeconds + ALLOWED_SKEW_SECONDS) {
      throw new CosError(
        403,
        "RequestTimeTooSkewed",
        "The difference between the request time and the server's time is too large.",
      );
    }

    // Strict signature mode {header Host, param all}: everything the request carries must be signed.
    const signedHeaders = headerList === "" ? [] : headerList.split(";");
    const signedParams = new Set(paramList === "" ? [] : paramList.split(";"));
    if (!signedHeaders.includes("host")) throw accessDenied("Strict signature missing header that must be signed");
    const query: Record<string, string> = {};
    for (const [name, value] of parsed.query) {
      if (AUTH_PARAM_SET.has(name.toLowerCase())) continue;
      if (!signedParams.has(signedName(name))) throw accessDenied("Strict signature missing param that must be signed");
      query[name] = value;
    }
    if (Object.keys(query).length !== signedParams.size) {
      throw new CosError(
        403,
        "SignatureDoesNotMatch",
        "q-url-param-list names a parameter the request does not carry.",
      );
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = headerValue(req, name);
      if (value === undefined) {
        throw new CosError(403, "SignatureDoesNotMatch", "q-header-list names a header the request does not carry.");
      }
      headers[name] = value;
    }

    let expected: string | undefined;
    try {
      const authorization = signWithOracle({
        SecretId: credential.secretId,
        SecretKey: credential.secretKey,
        Method: method,
        Pathname: `/${parsed.key}`,
        Query: query,
        Headers: headers,
        KeyTime: keyTime,
      });
      expected = /(?:^|&)q-signature=([0-9a-f]+)(?:&|$)/.exec(authorization)?.[1];
    } catch {
      // A parameter name the SDK chokes on (e.g. "hasOwnProperty") cannot have been signed the way it expects.
      expected = undefined;
    }
    if (expected === undefined || !constantTimeEqualHex(expected, signature)) {
      throw new CosError(403, "SignatureDoesNotMatch", "The Signature you specified is invalid.");
    }
    return credential;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomBytes(18).toString("base64");
    // Until the path decodes, the log names the raw path; never the query, which holds the token.
    let key = (req.url ?? "").split("?")[0] ?? "";
    try {
      const method = req.method;
      if (method !== "GET" && method !== "HEAD") {
        throw new CosError(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", {
          Allow: "GET, HEAD",
        });
      }
      const parsed = parseRequestTarget(req.url ?? "");
      key = parsed.key;
      if (headerValue(req, "host") !== host) {
        throw new CosError(404, "NoSuchBucket", "The specified bucket does not exist.");
      }

      const credential = authorize(req, parsed, method);

      const trafficLimit = queryValue(parsed.query, "x-cos-traffic-limit") ?? headerValue(req, "x-cos-traffic-limit");
      if (trafficLimit !== undefined) {
        const bits = /^\d{1,10}$/.test(trafficLimit) ? Number(trafficLimit) : Number.NaN;
        if (!(bits >= TRAFFIC_LIMIT_MIN && bits <= TRAFFIC_LIMIT_MAX)) {
          throw new CosError(400, "InvalidArgument", "x-cos-traffic-limit must be 819200-838860800 bit/s.");
        }
      }

      const action = parsed.key === "" ? "GetBucket" : method === "GET" ? "GetObject" : "HeadObject";
      const resource = `qcs::cos:${options.region}:uid/${appId}:${options.bucket}/${parsed.key}`;
      if (!policyAllows(credential.policy, `name/cos:${action}`, resource)) throw accessDenied();
      if (parsed.key === "") {
        throw new CosError(501, "NotImplemented", "The local COS does not list buckets.");
      }

      const versionId = queryValue(parsed.query, "versionid");
      if (versionId !== undefined && versionId !== "null") {
        throw new CosError(404, "NoSuchVersion", "The specified version does not exist.");
      }

      const overrides: Record<string, string> = {};
      for (const [param, header] of RESPONSE_OVERRIDES) {
        const value = queryValue(parsed.query, param);
        if (value !== undefined) overrides[header] = headerSafe(value);
      }

      const file = await resolveObjectPath(realRoot, parsed.key);
      // A missing file, a directory, or one removed since resolving: all NoSuchKey.
      const object = file === undefined ? undefined : await openObject(file);
      if (object === undefined) throw noSuchKey();

      let streaming = false;
      try {
        const range = parseRange(headerValue(req, "range"), object.size);
        if (range.kind === "unsatisfiable") {
          throw new CosError(416, "InvalidRange", "The requested range is not satisfiable.", {
            "Content-Range": `bytes */${object.size}`,
          });
        }
        const start = range.kind === "partial" ? range.start : 0;
        const end = range.kind === "partial" ? range.end : object.size - 1;
        const status = range.kind === "partial" ? 206 : 200;
        res.writeHead(status, {
          "Content-Type": contentTypeFor(parsed.key),
          ...overrides,
          "Content-Length": end - start + 1,
          "Accept-Ranges": "bytes",
          ETag: object.etag,
          "Last-Modified": object.mtime.toUTCString(),
          "x-cos-request-id": requestId,
          ...(range.kind === "partial" ? { "Content-Range": `bytes ${start}-${end}/${object.size}` } : {}),
        });
        record(method, parsed.key, status);
        if (method === "HEAD" || object.size === 0) {
          res.end();
          return;
        }
        streaming = true;
        await pipeline(object.handle.createReadStream({ start, end, autoClose: true }), res);
      } finally {
        if (!streaming) await object.handle.close().catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof CosError) {
        sendError(req, res, requestId, error, key);
      } else if (res.headersSent) {
        // The body was under way (client went away, file unreadable): nothing truthful can be sent now.
        res.destroy();
      } else {
        sendError(req, res, requestId, new CosError(500, "InternalError", "The local COS failed."), key);
      }
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  host = `${LOOPBACK}:${port}`;

  return {
    origin: `http://${host}`,
    host,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive and half-finished downloads would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
