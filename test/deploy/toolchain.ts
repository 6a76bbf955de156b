/**
 * The deploy toolchain's own code, loaded from deploy/toolchain/ (its own package.json and lock file, installed by
 * `npm run toolchain:install` and by .ci/run), never copied: what `scf deploy` does to a serverless.yml up to the
 * requests Tencent receives, without any network.
 *
 * - @serverless-cloud-framework/platform-client-china src/utils.js `resolveInputEnvVariables`: `${env:NAME}`.
 * - tencent-component-toolkit lib/modules/scf/utils.js `formatInputs`: the CreateFunction request.
 * - tencent-component-toolkit lib/modules/triggers/http.js `HttpTrigger#formatInputs`: the CreateTrigger request of
 *   a Function URL (pure; its `create` would send it). The toolkit's scf deploy hands each `events` entry to it as
 *   `{namespace, functionName, type, ...event.http}` (lib/modules/scf/index.js deployTrigger).
 * - js-yaml and fast-glob as the platform client resolves them: the CLI reads serverless.yml with js-yaml's
 *   `load`, and the platform client lists the files to upload with fast-glob (src/instance.js getFilesAndMap).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");
export const TOOLCHAIN_DIR = resolve(ROOT, "deploy/toolchain");
export const INSTALL_HINT = "run `npm run toolchain:install` (npm ci --prefix deploy/toolchain)";

const PLATFORM_CLIENT = "@serverless-cloud-framework/platform-client-china";
const TOOLKIT = "tencent-component-toolkit";

export type Inputs = Record<string, unknown>;

/** The CreateFunction request, as far as the tests read it. */
export interface CreateFunctionRequest {
  readonly FunctionName?: unknown;
  readonly Type?: unknown;
  readonly Handler?: unknown;
  readonly Runtime?: unknown;
  readonly Role?: unknown;
  readonly MemorySize?: unknown;
  readonly Timeout?: unknown;
  readonly InstanceConcurrencyConfig?: unknown;
  readonly Environment?: { readonly Variables: ReadonlyArray<{ readonly Key: string; readonly Value: string }> };
}

export interface CreateTriggerRequest {
  readonly Action: string;
  readonly FunctionName: string;
  readonly Namespace: string;
  readonly Type: string;
  readonly Qualifier: string;
  readonly TriggerDesc: string;
  readonly Enable: string;
}

interface HttpTriggerClass {
  new (options: {
    credentials: Record<string, string>;
    region: string;
  }): {
    formatInputs(options: { region?: string; inputs: Inputs }): { triggerInputs: CreateTriggerRequest };
  };
}

export interface Toolchain {
  resolveInputEnvVariables<T>(inputs: T): T;
  formatInputs(inputs: Inputs): CreateFunctionRequest;
  HttpTrigger: HttpTriggerClass;
  loadYaml(text: string): unknown;
  parseDotenv(text: string): Record<string, string>;
  listUploadedFiles(folder: string, exclude: readonly string[]): Promise<string[]>;
}

/** Why the toolchain cannot be used, or undefined when it is installed at the pinned versions. */
export function toolchainProblem(): string | undefined {
  const manifest = JSON.parse(readFileSync(resolve(TOOLCHAIN_DIR, "package.json"), "utf8")) as {
    devDependencies: Record<string, string>;
  };
  for (const [name, pinned] of Object.entries(manifest.devDependencies)) {
    const installed = resolve(TOOLCHAIN_DIR, "node_modules", name, "package.json");
    if (!existsSync(installed)) return `the deploy toolchain is not installed (${name} missing): ${INSTALL_HINT}`;
    const { version } = JSON.parse(readFileSync(installed, "utf8")) as { version: string };
    if (version !== pinned) return `deploy/toolchain has ${name} ${version}, not the pinned ${pinned}: ${INSTALL_HINT}`;
  }
  return undefined;
}

export function loadToolchain(): Toolchain {
  const load = createRequire(resolve(TOOLCHAIN_DIR, "package.json"));
  const client = load(`${PLATFORM_CLIENT}/src/utils.js`) as Pick<Toolchain, "resolveInputEnvVariables">;
  const scfUtils = load(`${TOOLKIT}/lib/modules/scf/utils.js`) as Pick<Toolchain, "formatInputs">;
  const http = load(`${TOOLKIT}/lib/modules/triggers/http.js`) as { default: HttpTriggerClass };
  // Resolved from the platform client's own folder, as it and the CLI resolve them.
  const fromClient = createRequire(load.resolve(`${PLATFORM_CLIENT}/package.json`));
  const yaml = fromClient("js-yaml") as { load(text: string): unknown };
  const dotenv = fromClient("dotenv") as { parse(text: string): Record<string, string> };
  const fastGlob = fromClient("fast-glob") as (
    pattern: string,
    options: { cwd: string; dot: boolean; ignore: string[] },
  ) => Promise<string[]>;
  return {
    resolveInputEnvVariables: client.resolveInputEnvVariables,
    formatInputs: scfUtils.formatInputs,
    HttpTrigger: http.default,
    loadYaml: (text) => yaml.load(text),
    parseDotenv: (text) => dotenv.parse(text),
    // getFilesAndMap's own call: fg('**/*', { cwd: src, dot: true, ignore: ['.git', ...exclude] }).
    listUploadedFiles: async (folder, exclude) =>
      (await fastGlob("**/*", { cwd: folder, dot: true, ignore: [".git", ...exclude] })).sort(),
  };
}
