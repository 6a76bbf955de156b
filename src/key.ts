import { PresignError } from "./errors";
import { hasControlCharacter, isWellFormedUnicode } from "./text";

/** COS allows longer keys, but 850 bytes keeps the CAM resource and the STS policy well inside their limits. */
export const MAX_KEY_BYTES = 850;

/**
 * `.` and `..`, also percent-encoded once or more (`%2e%2E`, `%252e%252e`): a proxy, CDN or client that
 * decodes one more time than COS does would resolve them into another object's path.
 */
function isDotSegment(segment: string): boolean {
  let text = segment;
  for (let round = 0; round < 4 && text.length <= 32; round++) {
    if (text === "." || text === "..") return true;
    if (!text.includes("%")) return false;
    try {
      text = decodeURIComponent(text);
    } catch {
      return false;
    }
  }
  return false;
}

function invalidKey(reason: string): PresignError {
  return new PresignError("InvalidKey", `object key ${reason}`);
}

/**
 * The key rules. A key that passes can be put raw into a CAM resource without widening it, and into a
 * URL path without a client or proxy rewriting it into another object.
 */
export function validateKey(key: string): void {
  if (key.length === 0) throw invalidKey("is empty");
  if (!isWellFormedUnicode(key)) throw invalidKey("is not valid UTF-8");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw invalidKey(`is longer than ${MAX_KEY_BYTES} bytes`);
  if (hasControlCharacter(key)) throw invalidKey("contains a control character");
  if (key.includes("*")) throw invalidKey('contains "*", which a CAM policy would read as a wildcard');
  if (key.includes("\\")) throw invalidKey("contains a backslash, which clients may turn into a path separator");
  if (key.startsWith("/") || key.endsWith("/")) throw invalidKey('must not start or end with "/"');
  for (const segment of key.split("/")) {
    if (segment === "") throw invalidKey('contains an empty path segment ("//")');
    if (isDotSegment(segment)) throw invalidKey('contains a "." or ".." path segment');
  }
}
