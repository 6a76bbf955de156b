import { PresignError } from "../errors";

/**
 * Only RFC 3986 unreserved characters, which COS leaves as they are (`\w` is exactly `A-Za-z0-9_` without the
 * u and i flags; `$` without the m flag is the end of input only).
 */
const UNRESERVED_ONLY = /^[\w.~-]*$/;

/** The RFC 3986 sub-delims that encodeURIComponent leaves alone but COS encodes. */
const HAS_SUB_DELIM = /[!'()*]/;

/**
 * Percent-encodes every UTF-8 byte of `s` except `A-Z a-z 0-9 - _ . ~`, with upper-case hex: the encoding
 * COS uses both in the signature and on the wire.
 *
 * Hot path (every parameter of every signature, a kilobyte-long session token among them). A string that
 * needs no encoding, like most tokens and parameter names, is returned as it is after one regular-expression
 * scan; on Node 20 that scan costs about two thirds of encodeURIComponent alone, and a charCodeAt loop over a
 * lookup table was about 3× slower than the scan. Otherwise native encodeURIComponent does the work, and
 * {@link encodeAroundSubDelims} only for a string that has a `! ' ( ) *`. (A JavaScript encoder over a
 * lookup table was slower on Content-Disposition values, the costliest parameter.)
 *
 * A lone surrogate cannot be encoded as UTF-8 (encodeURIComponent throws URIError); it becomes a PresignError
 * so callers see a stable code, and the message carries no part of the value, which may be a token. The
 * result is always ASCII.
 */
export function cosEncode(s: string): string {
  if (UNRESERVED_ONLY.test(s)) return s;
  try {
    return HAS_SUB_DELIM.test(s) ? encodeAroundSubDelims(s) : encodeURIComponent(s);
  } catch (cause) {
    throw new PresignError("InvalidParameter", "text is not well-formed Unicode (lone surrogate)", { cause });
  }
}

/**
 * encodeURIComponent over the stretches between the sub-delims, with each sub-delim's escape written in
 * between. A Content-Disposition value always has some (`filename*=UTF-8''`): this encodes one 13% (Node 20)
 * to 25% (Node 18) faster than a replace with a callback over the encoded whole. The cuts fall on ASCII
 * characters, so they never split a surrogate pair.
 */
function encodeAroundSubDelims(s: string): string {
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code === 0x21 || (code >= 0x27 && code <= 0x2a)) {
      out += `${encodeURIComponent(s.slice(from, i))}%${code.toString(16).toUpperCase()}`;
      from = i + 1;
    }
  }
  return out + encodeURIComponent(s.slice(from));
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
