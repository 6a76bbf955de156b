/**
 * A fake Tencent STS on a real loopback socket, for tests, the local dev server and the COS emulator. The official
 * SDK talks to it unmodified (endpoint "127.0.0.1:PORT", protocol "http://"); it checks every request's
 * TC3-HMAC-SHA256 signature and session token against its configured keys, answers in Tencent's envelope (errors
 * with HTTP 200, as Tencent does), records its calls (the newest 10,000), mints unique credentials, and can be told to misbehave.
 *
 * It is a development tool (npm start, npm run invoke, bench, tests), never part of the function.
 *
 * The signature is recomputed here from Tencent's published algorithm with node:crypto, not with the SDK's signer,
 * so a bug in one is not mirrored by the other.
 */

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { createTokenBucket } from "./token-bucket";

export interface FakeStsOptions {
  keys: Array<{ secretId: string; secretKey: string; token?: string }>;
  /**
   * Lifetime of every credential minted: a fixed number of seconds whatever DurationSeconds asked (that is
   * recorded), default 1800; or "asRequested", as real STS does (DurationSeconds, else the action's documented
   * default: 7200 for AssumeRole, 1800 for GetFederationToken).
   */
  lifetimeSeconds?: number | "asRequested";
  /** Clock for ExpiredTime, ms. The request-timestamp check always uses the real clock, as the SDK signs with it. */
  now?: () => number;
  /** Told every secret the fake holds or mints (caller keys, temporary keys, tokens): the tests' hygiene check
   * registers them, so a leak of any of them into the function's output fails the suite. */
  onSecret?: (...values: ReadonlyArray<string | undefined>) => void;
  /** STS's rate limit: past it a call is answered RequestLimitExceeded (see token-bucket.ts). Default: none.
   * `now` (ms) defaults to the real clock, not to `now` above, which tests move by hours. */
  rateLimit?: { ratePerSecond: number; burst?: number; now?: () => number };
}

export interface IssuedCredential {
  readonly tmpSecretId: string;
  readonly tmpSecretKey: string;
  readonly token: string;
  readonly expiredTime: number;
  readonly policy: unknown /* decoded JSON */;
  readonly action: string;
}

export interface RecordedCall {
  action: string;
  policy: unknown /* decoded */;
  rawPolicy: string;
  durationSeconds?: number;
  roleArn?: string;
  roleSessionName?: string;
  name?: string;
  token?: string;
  secretId: string;
  region: string;
  /** What the fake did with it: minted a credential, rejected it (with which code), or played a fault. */
  outcome: "issued" | `rejected:${string}` | `fault:${FaultKind}`;
}

/**
 * throttle: RequestLimitExceeded · internal: InternalError · unavailable: ServiceUnavailable · http500: HTTP 500 · hang: never answers ·
 * reset: destroys the connection · malformed: 200 with Credentials missing fields · notJson: 200 with an HTML body ·
 * expired: a credential whose ExpiredTime is already past · authFailure: AuthFailure.SecretIdNotFound
 */
export type FaultKind =
  | "throttle"
  | "internal"
  | "unavailable"
  | "http500"
  | "hang"
  | "reset"
  | "malformed"
  | "notJson"
  | "expired"
  | "authFailure";

export interface FakeSts {
  readonly endpoint: string /* "127.0.0.1:PORT" */;
  readonly url: string /* "http://127.0.0.1:PORT" */;
  /** The requests that reached the fake, in order, rejected and faulted ones included: the newest MAX_CALLS. */
  readonly calls: RecordedCall[];
  /** The next `times` requests (default 1) get this fault, after those already queued. */
  fail(kind: FaultKind, times?: number): void;
  setLifetime(seconds: number | "asRequested"): void;
  /** Delay every answer by this many ms (default 0). */
  setDelay(ms: number): void;
  lookupToken(token: string): IssuedCredential | undefined;
  /** Clears calls, queued faults, delay and lifetime. Credentials already issued stay valid, as with real STS. */
  reset(): void;
  close(): Promise<void>;
}

const VERSION = "2018-08-13";
/** Calls kept in `calls`, so a long-running dev server stays small; far more than any test makes. */
const MAX_CALLS = 10_000;
/** Credentials the fake remembers for lookupToken; far more than any test or dev session mints. */
const MAX_ISSUED = 100_000;
const MAX_SKEW_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024;
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,128}$/;
const DURATION_MAX: Readonly<Record<string, number>> = { AssumeRole: 43200, GetFederationToken: 129600 };

class Rejection extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function utcDate(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

/** TC3-HMAC-SHA256 as Tencent documents it, for a POST to `/` signing content-type and host. */
function tc3Signature(input: {
  secretKey: string;
  service: string;
  hostname: string;
  contentType: string;
  body: Buffer | string;
  timestamp: number;
}): string {
  const date = utcDate(input.timestamp);
  const canonicalRequest = [
    "POST",
    "/",
    "",
    `content-type:${input.contentType}\nhost:${input.hostname}\n`,
    "content-type;host",
    sha256Hex(input.body),
  ].join("\n");
  const stringToSign = [
    "TC3-HMAC-SHA256",
    String(input.timestamp),
    `${date}/${input.service}/tc3_request`,
    sha256Hex(canonicalRequest),
  ].join("\n");
  const kDate = hmac(`TC3${input.secretKey}`, date);
  const kService = hmac(kDate, input.service);
  const kSigning = hmac(kService, "tc3_request");
  return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Rejection("RequestSizeLimitExceeded", "request body too large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  const now = options.now ?? Date.now;
  const keys = new Map(options.keys.map((key) => [key.secretId, key]));
  const onSecret = options.onSecret ?? (() => {});
  const limit = options.rateLimit;
  const bucket =
    limit === undefined
      ? undefined
      : createTokenBucket({ ratePerSecond: limit.ratePerSecond, burst: limit.burst, now: limit.now ?? Date.now });
  onSecret(...options.keys.flatMap((key) => [key.secretKey, key.token]));
  const initialLifetime = options.lifetimeSeconds ?? 1800;
  let lifetimeSeconds = initialLifetime;
  let delayMs = 0;
  const faults: FaultKind[] = [];
  const calls: RecordedCall[] = [];
  const issued = new Map<string, IssuedCredential>();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const later = (fn: () => void): void => {
    if (delayMs <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, delayMs);
    timers.add(timer);
  };

  /** Every answer goes out through here, after the configured delay, unless the client has gone meanwhile. */
  const send = (response: ServerResponse, status: number, contentType: string, text: string): void => {
    later(() => {
      if (response.destroyed || response.writableEnded) return;
      response.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
      response.end(text);
    });
  };

  const sendJson = (response: ServerResponse, status: number, body: unknown): void =>
    send(response, status, "application/json", JSON.stringify(body));

  const sendError = (response: ServerResponse, code: string, message: string): void => {
    sendJson(response, 200, { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
  };

  /** Checks the signature and token; returns the key's secretId. Throws Rejection with Tencent's codes. */
  const authenticate = (request: IncomingMessage, body: Buffer): string => {
    const authorization = header(request, "authorization") ?? "";
    const match = AUTHORIZATION.exec(authorization);
    if (match === null) throw new Rejection("AuthFailure.InvalidAuthorization", "Authorization header is malformed");
    const [, secretId = "", scopeDate, scopeService, signedHeaders, signature = ""] = match;
    if (signedHeaders !== "content-type;host") {
      throw new Rejection("AuthFailure.InvalidAuthorization", "SignedHeaders must be content-type;host");
    }
    const key = keys.get(secretId);
    if (key === undefined) throw new Rejection("AuthFailure.SecretIdNotFound", "The SecretId is not found");

    const host = header(request, "host") ?? "";
    // The SDK signs the host name without the port, and names the service after the endpoint's first label.
    const hostname = host.replace(/:\d+$/, "");
    const service = host.split(".")[0] ?? "";
    const timestampText = header(request, "x-tc-timestamp") ?? "";
    const timestamp = /^\d+$/.test(timestampText) ? Number(timestampText) : Number.NaN;
    if (!Number.isSafeInteger(timestamp)) throw new Rejection("AuthFailure.InvalidAuthorization", "bad X-TC-Timestamp");
    if (Math.abs(timestamp - Date.now() / 1000) > MAX_SKEW_SECONDS) {
      throw new Rejection("AuthFailure.SignatureExpire", "Signature expired: request timestamp is too far off");
    }
    if (scopeDate !== utcDate(timestamp) || scopeService !== service) {
      throw new Rejection("AuthFailure.SignatureFailure", "The credential scope does not match the request");
    }
    const expected = tc3Signature({
      secretKey: key.secretKey,
      service,
      hostname,
      contentType: header(request, "content-type") ?? "",
      body,
      timestamp,
    });
    if (!timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(signature, "hex"))) {
      throw new Rejection(
        "AuthFailure.SignatureFailure",
        "The provided credentials could not be validated. Please check your signature is correct.",
      );
    }
    const token = header(request, "x-tc-token");
    if ((key.token ?? "") !== (token ?? "")) {
      throw new Rejection("AuthFailure.TokenFailure", "The session token is missing, wrong or not expected");
    }
    return secretId;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const action = header(request, "x-tc-action") ?? "";
    const token = header(request, "x-tc-token");
    let params: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (typeof parsed === "object" && parsed !== null) params = parsed as Record<string, unknown>;
    } catch {
      // Judged below, after the call is recorded.
    }
    const rawPolicy = typeof params.Policy === "string" ? params.Policy : "";
    let policy: unknown;
    try {
      policy = JSON.parse(decodeURIComponent(rawPolicy));
    } catch {
      policy = undefined;
    }
    const claimedId = AUTHORIZATION.exec(header(request, "authorization") ?? "")?.[1] ?? "";
    const call: RecordedCall = {
      action,
      policy,
      rawPolicy,
      secretId: claimedId,
      region: header(request, "x-tc-region") ?? "",
      outcome: "issued",
    };
    if (typeof params.DurationSeconds === "number") call.durationSeconds = params.DurationSeconds;
    if (typeof params.RoleArn === "string") call.roleArn = params.RoleArn;
    if (typeof params.RoleSessionName === "string") call.roleSessionName = params.RoleSessionName;
    if (typeof params.Name === "string") call.name = params.Name;
    if (token !== undefined) call.token = token;
    calls.push(call);
    if (calls.length > MAX_CALLS) calls.splice(0, calls.length - MAX_CALLS);

    const fault = faults.shift();
    if (fault !== undefined) {
      call.outcome = `fault:${fault}`;
      playFault(fault, call, request, response);
      return;
    }

    try {
      if (bucket !== undefined && !bucket.tryTake()) {
        throw new Rejection("RequestLimitExceeded", "Your current request times exceeds the limit.");
      }
      if (request.method !== "POST" || (request.url ?? "/") !== "/") {
        throw new Rejection("UnsupportedProtocol", "only POST / is supported");
      }
      authenticate(request, body);
      const version = header(request, "x-tc-version");
      if (version !== VERSION) throw new Rejection("NoSuchVersion", `version must be ${VERSION}`);
      if (call.region === "") throw new Rejection("MissingParameter", "X-TC-Region is required");
      if (action !== "AssumeRole" && action !== "GetFederationToken") {
        throw new Rejection("InvalidAction", `action ${action} is not supported by the fake`);
      }
      if (!(header(request, "content-type") ?? "").startsWith("application/json")) {
        throw new Rejection("InvalidParameter", "Content-Type must be application/json");
      }
      validateParams(action, params, policy, token);
      const requested = typeof params.DurationSeconds === "number" ? params.DurationSeconds : undefined;
      const lifetime =
        lifetimeSeconds === "asRequested" ? (requested ?? (action === "AssumeRole" ? 7200 : 1800)) : lifetimeSeconds;
      const credential = mint(action, policy, Math.floor(now() / 1000) + lifetime);
      issued.set(credential.token, credential);
      // Bounded like `calls`: the oldest credential is forgotten first (its token then reads as unknown).
      if (issued.size > MAX_ISSUED) issued.delete(issued.keys().next().value as string);
      sendJson(response, 200, successBody(credential));
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      call.outcome = `rejected:${error.code}`;
      sendError(response, error.code, error.message);
    }
  };

  const validateParams = (action: string, params: Record<string, unknown>, policy: unknown, token?: string) => {
    if (action === "AssumeRole") {
      if (typeof params.RoleArn !== "string" || !params.RoleArn.startsWith("qcs::cam::uin/")) {
        throw new Rejection("InvalidParameter.RoleArn", "RoleArn is missing or malformed");
      }
      if (typeof params.RoleSessionName !== "string" || !ROLE_SESSION_NAME.test(params.RoleSessionName)) {
        throw new Rejection("InvalidParameter", "RoleSessionName must match [\\w+=,.@-]{2,128}");
      }
    } else {
      if (token !== undefined) {
        throw new Rejection("InvalidParameter.AccessKeyNotSupport", "GetFederationToken needs permanent keys");
      }
      if (typeof params.Name !== "string" || !/^[A-Za-z-]{2,32}$/.test(params.Name)) {
        throw new Rejection("InvalidParameter", "Name must be letters");
      }
      if (params.Policy === undefined) throw new Rejection("MissingParameter", "Policy is required");
    }
    if (params.Policy !== undefined) {
      if (typeof policy !== "object" || policy === null) {
        throw new Rejection("InvalidParameter.PolicyError", "Policy is not URL-encoded JSON");
      }
      if (JSON.stringify(policy).toLowerCase().includes('"principal"')) {
        throw new Rejection("InvalidParameter.PolicyError", "Policy must not contain principal");
      }
    }
    const duration = params.DurationSeconds;
    if (duration !== undefined) {
      if (typeof duration !== "number" || !Number.isSafeInteger(duration) || duration < 1) {
        throw new Rejection("InvalidParameter", "DurationSeconds must be a positive integer");
      }
      if (duration > (DURATION_MAX[action] ?? 0)) {
        throw new Rejection("InvalidParameter.OverTimeError", "DurationSeconds is too long");
      }
    }
  };

  const mint = (action: string, policy: unknown, expiredTime: number): IssuedCredential => {
    const credential = Object.freeze({
      tmpSecretId: `AKID${randomToken(24)}`,
      tmpSecretKey: randomToken(24),
      token: randomToken(96),
      expiredTime,
      policy,
      action,
    });
    onSecret(credential.tmpSecretKey, credential.token);
    return credential;
  };

  const successBody = (credential: IssuedCredential) => ({
    Response: {
      Credentials: {
        Token: credential.token,
        TmpSecretId: credential.tmpSecretId,
        TmpSecretKey: credential.tmpSecretKey,
      },
      ExpiredTime: credential.expiredTime,
      Expiration: new Date(credential.expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      RequestId: randomUUID(),
    },
  });

  const playFault = (
    fault: FaultKind,
    call: RecordedCall,
    request: IncomingMessage,
    response: ServerResponse,
  ): void => {
    switch (fault) {
      case "throttle":
        sendError(response, "RequestLimitExceeded", "Your current request times exceeds the limit.");
        return;
      case "internal":
        sendError(response, "InternalError", "An internal error occurred.");
        return;
      case "unavailable":
        sendError(response, "ServiceUnavailable", "Service is unavailable now.");
        return;
      case "authFailure":
        sendError(response, "AuthFailure.SecretIdNotFound", "The SecretId is not found");
        return;
      case "http500":
        send(response, 500, "text/plain", "Internal Server Error");
        return;
      case "hang":
        // Never answer; close() destroys the socket.
        return;
      case "reset":
        request.socket.destroy();
        return;
      case "notJson":
        send(response, 200, "text/html", "<html><body>gateway error</body></html>");
        return;
      case "malformed":
        sendJson(response, 200, {
          Response: { Credentials: { TmpSecretId: `AKID${randomToken(24)}` }, RequestId: randomUUID() },
        });
        return;
      case "expired": {
        const credential = mint(call.action, call.policy, Math.floor(now() / 1000) - 10);
        sendJson(response, 200, successBody(credential));
        return;
      }
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(500);
        response.end();
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake STS has no TCP address");
  const endpoint = `127.0.0.1:${address.port}`;

  return {
    endpoint,
    url: `http://${endpoint}`,
    calls,
    fail(kind, times = 1) {
      for (let i = 0; i < times; i++) faults.push(kind);
    },
    setLifetime(seconds) {
      lifetimeSeconds = seconds;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    lookupToken(token) {
      return issued.get(token);
    },
    reset() {
      calls.length = 0;
      faults.length = 0;
      delayMs = 0;
      lifetimeSeconds = initialLifetime;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Hanging and keep-alive connections would otherwise hold close() (and the process) open.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await stopped;
    },
  };
}
