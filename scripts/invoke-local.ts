/**
 * `npm run invoke -- -p events/function-url-get.json` does offline what `scf invoke local` does (which logs in to
 * Tencent first and cannot run offline): reads serverless.yml, applies inputs.environment.variables and `-e K=V`,
 * builds an SCF-shaped context, requires the handler file named by inputs.handler relative to serverless.yml's
 * folder (a fresh copy each run: a cold instance), calls it with the event and prints the result.
 *
 * With no COS_BUCKET (from the environment, .env or -e) it starts the dev stack of `npm start` (dev/: a local STS
 * and a strict local COS over examples/bucket/) and points the function at it, so every sample event answers for
 * real. `--download` then fetches each URL in the answer and prints its status and size: the whole loop in one
 * command. With COS_BUCKET set it calls real STS and COS, and says so on stderr.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { againstStack, type LocalStack, type LocalStackOptions, startLocalStack } from "../dev/local-stack";
import { loadConfig } from "../src/config";
import { type Env, nonEmpty } from "../src/env";
import { type CliIo, problemReport, runAsMain } from "./cli";
import { readDotenv } from "./dotenv";

const USAGE = `usage: npm run invoke -- (-p <event.json> | -d '<json>') [-e K=V]... [--download] [-c serverless.yml] [--context '<json>']
stdout: the function's log line, then its result (as scf invoke local prints them); notes go to stderr.
  -p, --path <file>     the event, from a file (events/ holds one of each kind)
  -d, --data <json>     the event, inline
  -e, --env K=V         a function setting, over serverless.yml's (repeatable)
  --download            fetch each URL the function answered with and print its status and size
  -c, --config <file>   the serverless.yml to read (default ./serverless.yml)
  --context <json>      fields to merge into the SCF context
Without COS_BUCKET the function runs against the local STS and COS of npm start.
`;

export interface InvokeIo extends CliIo {
  /** Starts the dev stack when no COS settings are given; the tests pass one that registers its secrets. */
  readonly startLocalStack?: (options: LocalStackOptions) => Promise<LocalStack>;
}

interface Args {
  readonly eventPath?: string;
  readonly data?: string;
  readonly env: readonly string[];
  readonly config: string;
  /** --context, parsed with the rest of the command line so a mistake in it is a usage error. */
  readonly context?: object;
  readonly download: boolean;
  readonly help: boolean;
}

class UsageError extends Error {}

function contextObject(raw: string): object {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--context is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError("--context must be a JSON object of SCF context fields");
  }
  return value;
}

function parseArgs(argv: readonly string[]): Args {
  const args: { -readonly [K in keyof Args]: Args[K] } = {
    env: [],
    config: "serverless.yml",
    download: false,
    help: false,
  };
  const env: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? "";
    if (flag === "-h" || flag === "--help") {
      args.help = true;
      continue;
    }
    if (flag === "--download") {
      args.download = true;
      continue;
    }
    const value = argv[i + 1];
    const known = ["-p", "--path", "-d", "--data", "-e", "--env", "-c", "--config", "--context"];
    if (!known.includes(flag)) throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === "-p" || flag === "--path") args.eventPath = value;
    else if (flag === "-d" || flag === "--data") args.data = value;
    else if (flag === "-e" || flag === "--env") env.push(value);
    else if (flag === "-c" || flag === "--config") args.config = value;
    else args.context = contextObject(value);
    i++;
  }
  if (args.eventPath !== undefined && args.data !== undefined) throw new UsageError("give -p or -d, not both");
  args.env = env;
  return args;
}

/**
 * `${env:NAME}` from the environment, then from a .env file beside the yml (a blank value counts as unset).
 * serverless.yml uses it only as a whole value, where this agrees with the framework (which replaces a value
 * containing a reference with NAME's value).
 */
function resolveEnvReferences(value: string, env: Env, dotenv: Record<string, string>): string {
  return value.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (_, name: string) => nonEmpty(env[name]) ?? nonEmpty(dotenv[name]) ?? "",
  );
}

interface Inputs {
  handler?: string;
  region?: string;
  name?: string;
  memorySize?: number;
  timeout?: number;
  environment?: { variables?: Record<string, unknown> };
}

function parseDashE(pairs: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`-e takes K=V, got ${JSON.stringify(pair)}`);
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return variables;
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf(".");
  if (dot < 1) throw new Error(`inputs.handler "${handler}" must be <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

/** The handler as a fresh instance would load it: the project's own modules are read anew, not from the cache. */
function loadHandler(folder: string, handlerName: string): (event: unknown, context: unknown) => Promise<unknown> {
  const [file, exported] = splitHandler(handlerName);
  const load = createRequire(resolve(folder, "package.json"));
  // The function is JavaScript (index.js, dist/); this script's own TypeScript stays loaded.
  const dependencies = `${sep}node_modules${sep}`;
  for (const cached of Object.keys(load.cache)) {
    const ours = cached.startsWith(folder + sep) && !cached.includes(dependencies);
    if (ours && /\.c?js$/.test(cached)) delete load.cache[cached];
  }
  const module = load(resolve(folder, file)) as Record<string, unknown>;
  const handler = module[exported];
  if (typeof handler !== "function") throw new Error(`${file} does not export ${exported}`);
  return handler as (event: unknown, context: unknown) => Promise<unknown>;
}

/** Runs `body` with `variables` in process.env, where the function reads its settings, and puts it back after. */
async function withProcessEnv<T>(variables: Env, body: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(variables)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Every URL in an answer: a redirect's Location, a JSON body's url, a direct answer's, a batch's results'. */
function urlsIn(result: unknown): string[] {
  if (typeof result !== "object" || result === null) return [];
  const answer = result as {
    statusCode?: unknown;
    headers?: { location?: unknown };
    body?: unknown;
    url?: unknown;
    results?: unknown;
  };
  if (typeof answer.statusCode === "number") {
    if (typeof answer.headers?.location === "string") return [answer.headers.location];
    if (typeof answer.body !== "string") return [];
    try {
      return urlsIn(JSON.parse(answer.body));
    } catch {
      return [];
    }
  }
  if (typeof answer.url === "string") return [answer.url];
  if (Array.isArray(answer.results)) return answer.results.flatMap(urlsIn);
  return [];
}

/** GETs each URL; true when every one answered 200. Only the key, status and size are printed: never the URL. */
async function download(urls: readonly string[], io: CliIo): Promise<boolean> {
  if (urls.length === 0) {
    io.stderr("invoke: --download: the answer holds no URL to fetch\n");
    return false;
  }
  let allOk = true;
  for (const url of urls) {
    const key = decodeURIComponent(new URL(url).pathname.slice(1));
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
    const body = Buffer.from(await response.arrayBuffer());
    // COS says why it refused in an XML <Code>; the local COS does the same.
    const code = response.ok ? "" : ` ${/<Code>([^<]*)<\/Code>/.exec(body.toString("utf8"))?.[1] ?? ""}`.trimEnd();
    io.stderr(`invoke: GET ${key} → ${response.status}${code}, ${body.length} bytes\n`);
    if (response.status !== 200) allOk = false;
  }
  return allOk;
}

export async function run(argv: readonly string[], env: Env, io: InvokeIo): Promise<number> {
  let args: Args;
  let dashE: Record<string, string>;
  let event: unknown;
  try {
    args = parseArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    dashE = parseDashE(args.env);
    const raw = args.data ?? (args.eventPath === undefined ? undefined : readFileSync(resolve(args.eventPath), "utf8"));
    if (raw === undefined) throw new UsageError("give the event: -p events/function-url-get.json, or -d '<json>'");
    try {
      event = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`the event is not JSON: ${(error as Error).message}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error && "code" in error)) throw error;
    io.stderr(`invoke: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const configPath = resolve(args.config);
  const folder = dirname(configPath);
  const dotenv = readDotenv(folder);
  const document = parseYaml(readFileSync(configPath, "utf8")) as { inputs?: Inputs; name?: string };
  const inputs = document.inputs ?? {};
  const fromYml: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs.environment?.variables ?? {})) {
    const resolved = resolveEnvReferences(String(value ?? ""), env, dotenv);
    // An unset ${env:X} stays unset, so the function reports it by name instead of seeing "".
    if (resolved !== "") fromYml[name] = resolved;
  }

  const real = nonEmpty(dashE.COS_BUCKET ?? fromYml.COS_BUCKET) !== undefined;
  const stack = real ? undefined : await (io.startLocalStack ?? startLocalStack)({});
  try {
    const settings = { ...fromYml, ...dashE };
    const variables = stack === undefined ? settings : againstStack(stack, settings);
    if (stack !== undefined) {
      io.stderr(
        `invoke: no COS_BUCKET set: using the local STS (${stack.sts.url}) and local COS (${stack.cos.origin}) ` +
          "over examples/bucket/, as npm start does\n",
      );
    }

    // The function reads exactly this: the environment, then the yml's variables and -e over it.
    const functionEnv: Env = { ...env, ...variables };
    if (stack === undefined) {
      // Said before the configuration is checked, so a user sees which STS a fixed configuration would call.
      const endpoint = nonEmpty(functionEnv.STS_ENDPOINT) ?? "sts.tencentcloudapi.com (the default)";
      io.stderr(`invoke: COS_BUCKET is set: the function calls real STS at ${endpoint}\n`);
    }
    const loaded = loadConfig(functionEnv);
    if (!("config" in loaded)) {
      io.stderr(problemReport("invoke", loaded.problems, "not invoking"));
      return 1;
    }

    const handler = loadHandler(folder, inputs.handler ?? "index.main_handler");
    const region = resolveEnvReferences(String(inputs.region ?? ""), env, dotenv) || "ap-guangzhou";
    const context = {
      request_id: randomUUID(),
      function_name: resolveEnvReferences(String(inputs.name ?? document.name ?? "cos-presign"), env, dotenv),
      function_version: "$LATEST",
      namespace: "default",
      memory_limit_in_mb: inputs.memorySize ?? 128,
      time_limit_in_ms: (inputs.timeout ?? 3) * 1000,
      tencentcloud_region: region,
      tencentcloud_appid: "",
      tencentcloud_uin: "",
      environment: JSON.stringify(variables),
      ...args.context,
    };
    const result = await withProcessEnv(functionEnv, () => handler(event, context));
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    if (args.download && !(await download(urlsIn(result), io))) return 1;
    return 0;
  } finally {
    await stack?.close();
  }
}

if (require.main === module) runAsMain("invoke", run);
