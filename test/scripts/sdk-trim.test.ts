/**
 * The SDK trim (scripts/sdk-trim/): every stand-in says what it replaces and which exact versions it was reviewed
 * against, the build's checks fail on what they exist to catch, and the stand-ins do what their headers claim,
 * compared with the modules they replace. test/bundle.test.ts proves the trimmed SDK end to end.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkReviewedVersions,
  checkTrim,
  loadReplacements,
  parseReplacement,
  type Replacement,
  type SeenImport,
  TRIM_DIR,
} from "../../scripts/sdk-trim/trim.mjs";

const ROOT = resolve(__dirname, "../..");
const require = createRequire(import.meta.url);
const standIn = (name: string): unknown => require(join(TRIM_DIR, name));
const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  overrides: Record<string, string>;
};

const COMMON = "tencentcloud-sdk-nodejs-common";
const STS = "tencentcloud-sdk-nodejs-sts";

describe("the stand-ins' headers", () => {
  const replacements = loadReplacements(ROOT);

  it("name what each replaces, who may import it, and the exact versions it was reviewed against", () => {
    expect(replacements.size).toBeGreaterThanOrEqual(10);
    for (const replacement of replacements.values()) {
      expect(replacement.file).toMatch(/^scripts\/sdk-trim\/.+\.cjs$/);
      expect(replacement.reviewed.size, replacement.file).toBeGreaterThan(0);
      expect(replacement.contents, replacement.file).toContain("Why it is safe:");
    }
  });

  it("were reviewed against the SDK versions package.json pins", () => {
    // The pins and the reviews move together: a new pin without a new review (or the reverse) fails here.
    expect(packageJson.overrides[COMMON]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(packageJson.dependencies[STS]).toMatch(/^\d+\.\d+\.\d+$/);
    for (const replacement of replacements.values()) {
      const common = replacement.reviewed.get(COMMON);
      if (common !== undefined) expect(common, replacement.file).toBe(packageJson.overrides[COMMON]);
      const sts = replacement.reviewed.get(STS);
      if (sts !== undefined) expect(sts, replacement.file).toBe(packageJson.dependencies[STS]);
    }
  });

  it("refuse a header the build could not act on", () => {
    const header = (tags: string) => `// @ts-check\n/**\n * A stand-in.\n *\n${tags}\n */\nmodule.exports = {};\n`;
    const complete = " * @replaces x\n * @importer a/b.js\n * @reviewed a@1.2.3";
    expect(parseReplacement("x.cjs", header(complete))).toMatchObject({ module: "x", importers: ["a/b.js"] });
    expect(() => parseReplacement("x.cjs", header(" * @importer a/b.js\n * @reviewed a@1.2.3"))).toThrow(/@replaces/);
    expect(() => parseReplacement("x.cjs", header(" * @replaces x\n * @reviewed a@1.2.3"))).toThrow(/@importer/);
    expect(() => parseReplacement("x.cjs", header(" * @replaces x\n * @importer a/b.js"))).toThrow(/@reviewed/);
    expect(() =>
      parseReplacement("x.cjs", header(" * @replaces x\n * @importer a/b.js\n * @reviewed a@^1.2.3")),
    ).toThrow(/exact version/);
    expect(() => parseReplacement("x.cjs", header(`${complete}\n * @uses A.b\n * @uses C.d`))).toThrow(/one binding/);
  });
});

describe("the build's checks", () => {
  const stub = (tags: string): Replacement =>
    parseReplacement("scripts/sdk-trim/x.cjs", `/**\n${tags}\n */\nexports.__importDefault = 1;\n`);
  const seen = (module: string, importer: string): SeenImport => ({
    module,
    importer,
    importerFile: `/project/node_modules/${importer}`,
  });
  const fetchStub = stub(
    ` * @replaces node-fetch\n * @importer ${COMMON}/http/fetch.js\n * @reviewed ${COMMON}@4.1.220\n * @reviewed node-fetch@2.7.0`,
  );
  const uuidStub = stub(` * @replaces uuid\n * @importer ${COMMON}/abstract_client.js\n * @reviewed ${COMMON}@4.1.220`);
  const replacements = new Map([
    ["node-fetch", fetchStub],
    ["uuid", { ...uuidStub, file: "scripts/sdk-trim/uuid.cjs" }],
  ]);
  const imports = [seen("node-fetch", `${COMMON}/http/fetch.js`), seen("uuid", `${COMMON}/abstract_client.js`)];
  const versions = (overrides: Record<string, string>) => (name: string) =>
    ({ [COMMON]: "4.1.220", "node-fetch": "2.7.0", ...overrides })[name];

  it("pass when the installed versions are the reviewed ones", () => {
    expect(checkReviewedVersions(replacements, imports, versions({}))).toEqual([]);
    expect(checkTrim(replacements, imports, () => "", versions({}))).toEqual([]);
  });

  it("fail on another installed SDK version, naming every stand-in to review again", () => {
    const problems = checkReviewedVersions(replacements, imports, versions({ [COMMON]: "4.1.221" }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${COMMON} is 4.1.221 here`);
    expect(problems[0]).toContain("scripts/sdk-trim/x.cjs, scripts/sdk-trim/uuid.cjs were reviewed against 4.1.220");
    expect(problems[0]).toContain("review them again");
  });

  it("fail on a package a stand-in relies on that moved, or is gone", () => {
    const moved = checkReviewedVersions(replacements, imports, versions({ "node-fetch": "2.7.1" }));
    expect(moved).toEqual([expect.stringMatching(/^node-fetch is 2\.7\.1 here, but scripts\/sdk-trim\/x\.cjs was/)]);
    const gone = checkReviewedVersions(replacements, imports, (name) => (name === COMMON ? "4.1.220" : undefined));
    expect(gone).toEqual([expect.stringMatching(/^node-fetch is not installed here/)]);
  });

  it("fail on an importer the stand-in does not name, and on a stand-in nothing imports", () => {
    const problems = checkTrim(
      replacements,
      [seen("node-fetch", `${COMMON}/http/fetch.js`), seen("node-fetch", `${COMMON}/credential.js`)],
      () => "",
      versions({}),
    );
    expect(problems).toEqual([
      expect.stringContaining("uuid.cjs replaces uuid, which nothing bundled imports any more"),
      expect.stringContaining(`${COMMON}/credential.js imports node-fetch, which scripts/sdk-trim/x.cjs replaces`),
    ]);
  });

  it("fail when an importer reads an export the stand-in lacks", () => {
    const index = stub(
      ` * @replaces ${COMMON}\n * @importer sts_client.js\n * @uses TencentCloudCommon.AbstractClient\n * @reviewed ${STS}@4.1.100`,
    );
    const check = (source: string) =>
      checkTrim(
        new Map([[COMMON, index]]),
        [seen(COMMON, "sts_client.js")],
        () => source,
        versions({ [STS]: "4.1.100" }),
      );
    expect(check("class Client extends TencentCloudCommon.AbstractClient {}")).toEqual([]);
    expect(check("TencentCloudCommon.AbstractClient; new TencentCloudCommon.Credential()")).toEqual([
      expect.stringContaining("uses tencentcloud-sdk-nodejs-common's Credential"),
    ]);
  });

  it("fail when a bundled file asks tslib for a helper the stand-in lacks", () => {
    const tslib = stub(" * @replaces tslib\n * @importer *\n * @reviewed tslib@1.13.0");
    const check = (source: string) =>
      checkTrim(new Map([["tslib", tslib]]), [seen("tslib", "a/b.js")], () => source, versions({ tslib: "1.13.0" }));
    expect(check("tslib_1.__importDefault(require('x'))")).toEqual([]);
    expect(check("tslib_1.__awaiter(this)")).toEqual([expect.stringContaining("uses tslib.__awaiter")]);
  });
});

describe("the stand-ins do what their headers claim", () => {
  it("the common index: the very AbstractClient the real index exports", () => {
    const { AbstractClient } = standIn("tencentcloud-sdk-nodejs-common.cjs") as { AbstractClient: unknown };
    expect(AbstractClient).toBe(require(COMMON).AbstractClient);
  });

  it("json-bigint: the same stringify as json-bigint({ useNativeBigInt: true }), and no parser", () => {
    type JsonBig = (options?: object) => { stringify(value: unknown): string; parse(text: string): unknown };
    const ours = (standIn("json-bigint.cjs") as JsonBig)({ useNativeBigInt: true });
    const real = (require("json-bigint") as JsonBig)({ useNativeBigInt: true });
    const bodies = [
      { RoleArn: "qcs::cam::uin/1:roleName/r", RoleSessionName: "s", DurationSeconds: 1800, Policy: "%7B%22a%22%7D" },
      { Name: '文件 \u2028 \u0007 "quoted" \\ /', Nested: [1, -0.5, null, true, { big: 12345678901234567890n }] },
    ];
    for (const body of bodies) expect(ours.stringify(body)).toBe(real.stringify(body));
    expect(() => ours.parse("{}")).toThrow(/not bundled/);
  });

  it("bignumber.js: nothing is a BigNumber", () => {
    const BigNumber = standIn("bignumber.js.cjs") as { isBigNumber(value: unknown): boolean } & (new () => unknown);
    expect(BigNumber.isBigNumber(1)).toBe(false);
    expect({} instanceof BigNumber).toBe(false);
  });

  it("uuid: v4() is a random version-4 UUID, as uuid's own", () => {
    const { v4 } = standIn("uuid.cjs") as { v4(options?: unknown): string };
    const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(v4()).toMatch(uuidV4);
    expect(v4()).not.toBe(v4());
    expect(() => v4({ random: [] })).toThrow(/not supported/);
  });

  it("https-proxy-agent: `new` gives the real HttpsProxyAgent", () => {
    const Wrapper = standIn("https-proxy-agent.cjs") as new (proxy: string) => object;
    const real = require("https-proxy-agent") as { HttpsProxyAgent: new (proxy: string) => object };
    expect(new Wrapper("http://127.0.0.1:9")).toBeInstanceOf(real.HttpsProxyAgent);
  });

  it("debug: loggers that print nothing", () => {
    const createDebug = standIn("debug.cjs") as (namespace: string) => ((...args: unknown[]) => void) & {
      enabled: boolean;
    };
    const debug = createDebug("agent-base");
    expect(debug.enabled).toBe(false);
    expect(debug("a %s", "message")).toBeUndefined();
  });

  it("tslib: the helpers give what tslib 1.13.0's give, and __importStar reads nothing up front", () => {
    type Tslib = {
      __importDefault(mod: unknown): unknown;
      __importStar(mod: unknown): Record<string, unknown>;
      __exportStar(m: object, exports: Record<string, unknown>): void;
    };
    const ours = standIn("tslib.cjs") as Tslib;
    const real = require("tslib") as Tslib;
    const plain = { a: 1, b: "two" };
    const esModule = { __esModule: true, default: 3 };
    for (const mod of [plain, esModule, null, undefined, 0, ""]) {
      expect(ours.__importDefault(mod)).toEqual(real.__importDefault(mod));
      expect({ ...ours.__importStar(mod) }).toEqual({ ...real.__importStar(mod) });
    }
    const target = { b: "kept" } as Record<string, unknown>;
    const expected = { b: "kept" } as Record<string, unknown>;
    ours.__exportStar({ a: 1, b: 2, default: 3 }, target);
    real.__exportStar({ a: 1, b: 2, default: 3 }, expected);
    expect(target).toEqual(expected);

    let reads = 0;
    const lazy = Object.defineProperty({}, "webcrypto", {
      enumerable: true,
      get: () => {
        reads++;
        return "loaded";
      },
    });
    const namespace = ours.__importStar(lazy);
    expect(reads).toBe(0);
    expect(namespace.webcrypto).toBe("loaded");
    expect(namespace.default).toBe(lazy);
  });
});
