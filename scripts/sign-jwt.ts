/**
 * `npm run -s sign-jwt -- --sub alice --prefixes public/ --ttl 1h` prints an HS256 token that a function with
 * AUTH_MODE=jwt and the same JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE accepts: for trying `jwt` locally, and for
 * scripts where a shared secret is the identity provider. Everything comes from the environment, as the function
 * reads it; only the token goes to stdout.
 */
import { SignJWT } from "jose";
import { parseAuthSettings } from "../src/auth/settings";
import { type Env, list } from "../src/env";
import { type ClockIo, Refusal, refused, runAsMain, ttlOption } from "./cli";

const SHORT_USAGE = "usage: npm run -s sign-jwt -- --ttl <n>[s|m|h|d|w] [--sub S] [--prefixes P,...]; --help for more";

const HELP = `usage: npm run -s sign-jwt -- --ttl <n>[s|m|h|d|w] [--sub <subject>] [--prefixes <p1,p2>]

Prints an HS256 token for AUTH_MODE=jwt, signed with JWT_SECRET, with iss JWT_ISSUER and aud JWT_AUDIENCE,
all read from the environment as the function reads them. Only the token goes to stdout:
  TOKEN=$(npm run -s sign-jwt -- --sub alice --prefixes public/ --ttl 1h)

  --ttl <n>[s|m|h|d|w]   how long the token lives (its exp): 900, 15m, 1h, 7d
  --sub <subject>        the sub claim (not logged by the function)
  --prefixes <list>      comma-separated cos_prefixes claim: the keys this token may fetch, on top of
                         ALLOWED_PREFIXES ("*" = any); without it the token adds no limit
  -h, --help             this text
`;

interface Request {
  readonly ttlSeconds: number;
  readonly subject?: string;
  readonly prefixes?: readonly string[];
}

function parse(argv: readonly string[]): Request | "help" {
  const request: { ttlSeconds?: number; subject?: string; prefixes?: string[] } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "-h" || arg === "--help") return "help";
    // --flag value, or --flag=value; a value that looks like the next option means this one was left empty.
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    if (!["--ttl", "--sub", "--prefixes"].includes(flag)) throw new Refusal(`unknown option ${JSON.stringify(flag)}`);
    const value = equals === -1 ? argv[++i] : arg.slice(equals + 1);
    if (value === undefined || value.startsWith("--")) throw new Refusal(`${flag} needs a value`);
    if (flag === "--ttl") {
      request.ttlSeconds = ttlOption(value);
    } else if (flag === "--sub") {
      if (value.trim() === "") throw new Refusal("--sub is empty");
      request.subject = value;
    } else {
      // The function's rule for ALLOWED_PREFIXES' list: comma-separated, trimmed, blanks dropped.
      const prefixes = list(value);
      if (prefixes.length === 0)
        throw new Refusal("--prefixes names no prefix (to allow nothing, do not mint a token)");
      request.prefixes = prefixes;
    }
  }
  if (request.ttlSeconds === undefined) throw new Refusal("say how long the token lives: --ttl 1h");
  return {
    ttlSeconds: request.ttlSeconds,
    ...(request.subject === undefined ? {} : { subject: request.subject }),
    ...(request.prefixes === undefined ? {} : { prefixes: request.prefixes }),
  };
}

/** The secret, issuer and audience as the function itself parses them (32-byte secret, both claims set). */
function jwtSettings(env: Env) {
  const { settings, problems } = parseAuthSettings({
    AUTH_MODE: "jwt",
    JWT_SECRET: env.JWT_SECRET,
    JWT_JWKS_URL: env.JWT_JWKS_URL,
    JWT_ISSUER: env.JWT_ISSUER,
    JWT_AUDIENCE: env.JWT_AUDIENCE,
  });
  const jwt = settings?.mode === "jwt" ? settings.jwt : undefined;
  if (jwt?.verifier !== "secret") {
    throw new Refusal(problems.join("; ") || "JWT_SECRET must be set: a JWKS key set cannot be minted with", false);
  }
  return jwt;
}

async function mint(argv: readonly string[], env: Env, io: ClockIo): Promise<number> {
  const request = parse(argv);
  if (request === "help") {
    io.stdout(HELP);
    return 0;
  }
  const { secret, issuer, audience } = jwtSettings(env);
  const now = Math.floor((io.now ?? Date.now)() / 1000);
  const exp = now + request.ttlSeconds;
  let token = new SignJWT(request.prefixes === undefined ? {} : { cos_prefixes: [...request.prefixes] })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(exp);
  if (request.subject !== undefined) token = token.setSubject(request.subject);
  // The function verifies with the secret's UTF-8 bytes; the same bytes sign here.
  io.stdout(`${await token.sign(new TextEncoder().encode(secret))}\n`);
  const scope = request.prefixes === undefined ? "any key ALLOWED_PREFIXES allows" : request.prefixes.join(", ");
  io.stderr(`sign-jwt: valid until ${new Date(exp * 1000).toISOString()} for ${scope}\n`);
  return 0;
}

/** 0 with the token on stdout, or 2 with the problem on stderr. */
export async function run(argv: readonly string[], env: Env, io: ClockIo): Promise<number> {
  try {
    return await mint(argv, env, io);
  } catch (error) {
    return refused("sign-jwt", SHORT_USAGE, error, io);
  }
}

if (require.main === module) runAsMain("sign-jwt", run);
