/**
 * Each serverless.yml of the project, put through the deploy toolchain's own code (test/deploy/toolchain.ts), must
 * become the CreateFunction and CreateTrigger requests we mean: the right name, type, handler, runtime and role,
 * every setting arriving as it was set (never the text "undefined", never a leftover `${`), whichever optional
 * settings are left blank, and a Function URL reachable from the internet. The deployed environment is then loaded
 * by the function's own loadConfig: it must start without a ConfigError.
 *
 * Steps that run outside the published packages are restated here, each with its source:
 * - the CLI (serverless-cloud-framework, not on the npm registry) reads the yml with js-yaml, sets stage to "dev"
 *   when absent, takes app and stage from the parent folder's serverless.yml (src/libs/utils/basic.js
 *   loadInstanceConfigUncached), lets --stage override (src/libs/utils/utils.js loadTencentInstanceConfig), and
 *   loads .env with dotenv first (src/libs/config.js);
 * - the deployment engine, on Tencent's side, replaces `${name}`, `${stage}`, `${app}` (docs/guides/variables.md);
 * - the scf component, also on Tencent's side, uploads the code and passes the inputs on with `code` set.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { missingSettings } from "../../scripts/check-deploy-env.mjs";
import { loadConfig } from "../../src/config";
import {
  type CreateFunctionRequest,
  type Inputs,
  loadToolchain,
  ROOT,
  type Toolchain,
  toolchainProblem,
} from "./toolchain";

const STAGE = "prod";
const EXECUTION_ROLE = "cos-presign-exec";

interface Deployable {
  readonly yml: string;
  readonly functionName: string;
  readonly type: "Event" | "HTTP";
  /** The folder uploaded after the build, and what must be in it. */
  readonly dist: string;
  readonly uploads: readonly string[];
}

const DEPLOYABLES: readonly Deployable[] = [
  { yml: "serverless.yml", functionName: `cos-presign-${STAGE}`, type: "Event", dist: "dist", uploads: ["index.js"] },
  {
    yml: "web/serverless.yml",
    functionName: `cos-presign-web-${STAGE}`,
    type: "HTTP",
    dist: "dist/web",
    uploads: ["scf_bootstrap", "server.js"],
  },
];

const REQUIRED = {
  COS_BUCKET: "examplebucket-1250000000",
  COS_REGION: "ap-guangzhou",
  ALLOWED_PREFIXES: "public/",
  AUTH_MODE: "none",
  STS_ROLE_ARN: "qcs::cam::uin/100000000001:roleName/cos-presign-download",
};
const SECRET = "k7Qv3xR9mW2pL8sT4nY6bZ1cF5hJ0dG+aE3uI7oK9q=";

/** The settings a user writes into .env (copied from .env.example, blanks kept), per scenario. */
const SCENARIOS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "only the required settings": REQUIRED,
  "AUTH_MODE=link": { ...REQUIRED, AUTH_MODE: "link", LINK_SECRET: SECRET },
  "AUTH_MODE=jwt with JWT_SECRET": {
    ...REQUIRED,
    AUTH_MODE: "jwt",
    JWT_SECRET: SECRET,
    JWT_ISSUER: "https://login.example.com/",
    JWT_AUDIENCE: "cos-presign",
  },
  "AUTH_MODE=jwt with JWT_JWKS_URL": {
    ...REQUIRED,
    AUTH_MODE: "jwt",
    JWT_JWKS_URL: "https://login.example.com/.well-known/jwks.json",
    JWT_ISSUER: "https://login.example.com/",
    JWT_AUDIENCE: "cos-presign",
  },
  "GetFederationToken (permanent keys, no role)": {
    ...REQUIRED,
    STS_ROLE_ARN: "",
    STS_SECRET_ID: "AKIDEXAMPLEfederation0001",
    STS_SECRET_KEY: SECRET,
  },
  "every setting": {
    ...REQUIRED,
    AUTH_MODE: "link,jwt",
    COS_DOMAIN: "https://download.example.com",
    COS_CHECK_EXISTS: "true",
    URL_EXPIRES_SECONDS: "600",
    URL_MAX_EXPIRES_SECONDS: "3600",
    PATH_PREFIX: "/download",
    CORS_ALLOW_ORIGINS: "https://app.example.com",
    STS_ENDPOINT: "sts.internal.tencentcloudapi.com",
    STS_REGION: "ap-shanghai",
    STS_DURATION_SECONDS: "7200",
    STS_TIMEOUT_MS: "1500",
    STS_DEADLINE_MS: "4000",
    STS_MAX_ATTEMPTS: "2",
    LINK_SECRET: SECRET,
    LINK_SECRET_PREVIOUS: `${SECRET}old`,
    JWT_SECRET: SECRET,
    JWT_ISSUER: "https://login.example.com/",
    JWT_AUDIENCE: "cos-presign",
    JWT_CLOCK_TOLERANCE_SECONDS: "60",
  },
};

/** Set by SCF itself (SCF_FUNCTIONNAME, the execution role's TENCENTCLOUD_* keys) or by scf_bootstrap (PORT). */
const NOT_DEPLOYED = new Set([
  "SCF_FUNCTIONNAME",
  "TENCENTCLOUD_SECRETID",
  "TENCENTCLOUD_SECRETKEY",
  "TENCENTCLOUD_SESSIONTOKEN",
  "PORT",
]);

function read(path: string): string {
  return readFileSync(resolve(ROOT, path), "utf8");
}

/** Every environment variable src/ reads: `env.NAME`, `env["NAME"]`, and `(env, "NAME"` (flag, wholeNumber). */
function settingsTheFunctionReads(): string[] {
  const names = new Set<string>();
  const src = resolve(ROOT, "src");
  const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));
  for (const file of files.map((name) => resolve(src, name))) {
    const source = readFileSync(file, "utf8");
    for (const pattern of [
      /\benv\.([A-Z][A-Z0-9_]+)/g,
      /\benv\["([A-Z][A-Z0-9_]+)"\]/g,
      /\(\s*env,\s*"([A-Z][A-Z0-9_]+)"/g,
    ]) {
      for (const match of source.matchAll(pattern)) if (match[1] !== undefined) names.add(match[1]);
    }
  }
  return [...names].filter((name) => !NOT_DEPLOYED.has(name)).sort();
}

/** Runs `body` with exactly `env` as process.env's view of the given names, then puts everything back. */
function withEnv<T>(names: Iterable<string>, env: Readonly<Record<string, string>>, body: () => T): T {
  const saved = new Map<string, string | undefined>();
  for (const name of names) {
    saved.set(name, process.env[name]);
    if (name in env) process.env[name] = env[name];
    else delete process.env[name];
  }
  try {
    return body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Replaces the engine's own variables in every string, as the deployment engine does. */
function resolveEngineVariables(value: unknown, instance: Record<string, string>): unknown {
  if (typeof value === "string")
    return value.replace(/\$\{(name|stage|app)\}/g, (_, name: string) => instance[name] ?? "");
  if (Array.isArray(value)) return value.map((item) => resolveEngineVariables(item, instance));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveEngineVariables(item, instance)]),
    );
  }
  return value;
}

interface Deployment {
  readonly createFunction: CreateFunctionRequest;
  readonly createTriggers: ReturnType<InstanceType<Toolchain["HttpTrigger"]>["formatInputs"]>["triggerInputs"][];
  readonly inputs: Inputs;
}

/** `scf deploy --stage prod [--target ./web]` with `dotenvText` as .env, up to the requests Tencent receives. */
function deploy(toolchain: Toolchain, yml: string, dotenvText: string, environment: Record<string, string> = {}) {
  const file = toolchain.loadYaml(read(yml)) as Record<string, unknown>;
  const instance: Record<string, unknown> = { ...file, stage: file.stage ?? "dev" };
  if (yml !== "serverless.yml") {
    const parent = toolchain.loadYaml(read("serverless.yml")) as Record<string, unknown>;
    instance.app = parent.app ?? instance.app;
    instance.stage = parent.stage ?? instance.stage;
  }
  instance.stage = STAGE;
  instance.app ??= instance.name;

  // dotenv.config never overrides what the environment already holds.
  const dotenv = toolchain.parseDotenv(dotenvText);
  const env = { ...dotenv, ...environment };
  const names = new Set([...Object.keys(dotenv), ...Object.keys(environment), ...referencedNames(read(yml))]);
  const resolved = withEnv(names, env, () => toolchain.resolveInputEnvVariables(instance));

  const engine = { name: String(resolved.name), stage: String(resolved.stage), app: String(resolved.app) };
  const inputs = resolveEngineVariables(resolved.inputs, engine) as Inputs;
  const componentInputs = { ...inputs, namespace: "default", code: { bucket: "sls-code", object: "code.zip" } };
  const createFunction = toolchain.formatInputs(componentInputs);

  const region = String(inputs.region);
  const events = (inputs.events ?? []) as Array<Record<string, Inputs>>;
  const createTriggers = events.map((event) => {
    const [type, trigger] = Object.entries(event)[0] ?? [];
    expect(type, `${yml}: only Function URL (http) triggers`).toBe("http");
    const httpTrigger = new toolchain.HttpTrigger({ credentials: { SecretId: "fake", SecretKey: "fake" }, region });
    return httpTrigger.formatInputs({
      region,
      inputs: { namespace: "default", functionName: createFunction.FunctionName, type, ...trigger },
    }).triggerInputs;
  });
  return { createFunction, createTriggers, inputs } satisfies Deployment;
}

/** The yml's lines that are not comments (its header comment explains the `${env:NAME}` rules). */
function configLines(text: string): string[] {
  return text.split("\n").filter((line) => !/^\s*#/.test(line));
}

function referencedNames(text: string): string[] {
  return [
    ...configLines(text)
      .join("\n")
      .matchAll(/\$\{env:([A-Za-z0-9_]+)\}/g),
  ].map((match) => match[1] ?? "");
}

/** .env as a user makes it: .env.example with the scenario's values filled in, every other line left blank. */
function dotenvFor(values: Readonly<Record<string, string>>): string {
  const example = read(".env.example");
  const seen = new Set<string>();
  const lines = example.split("\n").map((line) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] === undefined) return line;
    seen.add(match[1]);
    return `${match[1]}=${values[match[1]] ?? ""}`;
  });
  const missing = Object.keys(values).filter((name) => !seen.has(name));
  expect(missing, ".env.example lacks these settings").toEqual([]);
  return lines.join("\n");
}

function variables(request: CreateFunctionRequest): Record<string, string> {
  return Object.fromEntries((request.Environment?.Variables ?? []).map(({ Key, Value }) => [Key, Value]));
}

const problem = toolchainProblem();

if (problem !== undefined) {
  // Never skipped quietly where it matters: in CI a missing toolchain fails the run. Elsewhere it says why.
  if (!process.env.CI) console.warn(`test/deploy/serverless-yml.test.ts skipped: ${problem}`);
  describe("serverless.yml through the deploy toolchain", () => {
    it.skipIf(!process.env.CI)(`cannot run: ${problem}`, () => {
      throw new Error(`${problem} (.ci/run installs it before npm test)`);
    });
  });
} else {
  const toolchain = loadToolchain();

  describe("the toolchain's own rules, which the yml files are written around", () => {
    it(`resolves $\{env:NAME} only; $\{env.NAME} stays text; an unset NAME becomes undefined, a blank one ''`, () => {
      const resolved = withEnv(["A", "B", "C"], { A: "a", B: "" }, () =>
        toolchain.resolveInputEnvVariables({
          colon: `$\{env:A}`,
          dot: `$\{env.A}`,
          blank: `$\{env:B}`,
          unset: `$\{env:C}`,
        }),
      );
      expect(resolved).toEqual({ colon: "a", dot: `$\{env.A}`, blank: "", unset: undefined });
      // formatInputs then writes String(undefined): the function would read the text "undefined".
      const request = toolchain.formatInputs({ environment: { variables: resolved } });
      expect(variables(request)).toMatchObject({ unset: "undefined", blank: "" });
    });

    it(`replaces a value containing $\{env:NAME} by NAME's value alone`, () => {
      const resolved = withEnv(["A"], { A: "a" }, () =>
        toolchain.resolveInputEnvVariables({ v: `pre-$\{env:A}-post` }),
      );
      expect(resolved).toEqual({ v: "a" });
    });
  });

  describe.each(DEPLOYABLES)("$yml", (deployable) => {
    const text = read(deployable.yml);

    it(`uses $\{env:NAME} only as a whole value, and no $\{env.NAME}`, () => {
      const lines = configLines(text);
      expect(lines.filter((line) => line.includes(`$\{env.`))).toEqual([]);
      const uses = lines.filter((line) => line.includes(`$\{env:`));
      expect(uses.length).toBeGreaterThan(0);
      for (const line of uses) expect(line).toMatch(/^\s*[A-Za-z_]+: \$\{env:[A-Z0-9_]+\}(\s+#.*)?$/);
    });

    it("deploys every setting the function reads, each documented in .env.example", () => {
      const { inputs } = deploy(toolchain, deployable.yml, dotenvFor(REQUIRED));
      const deployed = Object.keys((inputs.environment as { variables: Record<string, unknown> }).variables).sort();
      const readBySource = settingsTheFunctionReads();
      expect(readBySource).toContain("LINK_SECRET");
      expect(deployed).toEqual(readBySource);
      expect(referencedNames(text).filter((name) => !read(".env.example").includes(`\n${name}=`))).toEqual([]);
    });

    it.each(Object.entries(SCENARIOS))(
      "with %s: the requests Tencent receives, and a function that starts",
      (_, values) => {
        const { createFunction, createTriggers } = deploy(toolchain, deployable.yml, dotenvFor(values));

        expect(createFunction).toMatchObject({
          FunctionName: deployable.functionName,
          Type: deployable.type,
          Runtime: "Nodejs18.15",
          Role: EXECUTION_ROLE,
        });
        if (deployable.type === "Event") expect(createFunction.Handler).toBe("index.main_handler");
        else expect(createFunction).not.toHaveProperty("Handler");

        const deployed = variables(createFunction);
        for (const [name, value] of Object.entries(deployed)) {
          expect(value, name).not.toBe("undefined");
          expect(value, name).not.toContain(`$\{`);
          expect(value, name).toBe(values[name] ?? "");
        }
        expect(loadConfig(deployed).problems).toEqual([]);

        expect(createTriggers).toHaveLength(1);
        const [trigger] = createTriggers;
        expect(trigger).toMatchObject({
          Action: "CreateTrigger",
          Type: "http",
          FunctionName: deployable.functionName,
          Qualifier: "$DEFAULT",
          Enable: "OPEN",
        });
        expect(JSON.parse(trigger?.TriggerDesc ?? "{}")).toMatchObject({
          AuthType: "NONE",
          NetConfig: { EnableExtranet: true },
        });
      },
    );

    it(`uploads ${deployable.uploads.join(" and ")} from ${deployable.dist}/ after the build`, async () => {
      const { inputs } = deploy(toolchain, deployable.yml, dotenvFor(REQUIRED));
      const src = inputs.src as { src: string; dist: string; hook: string; exclude?: string[] };
      // The check first: it stops the deploy, before the upload, when a setting is set nowhere.
      expect(src.hook).toBe(`node scripts/check-deploy-env.mjs ${deployable.yml} && npm run build`);
      // The CLI resolves src and dist against the yml's folder.
      const folder = resolve(ROOT, deployable.yml, "..", src.dist);
      expect(folder).toBe(resolve(ROOT, deployable.dist));
      expect(resolve(ROOT, deployable.yml, "..", src.src)).toBe(ROOT);
      expect(await toolchain.listUploadedFiles(folder, src.exclude ?? [])).toEqual(deployable.uploads);
    });
  });

  it("web/serverless.yml runs several requests per instance, up to the documented maximum", () => {
    const { createFunction } = deploy(toolchain, "web/serverless.yml", dotenvFor(REQUIRED));
    expect(createFunction.InstanceConcurrencyConfig).toEqual({ DynamicEnabled: "FALSE", MaxConcurrency: 20 });
    expect(read("docs/deploy.md")).toContain("`maxConcurrency: 20`");
  });

  const withoutJwks = () =>
    dotenvFor({ ...REQUIRED, AUTH_MODE: "jwt", JWT_SECRET: SECRET })
      .split("\n")
      .filter((line) => !line.startsWith("JWT_JWKS_URL="))
      .join("\n");

  it("the build hook's check stops `scf deploy` before the upload when a setting is set nowhere", () => {
    // Run as the hook runs, .env loaded into its environment (one spawn).
    const env = { PATH: process.env.PATH ?? "", ...toolchain.parseDotenv(withoutJwks()) };
    const hook = spawnSync(process.execPath, ["scripts/check-deploy-env.mjs", "serverless.yml"], { cwd: ROOT, env });
    expect(hook.status).toBe(1);
    expect(hook.stderr.toString()).toContain('as the text "undefined": JWT_JWKS_URL. Add each to .env');
  });

  describe.each(DEPLOYABLES)("a setting missing from .env (not blank), with $yml", ({ yml }) => {
    it("would reach the function as the text undefined", () => {
      const { createFunction } = deploy(toolchain, yml, withoutJwks());
      expect(variables(createFunction).JWT_JWKS_URL).toBe("undefined");
    });

    it("is what the build hook's check refuses, and only that", () => {
      expect(missingSettings(read(yml), toolchain.parseDotenv(withoutJwks()))).toEqual(["JWT_JWKS_URL"]);
      expect(missingSettings(read(yml), toolchain.parseDotenv(dotenvFor(REQUIRED)))).toEqual([]);
    });
  });
}
