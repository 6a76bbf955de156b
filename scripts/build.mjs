// Bundles src/index.ts into dist/index.js (the event function) and src/web.ts into dist/web/ (the web function).
// Each is a whole deployable: CommonJS for SCF's require(), target node18 for the Nodejs18.15 runtime, minified,
// with a metafile for size analysis (build/meta.json).
//
// The official STS client (tencentcloud-sdk-nodejs-sts on tencentcloud-sdk-nodejs-common) is bundled and used as
// is, but what it drags along is trimmed, because on SCF a cold start is mostly loading code (issue #7):
// - REPLACEMENTS: dependencies of the common package that the one path this function takes (a TC3-signed JSON
//   POST of string and number parameters, with an explicit credential, its JSON answer read by parseResponse)
//   never reaches, or reaches only for what a few lines do identically. They were ~510 KB of the ~640 KB bundle
//   (node-fetch with whatwg-url and tr46 300 KB, mime-db 134 KB, bignumber.js 19 KB, ...).
// - LAZY_BUILTINS: Node built-ins that the SDK's files load up front but need only on other paths (readline)
//   load on first use instead.
// - `await import("node:...")` becomes a require(), so the first STS call does not start Node's ESM loader.
// Each replacement cites the SDK code it relies on (tencentcloud-sdk-nodejs-common 4.1.220, node-fetch 2.7) and
// names the files it was reviewed against. That package is an unpinned dependency, so the build fails when a
// replaced module is imported from any other file, or used in a way its stand-in does not cover: a new SDK version
// gets looked at again instead of breaking silently. test/bundle.test.ts runs the whole flow through the built
// bundle against the fake STS; `npm run bench` measures the result against the official SDKs and bare node.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "./bundle-options.mjs";
import { WEB_BUNDLE, writeWebFolder } from "./web-folder.mjs";

const COMMON = "tencentcloud-sdk-nodejs-common/tencentcloud/common";

/**
 * Bare module name → replacement. `importers`: the only files (under node_modules) allowed to import it.
 * `contents`: CommonJS source of the stand-in.
 */
const REPLACEMENTS = {
  // services/sts/v20180813/sts_client.js uses one export of the common package's index,
  // `TencentCloudCommon.AbstractClient` (checked below by `uses`). The index also loads credential.js (profile
  // files, CVM role and OIDC credential providers, with ini and os), common_client.js and cvm_role_credential.js,
  // none of which the client touches; this module exports the same AbstractClient straight from its own file.
  "tencentcloud-sdk-nodejs-common": {
    importers: ["tencentcloud-sdk-nodejs-sts/tencentcloud/services/sts/v20180813/sts_client.js"],
    uses: { binding: "TencentCloudCommon", names: ["AbstractClient"] },
    contents: `exports.AbstractClient = require("tencentcloud-sdk-nodejs-common/tencentcloud/common/abstract_client.js").AbstractClient;`,
  },
  // http/fetch.js: `(0, node_fetch_1.default)(url, instanceOptions)`, the SDK's only use of node-fetch: one
  // small JSON POST per call, its answer read by abstract_client.js parseResponse (status, statusText,
  // headers.get, json, and body for event streams). scripts/stubs/node-fetch.cjs does exactly that over
  // node:http(s), with node-fetch's timeout, abort and error shapes (src/sts/client.ts classifies by them).
  // node-fetch itself (with whatwg-url and tr46's 260 KB of tables as its fallback URL class) is ~300 KB, and its
  // first run, piping the answer through streams, costs a cold start several milliseconds.
  "node-fetch": {
    importers: [`${COMMON}/http/fetch.js`],
    contents: readFileSync(new URL("./stubs/node-fetch.cjs", import.meta.url), "utf8"),
  },
  // http/http_connection.js: `new form_data_1.default()` only when `multipart` is true, an option of
  // requests that upload files; AssumeRole/GetFederationToken go through doRequestWithSign3 with
  // `multipart: options && options.multipart`, and src/sts/client.ts passes only `{ signal }`.
  // form-data brings mime-types + mime-db (134 KB) and a dozen es-* shims.
  "form-data": {
    importers: [`${COMMON}/http/http_connection.js`],
    contents: `module.exports = class FormData {
  constructor() {
    throw new Error("multipart requests are not supported: form-data is not bundled (see scripts/build.mjs)");
  }
};`,
  },
  // http/http_connection.js: `get_stream_1.default.buffer(data[key])` only for request parameters that are
  // readable streams (is-stream, kept, decides); STS parameters are strings and numbers.
  "get-stream": {
    importers: [`${COMMON}/http/http_connection.js`],
    contents: `function unsupported() {
  return Promise.reject(new Error("stream request parameters are not supported: get-stream is not bundled (see scripts/build.mjs)"));
}
module.exports = unsupported;
module.exports.buffer = unsupported;
module.exports.array = unsupported;`,
  },
  // http/http_connection.js and sign.js use json-bigint({ useNativeBigInt: true }) only to `stringify` the
  // request body (the same function both hashes it for TC3 and sends it). Answers are parsed by fetch's
  // res.json() (abstract_client.js parseResponse), i.e. JSON.parse, never by json-bigint. The stand-in keeps
  // json-bigint's own stringify (lib/stringify.js, json2.js-derived, so the bytes on the wire are unchanged) and
  // drops its parser; see bignumber.js below.
  "json-bigint": {
    importers: [`${COMMON}/http/http_connection.js`, `${COMMON}/sign.js`],
    contents: `const { stringify } = require("json-bigint/lib/stringify.js");
function parse() {
  throw new Error("json-bigint parse is not bundled (see scripts/build.mjs)");
}
module.exports = function JSONbig() {
  return { parse, stringify };
};
module.exports.parse = parse;
module.exports.stringify = stringify;`,
  },
  // json-bigint/lib/stringify.js: `value instanceof BigNumber || BigNumber.isBigNumber(value)`, to print
  // BigNumber instances, which only json-bigint's parser creates, and the parser is not bundled (above).
  "bignumber.js": {
    importers: ["json-bigint/lib/stringify.js"],
    contents: `function BigNumber() {
  throw new Error("bignumber.js is not bundled (see scripts/build.mjs)");
}
BigNumber.isBigNumber = function isBigNumber() {
  return false;
};
module.exports = BigNumber;
module.exports.BigNumber = BigNumber;
module.exports.default = BigNumber;`,
  },
  // abstract_client.js: `(0, uuid_1.v4)()` for X-TC-TraceId. uuid 9's v4() without arguments returns
  // crypto.randomUUID() (dist/v4.js: `if (native.randomUUID && !buf && !options) return native.randomUUID()`).
  uuid: {
    importers: [`${COMMON}/abstract_client.js`],
    contents: `const { randomUUID } = require("node:crypto");
exports.v4 = function v4(options, buf) {
  if (options !== undefined || buf !== undefined) throw new Error("uuid.v4 options are not supported (see scripts/build.mjs)");
  return randomUUID();
};`,
  },
  // http/fetch.js: `if (!options.agent && proxy) instanceOptions.agent = new https_proxy_agent_1.default(proxy)`,
  // with proxy = options.proxy || process.env.http_proxy. Proxy support stays (src/sts/client.ts leaves its own
  // agent out when http_proxy is set, so that this path is taken), but https-proxy-agent (with agent-base, tls,
  // net, assert) is only loaded the first time a proxy agent is made, not with the SDK. `new` on this wrapper
  // returns exactly what `new createHttpsProxyAgent(proxy)` returns: the object it constructs.
  "https-proxy-agent": {
    importers: [`${COMMON}/http/fetch.js`],
    contents: `module.exports = function createHttpsProxyAgent(opts) {
  return require("https-proxy-agent")(opts);
};`,
  },
  // Diagnostic logging of agent-base and https-proxy-agent, printed only when DEBUG=... is set.
  debug: {
    importers: [
      "agent-base/dist/src/index.js",
      "https-proxy-agent/dist/agent.js",
      "https-proxy-agent/dist/parse-proxy-response.js",
    ],
    contents: `function createDebug() {
  const debug = function debug() {};
  debug.enabled = false;
  debug.extend = createDebug;
  return debug;
}
createDebug.enabled = function enabled() {
  return false;
};
module.exports = createDebug;
module.exports.default = createDebug;`,
  },
  // tslib 1.13.0 is a UMD bundle that defines ~30 helpers when loaded; the SDK's compiled files use three.
  // __importDefault and __exportStar are copied from tslib 1.13.0 (tslib.js, 0BSD). __importStar binds each
  // property with a getter, as tslib 2 does (__createBinding), instead of reading them all at once: sign.js does
  // `__importStar(require("crypto"))`, and reading every property of node:crypto runs its lazy `webcrypto`
  // getter, which loads Node's whole WebCrypto implementation for nothing (sign.js uses createHash and
  // createHmac). checkTslibHelpers() below fails the build if a bundled file asks for any other helper.
  tslib: {
    importers: null, // every compiled file of the SDK; guarded by checkTslibHelpers instead
    contents: `exports.__importDefault = function (mod) {
  return (mod && mod.__esModule) ? mod : { "default": mod };
};
exports.__importStar = function (mod) {
  if (mod && mod.__esModule) return mod;
  var result = {};
  if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) {
    Object.defineProperty(result, k, { enumerable: true, get: function (key) { return function () { return mod[key]; }; }(k) });
  }
  result["default"] = mod;
  return result;
};
exports.__exportStar = function (m, exports) {
  for (var p in m) if (p !== "default" && !exports.hasOwnProperty(p)) exports[p] = m[p];
};`,
  },
};

/**
 * Node built-ins that a dependency loads at its top but needs only on paths this function rarely or never takes:
 * for the listed importer alone, the built-in is replaced by a module with one getter per export of the real one,
 * which loads the real one on first use. Same values, same functions; only the time of loading moves. (On a cold
 * instance every built-in loaded is time and memory: https and tls alone are two of the dozen modules the first
 * STS call loads.)
 */
const LAZY_BUILTINS = [
  // sse_response_model.js: `(0, readline_1.createInterface)(...)` in the constructor of SSEResponseModel, which
  // abstract_client.js parseResponse makes only for `content-type: text/event-stream` answers (streaming APIs,
  // not STS). readline pulls in seven internal modules.
  { builtin: "readline", importer: `${COMMON}/sse_response_model.js` },
];

/** A module whose every export is a getter onto the real built-in, loaded on first access. */
function lazyBuiltinSource(builtin) {
  const names = Object.keys(createRequire(import.meta.url)(builtin)).filter((name) => name !== "default");
  return `var real;
${JSON.stringify(names)}.forEach(function (name) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    get: function () {
      return (real || (real = require(${JSON.stringify(`node:${builtin}`)})))[name];
    },
  });
});`;
}

const TSLIB_HELPERS = new Set(["__importDefault", "__importStar", "__exportStar"]);
const STUB_NAMESPACE = "cos-presign-stub";
const LAZY_NAMESPACE = "cos-presign-lazy";
const BUILTIN_NAMESPACE = "cos-presign-builtin";

/** The path of a file relative to its innermost node_modules folder, with forward slashes. */
function packagePath(file) {
  const normalized = file.replaceAll("\\", "/");
  const at = normalized.lastIndexOf("node_modules/");
  return at === -1 ? normalized : normalized.slice(at + "node_modules/".length);
}

/** Replaces the modules in REPLACEMENTS, recording who imported each for the check after the build. */
function trimSdkPlugin(seenImports) {
  const names = Object.keys(REPLACEMENTS).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const filter = new RegExp(`^(?:${names.join("|")})$`);
  return {
    name: "trim-sdk",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, (args) => {
        // A stand-in that loads the real module on demand gets the real one.
        if (args.namespace === STUB_NAMESPACE) return undefined;
        seenImports.push({ name: args.path, importer: packagePath(args.importer) });
        return { path: args.path, namespace: STUB_NAMESPACE, pluginData: { resolveDir: args.resolveDir } };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, (args) => ({
        contents: REPLACEMENTS[args.path].contents,
        loader: "js",
        resolveDir: args.pluginData.resolveDir,
      }));

      const lazyNames = [...new Set(LAZY_BUILTINS.map(({ builtin }) => builtin))];
      pluginBuild.onResolve({ filter: new RegExp(`^(?:node:)?(?:${lazyNames.join("|")})$`) }, (args) => {
        const builtin = args.path.replace(/^node:/, "");
        const importer = packagePath(args.importer);
        const listed = LAZY_BUILTINS.some((lazy) => lazy.builtin === builtin && lazy.importer === importer);
        if (args.namespace !== "file" || !listed) return undefined;
        return { path: builtin, namespace: LAZY_NAMESPACE };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, (args) => ({
        contents: lazyBuiltinSource(args.path),
        loader: "js",
      }));

      // esbuild leaves `await import("node:http")` as a real dynamic import in CommonJS output, and the first one
      // starts Node's whole ESM loader (a dozen internal modules) at the first STS call. Resolved to a module that
      // require()s the built-in, it becomes a plain require() behind a resolved promise, the same namespace object.
      pluginBuild.onResolve({ filter: /^node:/ }, (args) => {
        if (args.kind !== "dynamic-import") return undefined;
        return { path: args.path, namespace: BUILTIN_NAMESPACE };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: "js",
      }));
    },
  };
}

/** Every replaced module may be imported only from the files it was reviewed against. */
function checkImporters(seenImports) {
  const problems = [];
  for (const { name, importer } of seenImports) {
    const allowed = REPLACEMENTS[name].importers;
    if (allowed !== null && !allowed.includes(importer)) {
      problems.push(`${importer} imports ${name}, which scripts/build.mjs replaces: review that use, then list it`);
    }
  }
  return problems;
}

/** Where a replacement provides only some exports, its importers may use only those. */
function checkUses(seenImports) {
  const problems = [];
  for (const { name, importer } of seenImports) {
    const uses = REPLACEMENTS[name].uses;
    if (uses === undefined) continue;
    const source = readFileSync(`node_modules/${importer}`, "utf8");
    const used = [...source.matchAll(new RegExp(`\\b${uses.binding}\\.(\\w+)`, "g"))].map((match) => match[1]);
    if (used.length === 0) problems.push(`${importer} no longer refers to ${name} as ${uses.binding}`);
    for (const member of used) {
      if (!uses.names.includes(member)) problems.push(`${importer} uses ${name}'s ${member}, which its stand-in lacks`);
    }
  }
  return problems;
}

/** Every bundled file that imports tslib may use only the helpers the stand-in provides. */
function checkTslibHelpers(seenImports) {
  const problems = [];
  const files = new Set(seenImports.filter(({ name }) => name === "tslib").map(({ importer }) => importer));
  for (const file of files) {
    const source = readFileSync(`node_modules/${file}`, "utf8");
    for (const [, helper] of source.matchAll(/\btslib(?:_\d+)?\.(__\w+)/g)) {
      if (!TSLIB_HELPERS.has(helper)) problems.push(`${file} uses tslib.${helper}, which the tslib stand-in lacks`);
    }
  }
  return problems;
}

const seenImports = [];
// Two deployables from one build: the event function (dist/index.js) and the web function's server, which
// scripts/web-folder.mjs completes into dist/web/. Both get the same trimmed SDK.
const OUTPUTS = ["dist/index.js", `dist/${WEB_BUNDLE}`];
const result = await build({
  entryPoints: { index: "src/index.ts", [WEB_BUNDLE.replace(/\.js$/, "")]: "src/web.ts" },
  outdir: "dist",
  ...BUNDLE_OPTIONS,
  metafile: true,
  logLevel: "warning",
  plugins: [trimSdkPlugin(seenImports)],
  write: false, // written below, only once the checks pass
});
// A dynamic import() left in CommonJS output starts Node's ESM loader on first use (see BUILTIN_NAMESPACE).
const dynamicImports = OUTPUTS.flatMap((output) =>
  (result.metafile.outputs[output]?.imports ?? [])
    .filter((entry) => entry.kind === "dynamic-import")
    .map((entry) => `${output} keeps a dynamic import("${entry.path}"): bundle it or make it a require()`),
);
const problems = [
  ...checkImporters(seenImports),
  ...checkUses(seenImports),
  ...checkTslibHelpers(seenImports),
  ...dynamicImports,
];
if (problems.length > 0) {
  console.error(`scripts/build.mjs: the bundle needs a look:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.contents);
}
mkdirSync("build", { recursive: true });
writeFileSync("build/meta.json", JSON.stringify(result.metafile));
writeWebFolder();
for (const output of OUTPUTS) {
  const bytes = result.metafile.outputs[output]?.bytes ?? 0;
  console.log(`${output} ${(bytes / 1024).toFixed(1)} KiB`);
}
