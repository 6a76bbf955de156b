// @ts-check
/**
 * Stands in for tslib: the three helpers the SDK's compiled files use.
 *
 * @replaces tslib
 * @importer *
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 * @reviewed tencentcloud-sdk-nodejs-sts@4.1.100
 * @reviewed tslib@1.13.0
 *
 * tslib 1.13.0 is a UMD bundle that defines about thirty helpers when loaded; every compiled file of the SDK
 * imports it, and uses __importDefault, __importStar and __exportStar (the build fails if a bundled file asks for
 * any other helper).
 *
 * Why it is safe: __importDefault and __exportStar are tslib 1.13.0's (tslib.js, 0BSD). __importStar binds each
 * property with a getter, as tslib 2 does (__createBinding), instead of reading them all at once: sign.js does
 * `__importStar(require("crypto"))`, and reading every property of node:crypto runs its lazy `webcrypto` getter,
 * which loads Node's whole WebCrypto implementation for nothing (sign.js uses createHash and createHmac). The
 * values read through the namespace are the same.
 */
"use strict";

/**
 * @param {unknown} mod
 * @returns {boolean}
 */
function isEsModule(mod) {
  return Boolean(mod) && Boolean(/** @type {{ __esModule?: unknown }} */ (mod).__esModule);
}

/**
 * @param {unknown} mod
 * @returns {unknown}
 */
exports.__importDefault = function __importDefault(mod) {
  return isEsModule(mod) ? mod : { default: mod };
};

/**
 * @param {unknown} mod
 * @returns {unknown}
 */
exports.__importStar = function __importStar(mod) {
  if (isEsModule(mod)) return mod;
  /** @type {Record<string, unknown>} */
  const result = {};
  if (mod != null) {
    const source = /** @type {Record<string, unknown>} */ (mod);
    for (const key in source) {
      if (key !== "default" && Object.hasOwn(source, key)) {
        Object.defineProperty(result, key, { enumerable: true, get: () => source[key] });
      }
    }
  }
  result.default = mod;
  return result;
};

/**
 * @param {Record<string, unknown>} m
 * @param {Record<string, unknown>} exports
 */
exports.__exportStar = function __exportStar(m, exports) {
  for (const p in m) {
    if (p !== "default" && !Object.hasOwn(exports, p)) exports[p] = m[p];
  }
};
