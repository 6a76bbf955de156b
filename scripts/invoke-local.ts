/**
 * `npm run invoke -- -p events/function-url-get.json` does offline what `scf invoke local` does (which
 * logs in to Tencent first and cannot run offline): reads serverless.yml, copies inputs.environment.variables
 * and `-e K=V` into process.env, builds an SCF-shaped context, requires the handler file named by
 * inputs.handler relative to serverless.yml's folder, calls it with the event and prints the result.
 *
 * Flags: -p/--path <event.json>, -d/--data '<json>', -e/--env K=V (repeatable), -c/--config <serverless.yml>,
 * --context '<json>'.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { readDotenv } from "./dotenv";

interface Args {
  eventPath?: string;
  data?: string;
  env: string[];
  config: string;
  context?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { env: [], config: "serverless.yml" };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "-p" || flag === "--path") args.eventPath = value;
    else if (flag === "-d" || flag === "--data") args.data = value;
    else if (flag === "-e" || flag === "--env") args.env.push(value);
    else if (flag === "-c" || flag === "--config") args.config = value;
    else if (flag === "--context") args.context = value;
    else throw new Error(`unknown flag ${flag}; use -p, -d, -e, -c or --context`);
    i++;
  }
  return args;
}

/**
 * `${env:NAME}` from the environment, then from a .env file beside the yml. serverless.yml uses it only as a whole
 * value, where this agrees with the framework (which replaces a value containing a reference with NAME's value).
 */
function resolveEnvReferences(value: string, dotenv: Record<string, string>): string {
  return value.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g,
    (_, name: string) => process.env[name] ?? dotenv[name] ?? "",
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const configPath = resolve(args.config);
  const folder = dirname(configPath);
  const dotenv = readDotenv(folder);
  const document = parseYaml(readFileSync(configPath, "utf8")) as { inputs?: Inputs; name?: string };
  const inputs = document.inputs ?? {};

  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs.environment?.variables ?? {})) {
    const resolved = resolveEnvReferences(String(value ?? ""), dotenv);
    // An unset or blank ${env:X} stays unset, so the function reports it by name instead of seeing "".
    if (resolved !== "") variables[name] = resolved;
  }
  for (const pair of args.env) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`-e takes K=V, got "${pair}"`);
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  Object.assign(process.env, variables);

  const raw = args.data ?? (args.eventPath === undefined ? "{}" : readFileSync(resolve(args.eventPath), "utf8"));
  const event: unknown = JSON.parse(raw);
  const [file, exported] = splitHandler(inputs.handler ?? "index.main_handler");
  const region = resolveEnvReferences(String(inputs.region ?? ""), dotenv) || "ap-guangzhou";
  const context = {
    request_id: randomUUID(),
    function_name: resolveEnvReferences(String(inputs.name ?? document.name ?? "cos-presign"), dotenv),
    function_version: "$LATEST",
    namespace: "default",
    memory_limit_in_mb: inputs.memorySize ?? 128,
    time_limit_in_ms: (inputs.timeout ?? 3) * 1000,
    tencentcloud_region: region,
    tencentcloud_appid: "",
    tencentcloud_uin: "",
    environment: JSON.stringify(variables),
    ...(args.context === undefined ? {} : (JSON.parse(args.context) as object)),
  };

  const load = createRequire(resolve(folder, "package.json"));
  const module = load(resolve(folder, file)) as Record<string, unknown>;
  const handler = module[exported];
  if (typeof handler !== "function") throw new Error(`${file} does not export ${exported}`);
  const result: unknown = await handler(event, context);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf(".");
  if (dot < 1) throw new Error(`inputs.handler "${handler}" must be <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

main().catch((error: unknown) => {
  process.stderr.write(`invoke: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
