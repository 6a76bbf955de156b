/** Text checks shared by the key and option rules. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** C0 controls, DEL and C1 controls: invisible in logs and headers, and dangerous in both. */
export function hasControlCharacter(value: string): boolean {
  return CONTROL_CHARACTER.test(value);
}

/**
 * False when the string holds a UTF-16 surrogate without its partner, which has no UTF-8 encoding.
 * (String.prototype.isWellFormed would do, but arrived after Node 18.)
 */
export function isWellFormedUnicode(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
