import fc from "fast-check";

/**
 * Characters that broke other signers (e.g. cos-nodejs-sdk-v5#233, qcloud-cos-sts-sdk#65, minio-js#249,
 * aws4fetch#85: SignatureDoesNotMatch for such keys): URL delimiters, sub-delims, `%`-sequences that look
 * already encoded, whitespace and controls, CJK, emoji (surrogate pairs), ZWJ sequences, combining marks,
 * and the `/` that separates key segments (twice in a row = an empty segment).
 */
const NASTY = [
  " ",
  "+",
  "%",
  "%2F",
  "%20",
  "%E6%96%87",
  "#",
  "?",
  "=",
  "&",
  ";",
  "~",
  "'",
  "(",
  ")",
  "!",
  "*",
  "@",
  ":",
  ",",
  "$",
  "[",
  "]",
  '"',
  "\\",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u007f",
  "/",
  "//",
  ".",
  "..",
  "文",
  "件",
  "腾讯云",
  "😀",
  "👨‍👩‍👧",
  "e\u0301",
  "\u0301",
  "\ufeff",
  "\u2028",
  "Ä",
  "İ",
];

const oneGrapheme = fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 });
const oneCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });

/** One piece of a nasty string: biased towards the list above, with any grapheme or code point mixed in. */
const nastyUnit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: oneGrapheme },
  { weight: 1, arbitrary: oneCodePoint },
);

/** Any well-formed string, nasty characters likely. */
export const nastyString = (maxLength = 30): fc.Arbitrary<string> => fc.string({ unit: nastyUnit, maxLength });

/** Whether a key has a `.` or `..` segment; stated independently of encode.ts's regular expression. */
export function hasDotSegment(key: string): boolean {
  return key.split("/").some((segment) => segment === "." || segment === "..");
}

/** A non-empty object key without `.`/`..` segments (those are refused, tested separately). */
export const objectKey: fc.Arbitrary<string> = fc
  .string({ unit: nastyUnit, minLength: 1, maxLength: 30 })
  .filter((key) => !hasDotSegment(key));

/** GET Object parameters as COS spells them, with arbitrary values. */
export const RESPONSE_PARAMS = [
  "response-content-disposition",
  "response-content-type",
  "response-cache-control",
  "response-content-language",
  "response-expires",
  "response-content-encoding",
  "versionId",
  "x-cos-traffic-limit",
] as const;

export const responseQuery: fc.Arbitrary<Record<string, string>> = fc
  .subarray([...RESPONSE_PARAMS])
  .chain((names) => fc.tuple(...names.map(() => nastyString(40))).map((values) => pairsToRecord(names, values)));

function pairsToRecord(names: readonly string[], values: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  names.forEach((name, i) => {
    record[name] = values[i] ?? "";
  });
  return record;
}

/** Credentials: permanent (no token) or temporary (printable token, as STS issues). */
export const credential = fc.record(
  {
    secretId: fc.stringMatching(/^AKID[A-Za-z0-9]{8,32}$/),
    secretKey: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 40 }),
    token: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 200 }),
  },
  { requiredKeys: ["secretId", "secretKey"] },
);

export const keyTime = fc
  .tuple(fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }), fc.integer({ min: 1, max: 7 * 86_400 }))
  .map(([start, ttl]) => ({ start, end: start + ttl }));

/** Bucket names config accepts: lower-case letters, digits and inner hyphens, never the IDNA prefix xn--. */
export const bucket = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/).filter((name) => !name.startsWith("xn--")),
    fc.integer({ min: 1_250_000_000, max: 1_399_999_999 }),
  )
  .map(([name, appId]) => `${name}-${appId}`);

export const region = fc.constantFrom("ap-guangzhou", "ap-beijing", "ap-shanghai", "ap-singapore", "na-siliconvalley");

/**
 * Up to 6 short ASCII-named parameters with nasty values. Names equal once lower-cased ("A" and "a") have no
 * defined order between them; COS parameter names never collide that way, so such inputs are left out.
 */
export const caseDistinctQuery: fc.Arbitrary<Record<string, string>> = fc
  .dictionary(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 8 }), nastyString(10), { maxKeys: 6 })
  .filter((query) => new Set(Object.keys(query).map((name) => name.toLowerCase())).size === Object.keys(query).length);
