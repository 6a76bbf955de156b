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

/** The status of a HEAD on a pre-signed URL, and COS's request id for the log. */
function head(url: URL, timeoutMs: number): Promise<{ status: number; cosRequestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const controller = new AbortController();
    // Cleared as soon as COS answers, so a late abort can never hit a finished exchange.
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const options = {
      method: "HEAD",
      signal: controller.signal,
      agent: agentFor(secure),
    };
    const onResponse = (response: IncomingMessage): void => {
      clearTimeout(timer);
      response.resume();
      const id = response.headers["x-cos-request-id"];
      resolve({ status: response.statusCode ?? 0, cosRequestId: typeof id === "string" ? id : undefined });
    };
    const request = secure ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(controller.signal.aborted ? new TimeoutError() : error);
    });
    request.end();
  });
}

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
}

function detailOf(status: number | undefined, cosRequestId: string | undefined): Record<string, string> {
  return {
    ...(status === undefined ? {} : { cosStatus: String(status) }),
    ...(cosRequestId === undefined ? {} : { cosRequestId }),
  };
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
  const { status, cosRequestId } = answer;
  if (status >= 200 && status < 300) return;
  if (status === 404) {
    throw new PresignError("NoSuchKey", "no object with this key (and version) exists", {
      detail: detailOf(status, cosRequestId),
    });
  }
  if (status >= 500 || status === 429) {
    throw new PresignError("StorageServiceUnavailable", `COS answered ${status} to the existence check; try again`, {
      retryAfterSeconds: 1,
      detail: detailOf(status, cosRequestId),
    });
  }
  throw new PresignError(
    "StorageServiceError",
    status === 403
      ? "COS refused the existence check (403): the function's role must allow cos:HeadObject on this bucket"
      : `COS answered ${status} to the existence check`,
    { detail: detailOf(status, cosRequestId) },
  );
}
