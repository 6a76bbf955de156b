// @ts-check
/**
 * The SDK trim: an esbuild plugin that bundles the official STS client (tencentcloud-sdk-nodejs-sts on
 * tencentcloud-sdk-nodejs-common) as is, but swaps what it drags along for the stand-ins in this folder, and the
 * checks that keep those stand-ins honest. On SCF a cold start is mostly loading code, and the dependencies of the
 * common package that the one path this function takes (a TC3-signed JSON POST of string and number parameters,
 * with an explicit credential, its JSON answer read by parseResponse) never reaches were most of the bundle.
 *
 * Each `*.cjs` file here replaces one module, and says in its header, as tags the build reads:
 *   @replaces <module>           the bare module name it stands in for;
 *   @importer <path>             a file (path under node_modules) allowed to import it, one tag each; `*` for any;
 *   @uses <Binding>.<name>       where it provides only some exports: the binding its importer reads them through;
 *   @reviewed <package>@<version> a package whose code it was reviewed against, one tag each;
 * then what the importer does with the module and why the stand-in is safe.
 *
 * The build fails (see checkTrim) when a replaced module is imported from a file not listed, when an importer uses
 * an export the stand-in lacks, when a stand-in is no longer imported at all, and when an installed package differs
 * from a version a stand-in was reviewed against. A new SDK version is looked at again instead of breaking silently.
 *
 * Besides the stand-ins: LAZY_BUILTINS, Node built-ins that a dependency loads at its top but needs only on paths
 * this function never takes, load on first use instead; and `await import("node:...")` becomes a require(), so the
 * first STS call does not start Node's ESM loader.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** This folder. */
export const TRIM_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * @typedef {object} Replacement
 * @property {string} module   the bare module name it stands in for (@replaces)
 * @property {string} file     its path relative to the project, for messages
 * @property {string} contents its CommonJS source
 * @property {readonly string[] | "*"} importers files (paths under node_modules) allowed to import it (@importer)
 * @property {{ binding: string, names: readonly string[] } | undefined} uses (@uses)
 * @property {ReadonlyMap<string, string>} reviewed package name → the exact version it was reviewed against
 */

/**
 * One import of a replaced module seen while bundling.
 * @typedef {object} SeenImport
 * @property {string} module       the replaced module
 * @property {string} importer     the importing file, relative to its innermost node_modules
 * @property {string} importerFile the importing file's absolute path
 */

/** Reads a stand-in's header tags. Throws on a header the build could not act on. */
export function parseReplacement(/** @type {string} */ file, /** @type {string} */ contents) {
  const header = contents.match(/\/\*\*([\s\S]*?)\*\//)?.[1] ?? "";
  /** @type {Record<string, string[]>} */
  const tags = { replaces: [], importer: [], uses: [], reviewed: [] };
  for (const [, tag, value] of header.matchAll(/^\s*\*\s*@(replaces|importer|uses|reviewed)\s+(\S+)\s*$/gm)) {
    tags[/** @type {string} */ (tag)]?.push(/** @type {string} */ (value));
  }
  const fail = (/** @type {string} */ what) => new Error(`${file}: ${what}`);
  const modules = tags.replaces ?? [];
  if (modules.length !== 1) throw fail("needs exactly one @replaces <module> in its header");
  const importers = tags.importer ?? [];
  if (importers.length === 0) throw fail("needs at least one @importer <path under node_modules> (or @importer *)");
  /** @type {Map<string, string>} */
  const reviewed = new Map();
  for (const entry of tags.reviewed ?? []) {
    const match = entry.match(/^(.+)@(\d+\.\d+\.\d+)$/);
    if (match === null) throw fail(`@reviewed ${entry} is not <package>@<exact version>`);
    reviewed.set(/** @type {string} */ (match[1]), /** @type {string} */ (match[2]));
  }
  if (reviewed.size === 0) throw fail("needs at least one @reviewed <package>@<version>");
  const uses = (tags.uses ?? []).map((entry) => entry.split("."));
  const binding = uses[0]?.[0];
  if (uses.some((parts) => parts.length !== 2 || parts[0] !== binding)) {
    throw fail("@uses tags must all read <Binding>.<name>, with one binding");
  }
  return /** @type {Replacement} */ ({
    module: modules[0],
    file,
    contents,
    importers: importers.includes("*") ? "*" : importers,
    uses: binding === undefined ? undefined : { binding, names: uses.map((parts) => parts[1] ?? "") },
    reviewed,
  });
}

/** Every stand-in in this folder, by the module it replaces. */
export function loadReplacements(/** @type {string} */ projectRoot) {
  /** @type {Map<string, Replacement>} */
  const replacements = new Map();
  for (const name of readdirSync(TRIM_DIR)
    .filter((entry) => entry.endsWith(".cjs"))
    .sort()) {
    const path = join(TRIM_DIR, name);
    const replacement = parseReplacement(relative(projectRoot, path), readFileSync(path, "utf8"));
    const earlier = replacements.get(replacement.module);
    if (earlier !== undefined)
      throw new Error(`${earlier.file} and ${replacement.file} both replace ${replacement.module}`);
    replacements.set(replacement.module, replacement);
  }
  return replacements;
}

/**
 * Node built-ins that a dependency loads at its top but needs only on paths this function never takes: for the
 * listed importer alone, the built-in is replaced by a module with one getter per export of the real one, which
 * loads the real one on first use. Same values, same functions; only the time of loading moves.
 */
const LAZY_BUILTINS = [
  // sse_response_model.js: `(0, readline_1.createInterface)(...)` in the constructor of SSEResponseModel, which
  // abstract_client.js parseResponse makes only for `content-type: text/event-stream` answers (streaming APIs,
  // not STS). readline pulls in seven internal modules.
  { builtin: "readline", importer: "tencentcloud-sdk-nodejs-common/tencentcloud/common/sse_response_model.js" },
];

/** A module whose every export is a getter onto the real built-in, loaded on first access. */
function lazyBuiltinSource(/** @type {string} */ builtin) {
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

const STUB_NAMESPACE = "cos-presign-stub";
const LAZY_NAMESPACE = "cos-presign-lazy";
const BUILTIN_NAMESPACE = "cos-presign-builtin";

/** The path of a file relative to its innermost node_modules folder, with forward slashes. */
function packagePath(/** @type {string} */ file) {
  const normalized = file.replaceAll("\\", "/");
  const at = normalized.lastIndexOf("node_modules/");
  return at === -1 ? normalized : normalized.slice(at + "node_modules/".length);
}

/**
 * The esbuild plugin: replaces the modules in `replacements`, recording each import of them in `seenImports` for
 * checkTrim.
 * @param {ReadonlyMap<string, Replacement>} replacements
 * @param {SeenImport[]} seenImports
 * @returns {import("esbuild").Plugin}
 */
export function trimSdkPlugin(replacements, seenImports) {
  const names = [...replacements.keys()].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const filter = new RegExp(`^(?:${names.join("|")})$`);
  return {
    name: "trim-sdk",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter }, (args) => {
        // A stand-in that loads the real module on demand gets the real one.
        if (args.namespace === STUB_NAMESPACE) return undefined;
        seenImports.push({ module: args.path, importer: packagePath(args.importer), importerFile: args.importer });
        return { path: args.path, namespace: STUB_NAMESPACE, pluginData: { resolveDir: args.resolveDir } };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, (args) => ({
        contents: replacements.get(args.path)?.contents ?? "",
        loader: "js",
        // The stand-in's own require()s resolve as its importer's would.
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

/**
 * The version of `name` that code in `fromDir` gets from require(): the first node_modules/<name> found walking up,
 * as Node resolves it. Undefined when it is not installed there.
 */
function installedVersion(/** @type {string} */ name, /** @type {string} */ fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifest = join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) return /** @type {string} */ (JSON.parse(readFileSync(manifest, "utf8")).version);
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Each package a stand-in was reviewed against must be installed, as its importers see it, at that exact version.
 * Problems are grouped by package, naming the stand-ins to review again.
 * @param {ReadonlyMap<string, Replacement>} replacements
 * @param {readonly SeenImport[]} seenImports
 * @param {(name: string, fromDir: string) => string | undefined} versionOf
 */
export function checkReviewedVersions(replacements, seenImports, versionOf = installedVersion) {
  /** @type {Map<string, { name: string, reviewed: string, installed: Set<string>, files: Set<string> }>} */
  const mismatches = new Map();
  for (const { module, importerFile } of seenImports) {
    const replacement = replacements.get(module);
    if (replacement === undefined) continue;
    for (const [name, reviewed] of replacement.reviewed) {
      const installed = versionOf(name, dirname(importerFile)) ?? "not installed";
      if (installed === reviewed) continue;
      const key = `${name}@${reviewed}`;
      const entry = mismatches.get(key) ?? { name, reviewed, installed: new Set(), files: new Set() };
      entry.installed.add(installed);
      entry.files.add(replacement.file);
      mismatches.set(key, entry);
    }
  }
  return [...mismatches.values()].map(
    ({ name, reviewed, installed, files }) =>
      `${name} is ${[...installed].join(" and ")} here, but ${[...files].join(", ")} ` +
      `${files.size === 1 ? "was" : "were"} reviewed against ${reviewed}: review ${files.size === 1 ? "it" : "them"} ` +
      "again against the installed code (each header names what its importers do), then update the @reviewed tags " +
      'and the "overrides" pin in package.json',
  );
}

/**
 * Every check on what the build saw: replaced modules imported only from the files each stand-in names, using only
 * what it provides, reviewed against the installed versions; no stand-in left unused; no tslib helper the tslib
 * stand-in lacks. `readPackageFile` reads a file by its path under node_modules.
 * @param {ReadonlyMap<string, Replacement>} replacements
 * @param {readonly SeenImport[]} seenImports
 * @param {(path: string) => string} readPackageFile
 * @param {(name: string, fromDir: string) => string | undefined} [versionOf]
 */
export function checkTrim(replacements, seenImports, readPackageFile, versionOf = installedVersion) {
  const problems = checkReviewedVersions(replacements, seenImports, versionOf);
  const imported = new Set(seenImports.map(({ module }) => module));
  for (const replacement of replacements.values()) {
    if (!imported.has(replacement.module)) {
      problems.push(
        `${replacement.file} replaces ${replacement.module}, which nothing bundled imports any more: remove it`,
      );
    }
  }
  /** @type {Set<string>} */
  const checked = new Set();
  for (const { module, importer } of seenImports) {
    const replacement = replacements.get(module);
    if (replacement === undefined || checked.has(`${module} ${importer}`)) continue;
    checked.add(`${module} ${importer}`);
    if (replacement.importers !== "*" && !replacement.importers.includes(importer)) {
      problems.push(`${importer} imports ${module}, which ${replacement.file} replaces: review that use, then list it`);
      continue;
    }
    const { uses } = replacement;
    if (uses === undefined) continue;
    const source = readPackageFile(importer);
    const used = [...source.matchAll(new RegExp(`\\b${uses.binding}\\.(\\w+)`, "g"))].map((match) => match[1]);
    if (used.length === 0) problems.push(`${importer} no longer refers to ${module} as ${uses.binding}`);
    for (const member of used) {
      if (!uses.names.includes(/** @type {string} */ (member))) {
        problems.push(`${importer} uses ${module}'s ${member}, which ${replacement.file} lacks`);
      }
    }
  }
  problems.push(...checkTslibHelpers(replacements, seenImports, readPackageFile));
  return problems;
}

/**
 * Every bundled file that imports tslib may use only the helpers the tslib stand-in exports.
 * @param {ReadonlyMap<string, Replacement>} replacements
 * @param {readonly SeenImport[]} seenImports
 * @param {(path: string) => string} readPackageFile
 */
function checkTslibHelpers(replacements, seenImports, readPackageFile) {
  const tslib = replacements.get("tslib");
  if (tslib === undefined) return [];
  const provided = new Set([...tslib.contents.matchAll(/^exports\.(__\w+) =/gm)].map((match) => match[1]));
  const problems = [];
  const files = new Set(seenImports.filter(({ module }) => module === "tslib").map(({ importer }) => importer));
  for (const file of files) {
    for (const [, helper] of readPackageFile(file).matchAll(/\btslib(?:_\d+)?\.(__\w+)/g)) {
      if (!provided.has(helper)) problems.push(`${file} uses tslib.${helper}, which ${tslib.file} lacks`);
    }
  }
  return problems;
}
