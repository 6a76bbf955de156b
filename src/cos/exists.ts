import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { PresignError } from "../errors";

/**
 * How long the HEAD may take, connection included. Well inside the function's own timeout (10 s in
 * serverless.yml) even after a slow STS call: a caller is better served by a quick 503 than by a timeout.
 */
export const EXISTENCE_CHECK_TIMEOUT_MS = 2000;

// Kept alive across the requests of a warm instance: a HEAD on a reused connection skips the TLS handshake.
// Made on first use, so an instance that never checks pays nothing at cold start.
let httpsAgent: HttpsAgent | undefined;
let httpAgent: HttpAgent | undefined;

function agentFor(secure: boolean): HttpAgent {
  if (secure) {
    httpsAgent ??= new HttpsAgent({ keepAlive: true });
    return httpsAgent;
  }
  httpAgent ??= new HttpAgent({ keepAlive: true });
  return httpAgent;
}

interface HeadAnswer {
  readonly status: number;
  readonly cosRequestId: string | undefined;
}

/** One HEAD. `agent: false` asks for a connection of its own instead of one from the pool. */
function headOnce(url: URL, signal: AbortSignal, agent: HttpAgent | false): Promise<HeadAnswer> {
  return new Promise((resolve, reject) => {
    const options = { method: "HEAD", signal, agent };
    const onResponse = (response: IncomingMessage): void => {
      response.resume();
      const id = response.headers["x-cos-request-id"];
      resolve({ status: response.statusCode ?? 0, cosRequestId: typeof id === "string" ? id : undefined });
    };
    const request =
      url.protocol === "https:" ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    request.on("error", (error: NodeJS.ErrnoException) => {
      reject(request.reusedSocket && error.code === "ECONNRESET" ? new StaleConnectionError() : error);
    });
    request.end();
  });
}

/**
 * The status of a HEAD on a pre-signed URL, and COS's request id for the log, within `timeoutMs` in all.
 * A kept-alive connection can die while SCF has the instance frozen, and the first request on it after the
 * thaw fails with ECONNRESET. HEAD is idempotent, so that one case is retried once on a new connection (the
 * retry Node's http documentation gives for `request.reusedSocket`); any other pooled socket may be as stale.
 */
async function head(url: URL, timeoutMs: number): Promise<HeadAnswer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    try {
      return await headOnce(url, controller.signal, agentFor(url.protocol === "https:"));
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return await headOnce(url, controller.signal, false);
    }
  } catch (error) {
    throw controller.signal.aborted ? new TimeoutError() : error;
  } finally {
    // Cleared once the exchange is settled, so a late abort can never hit a finished one.
    clearTimeout(timer);
  }
}

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

class StaleConnectionError extends Error {
  override readonly name = "StaleConnectionError";
}

function detailOf({ status, cosRequestId }: HeadAnswer): Record<string, string> {
  return cosRequestId === undefined ? { cosStatus: String(status) } : { cosStatus: String(status), cosRequestId };
}

/**
 * Asks COS whether the object behind a pre-signed HEAD URL exists; resolves if it does.
 * Throws PresignError:
 * - `NoSuchKey` (404) when COS answers 404;
 * - `StorageServiceUnavailable` (503, Retry-After) on a 5xx, a 429, a timeout or a network error;
 * - `StorageServiceError` (502) on anything else, typically 403 when the role may not `cos:HeadObject`.
 * Messages and details never carry the URL: it holds a signature and a session token.
 */
export async function checkObjectExists(url: string, timeoutMs = EXISTENCE_CHECK_TIMEOUT_MS): Promise<void> {
  let answer: Awaited<ReturnType<typeof head>>;
  try {
    answer = await head(new URL(url), timeoutMs);
  } catch (cause) {
    const timedOut = cause instanceof TimeoutError;
    throw new PresignError(
      "StorageServiceUnavailable",
      timedOut ? "COS did not answer the existence check in time; try again" : "COS could not be reached; try again",
      { retryAfterSeconds: 1, detail: { check: timedOut ? "timeout" : "network" }, cause },
    );
  }
  const { status } = answer;
  if (status >= 200 && status < 300) return;
  if (status === 404) {
    throw new PresignError("NoSuchKey", "no object with this key (and version) exists", {
      detail: detailOf(answer),
    });
  }
  if (status >= 500 || status === 429) {
    throw new PresignError("StorageServiceUnavailable", `COS answered ${status} to the existence check; try again`, {
      retryAfterSeconds: 1,
      detail: detailOf(answer),
    });
  }
  throw new PresignError(
    "StorageServiceError",
    status === 403
      ? "COS refused the existence check (403): the function's role must allow cos:HeadObject on this bucket"
      : `COS answered ${status} to the existence check`,
    { detail: detailOf(answer) },
  );
}
