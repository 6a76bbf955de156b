import { cosEncode } from "./encode";

/**
 * Whether a UTF-16 code unit may stand in the quoted ASCII `filename="…"` fallback.
 * Kept: printable ASCII. Replaced by `_`:
 * - non-ASCII (the quoted-string is ISO-8859-1 at best; the real name travels in `filename*`);
 * - control characters, CR and LF included (header injection, and RFC 7230 forbids them);
 * - `"` and `\` (they end or escape the quoted-string; RFC 6266 Appendix D: some agents do not implement
 *   the `\` escape);
 * - `%` (RFC 6266 Appendix D: some agents percent-decode `filename`, so `%41` could change the name);
 * - `;` (legal inside quotes, but naive parsers split the header on it and would lose the rest).
 */
function isFallbackSafe(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c && code !== 0x25 && code !== 0x3b;
}

/**
 * An RFC 6266 Content-Disposition value: `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987>`.
 * `filename*` (the exact name, percent-encoded: cosEncode's output is a subset of RFC 5987 attr-char) is
 * omitted when the fallback already equals the name. An empty name gives the bare type.
 * Throws PresignError `InvalidParameter` for a name with a lone surrogate (not encodable as UTF-8).
 */
export function contentDisposition(filename: string, type: "attachment" | "inline"): string {
  if (filename === "") return type;
  let fallback = "";
  let exact = true;
  // Per code point, so an emoji (a surrogate pair) becomes one `_`, not two.
  for (const char of filename) {
    if (char.length === 1 && isFallbackSafe(char.charCodeAt(0))) {
      fallback += char;
    } else {
      fallback += "_";
      exact = false;
    }
  }
  if (exact) return `${type}; filename="${filename}"`;
  return `${type}; filename="${fallback}"; filename*=UTF-8''${cosEncode(filename)}`;
}
