// @ts-check
/**
 * Stands in for bignumber.js, which only json-bigint's parser (not bundled) creates numbers of.
 *
 * @replaces bignumber.js
 * @importer json-bigint/lib/stringify.js
 * @reviewed json-bigint@1.0.0
 *
 * json-bigint/lib/stringify.js tests `value instanceof BigNumber || BigNumber.isBigNumber(value)` to print
 * BigNumber instances. Only json-bigint's parser makes them, and it is not bundled (see json-bigint.cjs); the SDK
 * hands stringify plain objects of strings and numbers.
 *
 * Why it is safe: no value can be a BigNumber, which is what `instanceof` (against a function no one constructs)
 * and isBigNumber (always false) say.
 */
"use strict";

function BigNumber() {
  throw new Error("bignumber.js is not bundled (see scripts/sdk-trim/)");
}
BigNumber.isBigNumber = function isBigNumber() {
  return false;
};

module.exports = BigNumber;
module.exports.BigNumber = BigNumber;
module.exports.default = BigNumber;
