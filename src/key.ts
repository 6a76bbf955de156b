import { PresignError } from "./errors";
import { hasControlCharacter, isWellFormedUnicode } from "./text";

/** COS allows longer keys, but 850 bytes keeps the CAM resource and the STS policy well inside their limits. */
export const MAX_KEY_BYTES = 850;

/**
 * One round of lenient percent-decoding, as a proxy, CDN or client may apply it: every `%XX` naming an ASCII
 * byte becomes that character and anything else stays (decodeURIComponent would give up on the whole key at the
 * first stray `%`). Only ASCII matters: no byte of a multi-byte character is a `.`, a separator or a `%`.
 */
const ASCII_ESCAPE = /%([0-7][0-9A-Fa-f])/g;

function decodeAsciiEscapes(text: string): string {
  return text.replace(ASCII_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** An empty, `.` or `..` path segment, splitting on `/` and on the `\` that clients turn into `/`. */
function hasEmptyOrDotSegment(path: string): boolean {
  return path.split(/[/\\]/).some((segment) => segment === "" || segment === "." || segment === "..");
}

/**
 * Whether decoding the key once or more (each `%XX` of an ASCII byte, as often as one is left) ever gives an
 * empty, `.` or `..` segment. A client or proxy that decodes one more time than COS does would resolve those
 * into another object's path. The whole key is decoded, not each segment: an encoded slash (`%2f`, `%252f`)
 * can hide a segment boundary. Each round that changes the text shortens it, so this ends.
 */
function decodesIntoBadSegment(key: string): boolean {
  let text = key;
  for (let decoded = decodeAsciiEscapes(text); decoded !== text; decoded = decodeAsciiEscapes(text)) {
    text = decoded;
    if (hasEmptyOrDotSegment(text)) return true;
  }
  return false;
}

function invalidKey(reason: string): PresignError {
  return new PresignError("InvalidKey", `object key ${reason}`);
}

/**
 * The key rules. A key that passes can be put raw into a CAM resource without widening it, and into a
 * URL path without a client or proxy rewriting it into another object.
 *
 * CAM reads three things in a resource that are not plain characters (Tencent Cloud CAM docs: "Resource
 * Description", cloud.tencent.com/document/product/598/10606, and "Policy Variable", .../598/10607):
 * - `*` is its wildcard and cannot be escaped: `a*` would grant every key that starts with `a`.
 * - `${…}` is a policy variable, replaced during authentication by the caller's uin or appid, in the last
 *   segment of the resource, which for COS holds the object key. Earlier versions of that page show `${uin}`
 *   inside a COS path; the current one says variables cannot be used in a COS path. Either way a key holding
 *   one names another object or makes a policy STS may refuse.
 * - `?` is not documented, and in the policy languages CAM follows (AWS IAM's Resource element, "Using
 *   wildcards in resource ARNs") it matches any one character: `a?b` could grant `axb` too.
 */
export function validateKey(key: string): void {
  if (key.length === 0) throw invalidKey("is empty");
  if (!isWellFormedUnicode(key)) throw invalidKey("is not valid UTF-8");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw invalidKey(`is longer than ${MAX_KEY_BYTES} bytes`);
  if (hasControlCharacter(key)) throw invalidKey("contains a control character");
  if (key.includes("*")) throw invalidKey('contains "*", which a CAM policy would read as a wildcard');
  if (key.includes("${")) throw invalidKey('contains "${", which a CAM policy would read as a policy variable');
  if (key.includes("?")) throw invalidKey('contains "?", which a CAM policy may read as a wildcard');
  if (key.includes("\\")) throw invalidKey("contains a backslash, which clients may turn into a path separator");
  if (key.startsWith("/") || key.endsWith("/")) throw invalidKey('must not start or end with "/"');
  for (const segment of key.split("/")) {
    if (segment === "") throw invalidKey('contains an empty path segment ("//")');
    if (segment === "." || segment === "..") throw invalidKey('contains a "." or ".." path segment');
  }
  if (decodesIntoBadSegment(key)) {
    throw invalidKey('percent-decodes into an empty, "." or ".." path segment, which a proxy could resolve');
  }
}
