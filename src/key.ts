import { PresignError } from "./errors";
import { hasControlCharacter, isWellFormedUnicode } from "./text";

/** COS allows longer keys, but 850 bytes keeps the CAM resource and the STS policy well inside their limits. */
export const MAX_KEY_BYTES = 850;

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
    if (segment === "." || segment === "..") throw invalidKey(`contains a "${segment}" path segment`);
  }
}
