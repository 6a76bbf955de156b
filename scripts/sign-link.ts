/**
 * `npm run -s sign-link -- <key> --ttl 7d` prints a permalink to the function for <key> (see USAGE). The secret
 * comes from LINK_SECRET in the environment, never from an argument, so it does not land in shell history or `ps`.
 * Only the link goes to stdout, so it can be captured (`-s` keeps npm's own banner out of it); notes go to stderr.
 */
import { parseArgs } from "node:util";
import { EXP_PATTERN, type LinkOptions, linkPath, linkQuery } from "../src/auth/link";
import { parseAuthSettings } from "../src/auth/settings";
import type { Env } from "../src/env";
import { validateKey } from "../src/key";
import { EXPIRES_CEILING, parseOptions, TRAFFIC_LIMIT_MAX, TRAFFIC_LIMIT_MIN } from "../src/options";
import { type ClockIo, Refusal, refused, runAsMain, ttlOption } from "./cli";

const SHORT_USAGE =
  "usage: npm run -s sign-link -- <key> (--ttl <n>[s|m|h|d|w] | --exp <unix-seconds>) [options]; --help for more";

const HELP = `usage: npm run -s sign-link -- <key> (--ttl <n>[s|m|h|d|w] | --exp <unix-seconds>) [options]

Prints a signed permalink to the function for <key> (AUTH_MODE=link). Only the link goes to stdout:
  LINK=$(npm run -s sign-link -- reports/q3.pdf --ttl 7d --base-url https://fn.example)

  --ttl <n>[s|m|h|d|w]      how long the link lives: 3600, 90m, 12h, 7d, 2w
  --exp <unix-seconds>      or when it expires, outright
  --allow-expired           mint a link whose --exp is already past (to try the "link expired" answer)
  --filename <name>         download name
  --disposition <d>         attachment or inline
  --version-id <id>         a COS object version
  --traffic-limit <bit/s>   ${TRAFFIC_LIMIT_MIN} to ${TRAFFIC_LIMIT_MAX}
  --expires <seconds>       lifetime of the COS URL each use gets (1 to ${EXPIRES_CEILING}), signed into the link
  --base-url <url>          print a full URL (put a gateway's path prefix here); else the path and query only
  -h, --help                this text

LINK_SECRET (at least 32 bytes, as the function requires) is read from the environment.
`;

/**
 * A number option in one spelling per value (`600`, never `0600` or `+600`), so one value always gives one link:
 * the link signs the option as written. The range is the function's own (parseOptions, below).
 */
function oneSpelling(flag: string, raw: string): string {
  if (!/^[1-9]\d*$/.test(raw)) throw new Refusal(`${flag} ${JSON.stringify(raw)} must be written as a whole number`);
  return raw;
}

/** The COS URL lifetime; above the function's own ceiling every click would be refused. */
function expiresSeconds(raw: string): string {
  if (!/^[1-9]\d{0,11}$/.test(raw) || Number(raw) > EXPIRES_CEILING) {
    throw new Refusal(
      `--expires ${JSON.stringify(raw)} must be a whole number of seconds from 1 to ${EXPIRES_CEILING} (the COS URL's lifetime)`,
    );
  }
  return raw;
}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        ttl: { type: "string" },
        exp: { type: "string" },
        "allow-expired": { type: "boolean" },
        filename: { type: "string" },
        disposition: { type: "string" },
        "version-id": { type: "string" },
        "traffic-limit": { type: "string" },
        expires: { type: "string" },
        "base-url": { type: "string" },
      },
    });
  } catch (error) {
    // node:util's own words ("Unknown option '--bogus'", "Option '--ttl <value>' argument missing") are precise.
    throw new Refusal((error as Error).message.split("\n")[0] ?? String(error));
  }
}

type Values = ReturnType<typeof parse>["values"];

/** The link's expiry in Unix seconds; an already-expired link only with --allow-expired. */
function expiry(values: Values, nowMs: number): number {
  const nowSeconds = Math.floor(nowMs / 1000);
  if (values.exp !== undefined && values.ttl !== undefined) throw new Refusal("give --ttl or --exp, not both");
  // ttlOption's ten years keep exp far inside the 12 digits a link can carry (EXP_PATTERN).
  if (values.ttl !== undefined) return nowSeconds + ttlOption(values.ttl);
  if (values.exp === undefined) throw new Refusal("say how long the link lives: --ttl 7d, or --exp <unix-seconds>");
  if (!EXP_PATTERN.test(values.exp)) {
    throw new Refusal(`--exp ${JSON.stringify(values.exp)} is not Unix seconds (digits, no leading zero)`);
  }
  const exp = Number(values.exp);
  if (exp <= nowSeconds && values["allow-expired"] !== true) {
    throw new Refusal(
      `--exp ${exp} (${new Date(exp * 1000).toISOString()}) is already past: the link would be dead on arrival; ` +
        "use --ttl, or add --allow-expired to mint it anyway",
    );
  }
  return exp;
}

function linkSecret(env: Env): string {
  // The same rules the function applies to its own LINK_SECRET, so a link this prints is one it accepts.
  const { settings, problems } = parseAuthSettings({ AUTH_MODE: "link", LINK_SECRET: env.LINK_SECRET });
  const secret = settings?.link?.secrets[0];
  if (secret !== undefined) return secret;
  if (env.LINK_SECRET === undefined || env.LINK_SECRET.trim() === "") {
    throw new Refusal("LINK_SECRET is not set in the environment (the function's own secret, 32 bytes or more)", false);
  }
  throw new Refusal(problems.join("; "), false);
}

function signLinkFor(argv: readonly string[], env: Env, io: ClockIo): number {
  const { values, positionals } = parse(argv);
  if (values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  const [key, ...extra] = positionals;
  if (key === undefined || key === "") throw new Refusal("give the object key, e.g. reports/q3.pdf");
  if (extra.length > 0) throw new Refusal(`give exactly one object key (also got ${JSON.stringify(extra[0])})`);
  const exp = expiry(values, (io.now ?? Date.now)());

  const options: LinkOptions = {};
  if (values.filename !== undefined) options.filename = values.filename;
  if (values.disposition !== undefined) options.disposition = values.disposition;
  if (values["version-id"] !== undefined) options.versionId = values["version-id"];
  if (values["traffic-limit"] !== undefined)
    options.trafficLimit = oneSpelling("--traffic-limit", values["traffic-limit"]);
  if (values.expires !== undefined) options.expires = expiresSeconds(values.expires);
  const secret = linkSecret(env);
  // The function's own key and option rules, then signLink's own checks: a link it would refuse is not printed.
  let pathAndQuery: string;
  try {
    validateKey(key);
    parseOptions(options);
    pathAndQuery = `${linkPath(key)}?${linkQuery(secret, key, exp, options)}`;
  } catch (error) {
    throw new Refusal(error instanceof Error ? error.message : String(error));
  }
  const base = values["base-url"]?.replace(/\/+$/, "");
  io.stdout(`${base === undefined ? "" : base}${pathAndQuery}\n`);
  io.stderr(`sign-link: valid until ${new Date(exp * 1000).toISOString()} (exp=${exp})\n`);
  if (options.expires !== undefined) {
    io.stderr(
      `sign-link: each use gets a COS URL valid for ${options.expires} s, or less if URL_MAX_EXPIRES_SECONDS is lower\n`,
    );
  }
  return 0;
}

/** 0 with the link on stdout, or 2 with the problem (and, for a usage mistake, the usage line) on stderr. */
export function run(argv: readonly string[], env: Env, io: ClockIo): number {
  try {
    return signLinkFor(argv, env, io);
  } catch (error) {
    return refused("sign-link", SHORT_USAGE, error, io);
  }
}

if (require.main === module) runAsMain("sign-link", run);
