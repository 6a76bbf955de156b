import { PresignError } from "../errors";

/**
 * Only RFC 3986 unreserved characters, which COS leaves as they are (`\w` is exactly `A-Za-z0-9_` without the
 * u and i flags; `$` without the m flag is the end of input only).
 */
const UNRESERVED_ONLY = /^[\w.~-]*$/;
// encodeURIComponent also leaves `! ' ( ) *` alone; COS encodes them.
const SUB_DELIMS = /[!'()*]/g;
const SUB_DELIM_ESCAPES: Readonly<Record<string, string>> = {
  "!": "%21",
  "'": "%27",
  "(": "%28",
  ")": "%29",
  "*": "%2A",
};

function escapeSubDelim(c: string): string {
  return SUB_DELIM_ESCAPES[c] ?? c;
}

/**
 * Percent-encodes every UTF-8 byte of `s` except `A-Z a-z 0-9 - _ . ~`, with upper-case hex: the encoding
 * COS uses both in the signature and on the wire.
 *
 * Hot path (every parameter of every signature, a kilobyte-long session token among them). A string that
 * needs no encoding, like most tokens and parameter names, is returned as it is after one regular-expression
 * scan; on Node 20 that scan costs about two thirds of encodeURIComponent alone, and a charCodeAt loop over a
 * lookup table was about 3× slower than the scan. Otherwise one native encodeURIComponent plus one replace that usually
 * matches nothing. A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent throws URIError); it
 * becomes a PresignError so callers see a stable code, and the message carries no part of the value, which
 * may be a token. The result is always ASCII.
 */
export function cosEncode(s: string): string {
  if (UNRESERVED_ONLY.test(s)) return s;
  let encoded: string;
  try {
    encoded = encodeURIComponent(s);
  } catch (cause) {
    throw new PresignError("InvalidParameter", "text is not well-formed Unicode (lone surrogate)", { cause });
  }
  return encoded.replace(SUB_DELIMS, escapeSubDelim);
}

/*
 * Dot segments. WHATWG URL (browsers following our 302, Node's fetch/undici, `new URL()`) removes a path
 * segment that is `.` or `..` while parsing, and it counts `%2e`/`%2E` as a dot too: `/a/%2E%2E/b`,
 * `/a/.%2e/b` and `/a/%2e/b` come out as `/b`, `/b` and `/a/b` (checked on Node 20; pinned in
 * encode.test.ts). Encoding the dots as `%2E`, as Python's SDK does, only helps clients that squash literal
 * dots alone. Any spelling that survives WHATWG (`%252E`, overlong `%C0%AE`) names a different key to COS. So
 * no encoding carries a pure-dot segment to COS intact, and such a URL cannot work (the path COS sees would
 * not be the signed one): encodeKeyPath refuses the key instead. The key rules upstream already reject
 * `.`/`..` segments; this is defence in depth. `...`, `.a` and `a.` are ordinary segments and pass through.
 */
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * `/` + the object key encoded as {@link cosEncode} but keeping `/`, e.g. `dir/文件 (1)+x.pdf` →
 * `/dir/%E6%96%87%E4%BB%B6%20%281%29%2Bx.pdf`. Empty segments (`a//b`) are kept: they are part of the key.
 * Throws PresignError `InvalidKey` for a key with a `.` or `..` segment (see above).
 */
export function encodeKeyPath(key: string): string {
  if (DOT_SEGMENT.test(key)) {
    throw new PresignError("InvalidKey", "object key must not contain a '.' or '..' path segment");
  }
  return `/${cosEncode(key).replaceAll("%2F", "/")}`;
}
