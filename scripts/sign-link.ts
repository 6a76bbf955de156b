/**
 * `npm run sign-link -- <key> --ttl 7d [--filename F] [--disposition inline|attachment] [--version-id V]
 *   [--traffic-limit N] [--expires S] [--base-url https://fn.example]` prints a permalink to the function for
 * <key>: the path and query, or the full URL with --base-url. `--exp <Unix seconds>` instead of --ttl sets the
 * expiry outright. `--expires <seconds>` is the lifetime of the COS URL each click gets (not of the link); it is
 * signed, so the link's holder cannot stretch it. The secret comes from LINK_SECRET in the environment, never
 * from an argument, so it does not land in shell history or `ps`. Only the link goes to stdout, so it can be
 * piped; notes go to stderr.
 */
import { parseArgs } from "node:util";
import { EXP_PATTERN, type LinkOptions, linkPath, linkQuery } from "../src/auth/link";
import { parseAuthSettings } from "../src/auth/settings";
import { validateKey } from "../src/key";
import { EXPIRES_CEILING, parseOptions } from "../src/options";

const USAGE =
  "usage: npm run sign-link -- <key> (--ttl <n>[s|m|h|d|w] | --exp <unix-seconds>) [--filename F] " +
  "[--disposition inline|attachment] [--version-id V] [--traffic-limit N] [--expires <seconds>] [--base-url URL]\n" +
  "LINK_SECRET must be set in the environment.";

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

function fail(message: string): never {
  process.stderr.write(`sign-link: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function ttlSeconds(raw: string): number {
  const match = /^(\d{1,9})([smhdw]?)$/.exec(raw.trim());
  const amount = match?.[1];
  if (match === null || amount === undefined) {
    fail(`--ttl ${JSON.stringify(raw)} is not a duration such as 3600, 90m, 12h, 7d or 2w`);
  }
  const seconds = Number(amount) * (UNIT_SECONDS[match[2] || "s"] ?? 1);
  if (seconds <= 0) {
    fail("--ttl must be more than zero");
  }
  return seconds;
}

/**
 * The COS URL lifetime in one spelling per value (`600`, never `0600`), so one lifetime always gives one link.
 * Above the function's own ceiling every click would be refused.
 */
function expiresSeconds(raw: string): string {
  if (!/^[1-9]\d{0,11}$/.test(raw) || Number(raw) > EXPIRES_CEILING) {
    fail(`--expires must be a whole number of seconds from 1 to ${EXPIRES_CEILING} (the COS URL's lifetime)`);
  }
  return raw;
}

function main(): void {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [key, ...extra] = positionals;
  if (key === undefined || key === "" || extra.length > 0) {
    fail("give exactly one object key");
  }

  // The same rules the function applies to its own LINK_SECRET, so a link this prints is one it accepts.
  const { settings, problems } = parseAuthSettings({ AUTH_MODE: "link", LINK_SECRET: process.env.LINK_SECRET });
  const secret = settings?.link?.secrets[0];
  if (secret === undefined) {
    fail(process.env.LINK_SECRET ? problems.join("; ") : "LINK_SECRET is not set in the environment");
  }

  let exp: number;
  if (values.exp !== undefined) {
    if (values.ttl !== undefined) {
      fail("give --ttl or --exp, not both");
    }
    if (!EXP_PATTERN.test(values.exp)) {
      fail("--exp must be Unix seconds");
    }
    exp = Number(values.exp);
  } else if (values.ttl !== undefined) {
    exp = Math.floor(Date.now() / 1000) + ttlSeconds(values.ttl);
  } else {
    fail("say how long the link lives: --ttl 7d, or --exp <unix-seconds>");
  }

  const options: LinkOptions = {};
  if (values.filename !== undefined) options.filename = values.filename;
  if (values.disposition !== undefined) options.disposition = values.disposition;
  if (values["version-id"] !== undefined) options.versionId = values["version-id"];
  if (values["traffic-limit"] !== undefined) options.trafficLimit = values["traffic-limit"];
  if (values.expires !== undefined) options.expires = expiresSeconds(values.expires);
  // The function's own key and option rules, then signLink's own checks: a link it would refuse is not printed.
  let pathAndQuery: string;
  try {
    validateKey(key);
    parseOptions(options);
    pathAndQuery = `${linkPath(key)}?${linkQuery(secret, key, exp, options)}`;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const base = values["base-url"]?.replace(/\/+$/, "");
  process.stdout.write(`${base === undefined ? "" : base}${pathAndQuery}\n`);
  process.stderr.write(`sign-link: valid until ${new Date(exp * 1000).toISOString()} (exp=${exp})\n`);
  if (options.expires !== undefined) {
    process.stderr.write(
      `sign-link: each use gets a COS URL valid for ${options.expires} s, or less if URL_MAX_EXPIRES_SECONDS is lower\n`,
    );
  }
}

function parse() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      ttl: { type: "string" },
      exp: { type: "string" },
      filename: { type: "string" },
      disposition: { type: "string" },
      "version-id": { type: "string" },
      "traffic-limit": { type: "string" },
      expires: { type: "string" },
      "base-url": { type: "string" },
    },
  });
}

main();
