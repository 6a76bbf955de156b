import { createHmac } from "node:crypto";

/**
 * HMAC-SHA1 (RFC 2104 over the SHA-1 of FIPS 180-4) as lower-case hex: the same string as
 * `createHmac("sha1", key).update(message).digest("hex")` for any two strings, both read as UTF-8.
 *
 * Why not node:crypto here: a COS signature takes two HMACs of short inputs (KeyTime, about 21 bytes, and
 * StringToSign, about 68), and for inputs that short `createHmac` is almost all fixed cost: a native object per
 * call, OpenSSL 3's set-up of the algorithm at every initialisation (its crypto(7) man page, "Performance"), and
 * freeing the context at the next garbage collection. The four or five SHA-1 blocks such an HMAC needs cost
 * less here once V8 has compiled this file; that difference is what lifted the signer past 2× the COS SDK.
 * README.md ("Performance") has the measurements, `npm run bench:sign` repeats them, and the price: the
 * first signature of an instance runs this interpreted. The SHA-1 of HttpString, a kilobyte and more, stays on
 * node:crypto, which is far faster over long input.
 * test/cos/hmac-sha1.test.ts checks this against RFC 2202's vectors and, as a property, against createHmac.
 */
export function hmacSha1Hex(key: string, message: string): string {
  // ASCII, whose code units are its UTF-8 bytes, is all a signature meets: secret keys, KeyTime, SignKey and
  // StringToSign. Anything else is left to node:crypto rather than encoded here.
  return hmacOfAscii(key, message) ?? createHmac("sha1", key).update(message).digest("hex");
}

/** SHA-1's block size in bytes, and so the size HMAC pads its key to. */
const BLOCK_BYTES = 64;
const ASCII_MAX = 0x7f;
/** RFC 2104's ipad and opad bytes, four to a word. */
const IPAD = 0x36363636;
const OPAD = 0x5c5c5c5c;

/**
 * Scratch space shared by every call: the padded key, the message schedule, the inner and outer hash states
 * (`outer` also hashes a key longer than a block), and the digest's hex digits as char codes. A call is
 * synchronous and writes each entry before it reads it, so no call sees another's data.
 */
const keyWords = new Int32Array(16);
const schedule = new Int32Array(80);
const inner = new Int32Array(5);
const outer = new Int32Array(5);
const hexCodes: number[] = new Array(40).fill(0);

/** Bitwise OR of the code units the current call has read: tells whether all were ASCII. */
let seen = 0;

/** HMAC over two ASCII strings; undefined when a code unit of either is not ASCII. */
function hmacOfAscii(key: string, message: string): string | undefined {
  seen = 0;
  loadKey(key);
  start(inner, IPAD);
  absorbLast(inner, message, BLOCK_BYTES);
  if (seen > ASCII_MAX) return undefined;
  start(outer, OPAD);
  // The outer hash's last block: the inner digest (20 bytes), then the padding for 64 + 20 bytes in all.
  for (let i = 0; i < 5; i++) schedule[i] = inner[i] as number;
  schedule[5] = 0x80000000;
  for (let i = 6; i < 15; i++) schedule[i] = 0;
  schedule[15] = (BLOCK_BYTES + 20) * 8;
  compress(outer);
  return hex(outer);
}

/** keyWords = the key zero-padded to a block. RFC 2104 replaces a key longer than a block by its SHA-1. */
function loadKey(key: string): void {
  if (key.length > BLOCK_BYTES) {
    reset(outer);
    absorbLast(outer, key, 0);
    for (let i = 0; i < 16; i++) keyWords[i] = i < 5 ? (outer[i] as number) : 0;
    return;
  }
  for (let i = 0; i < 16; i++) keyWords[i] = wordAt(key, i * 4, false);
}

/** SHA-1's initial hash value. */
function reset(state: Int32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89;
  state[2] = 0x98badcfe;
  state[3] = 0x10325476;
  state[4] = 0xc3d2e1f0;
}

/** Starts `state` with the key block XOR `pad` (ipad or opad, one byte repeated across a word). */
function start(state: Int32Array, pad: number): void {
  reset(state);
  for (let i = 0; i < 16; i++) schedule[i] = (keyWords[i] as number) ^ pad;
  compress(state);
}

/**
 * Hashes `bytes` and SHA-1's padding into `state`, which has already taken in `before` bytes (whole blocks).
 * The padding is 0x80, zeros, then the total length in bits as a 64-bit big-endian number.
 */
function absorbLast(state: Int32Array, bytes: string, before: number): void {
  const blocks = ((bytes.length + 8) >>> 6) + 1;
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) schedule[i] = wordAt(bytes, block * BLOCK_BYTES + i * 4, true);
    if (block === blocks - 1) {
      const bits = (before + bytes.length) * 8;
      schedule[14] = bits / 0x100000000;
      schedule[15] = bits;
    }
    compress(state);
  }
}

/** The big-endian word at byte `at` of `bytes`. Past the end: 0x80 first if `marked`, then zeros. */
function wordAt(bytes: string, at: number, marked: boolean): number {
  const length = bytes.length;
  if (at + 4 <= length) {
    const b0 = bytes.charCodeAt(at);
    const b1 = bytes.charCodeAt(at + 1);
    const b2 = bytes.charCodeAt(at + 2);
    const b3 = bytes.charCodeAt(at + 3);
    seen |= b0 | b1 | b2 | b3;
    return (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  }
  let word = 0;
  for (let p = at; p < at + 4; p++) {
    let byte = 0;
    if (p < length) {
      byte = bytes.charCodeAt(p);
      seen |= byte;
    } else if (marked && p === length) {
      byte = 0x80;
    }
    word = (word << 8) | byte;
  }
  return word;
}

/** SHA-1's compression function (FIPS 180-4 §6.1.2) over the block in schedule[0..15]. */
function compress(state: Int32Array): void {
  const w = schedule;
  for (let t = 16; t < 80; t++) {
    const x = (w[t - 3] as number) ^ (w[t - 8] as number) ^ (w[t - 14] as number) ^ (w[t - 16] as number);
    w[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let t = 0;
  // Four rounds of 20 steps, each with its own function and constant (§4.1.1, §4.2.1). `| 0` keeps the sums
  // 32-bit integers.
  for (; t < 20; t++) {
    const next = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (w[t] as number)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (; t < 40; t++) {
    const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (w[t] as number)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (; t < 60; t++) {
    const next = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + (w[t] as number)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  for (; t < 80; t++) {
    const next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + (w[t] as number)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }
  // An Int32Array stores each sum modulo 2^32.
  state[0] = (state[0] as number) + a;
  state[1] = (state[1] as number) + b;
  state[2] = (state[2] as number) + c;
  state[3] = (state[3] as number) + d;
  state[4] = (state[4] as number) + e;
}

/**
 * The state as 40 hex digits. Char codes into one reused array, then one String.fromCharCode: Buffer's hex
 * encoder is faster warm, by about 50 ns, but its first use costs a cold start about 0.3 ms.
 */
function hex(state: Int32Array): string {
  for (let i = 0; i < 5; i++) {
    const word = state[i] as number;
    for (let j = 0; j < 8; j++) {
      const nibble = (word >>> (28 - j * 4)) & 0xf;
      hexCodes[i * 8 + j] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble; // "0"–"9", "a"–"f"
    }
  }
  return String.fromCharCode.apply(null, hexCodes);
}
