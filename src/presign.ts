import { keyAllowedByPrefixes } from "./auth/prefixes";
import type { PresignContext } from "./context";
import { contentDisposition } from "./cos/content-disposition";
import type { CosAction } from "./cos/policy";
import { presignUrl } from "./cos/url";
import { PresignError } from "./errors";
import { validateKey } from "./key";
import type { DownloadOptions } from "./options";
import { isoTimestamp } from "./time";

export interface PresignRequest extends DownloadOptions {
  readonly key: string;
}

/** The JSON answer: what a caller needs to use the URL and know when it dies. */
export interface PresignResult {
  readonly url: string;
  readonly key: string;
  readonly bucket: string;
  readonly region: string;
  /** ISO 8601 */
  readonly expiresAt: string;
  /** Seconds from now. */
  readonly expiresIn: number;
  readonly versionId?: string;
}

export interface PresignOutcome {
  readonly result: PresignResult;
  readonly cacheHit: boolean;
  readonly stsRequestId?: string;
}

/**
 * The URL's validity starts this much in the past, so a COS clock slightly behind ours still accepts it.
 * The end is what matters for security, and it never moves.
 */
const CLOCK_SKEW_SECONDS = 60;

const GET_ONLY: readonly CosAction[] = ["GetObject"];
const GET_AND_HEAD: readonly CosAction[] = ["GetObject", "HeadObject"];

/** The COS query parameters that shape the download, all of which get signed. */
function responseParameters(request: PresignRequest): Record<string, string> {
  const query: Record<string, string> = {};
  if (request.filename !== undefined || request.disposition !== undefined) {
    // Without a filename, contentDisposition gives the bare type.
    query["response-content-disposition"] = contentDisposition(
      request.filename ?? "",
      request.disposition ?? "attachment",
    );
  }
  if (request.versionId !== undefined) query.versionId = request.versionId;
  if (request.trafficLimit !== undefined) query["x-cos-traffic-limit"] = String(request.trafficLimit);
  return query;
}

/**
 * The use case: checks the key and ALLOWED_PREFIXES (the last gate before a credential is minted; what a
 * caller's own identity allows was settled by `authorize`), gets a
 * temporary key that can read exactly this object, and signs a URL that dies no later than that key.
 * With COS_CHECK_EXISTS, first asks COS (HEAD, with that same key) whether the object exists.
 */
export async function presign(request: PresignRequest, context: PresignContext): Promise<PresignOutcome> {
  const { config, credentials } = context;
  const { key } = request;
  validateKey(key);
  if (!keyAllowedByPrefixes(key, config.allowedPrefixes)) {
    throw new PresignError("AccessDenied", "this key is outside the prefixes this function may sign for");
  }

  const lifetime = Math.min(request.expiresSeconds ?? config.urlExpiresSeconds, config.urlMaxExpiresSeconds);
  const { credential, cacheHit, stsRequestId } = await credentials.get({
    bucket: config.bucket,
    region: config.region,
    key,
    actions: config.checkExists ? GET_AND_HEAD : GET_ONLY,
    validUntil: Math.floor(context.now() / 1000) + lifetime,
  });
  // The clock is read again after STS answered, so expiresIn counts from the answer, not from the request.
  const now = Math.floor(context.now() / 1000);
  // A URL signed with a temporary key dies with it: never promise more than the key has left.
  const end = Math.min(now + lifetime, credential.expiresAt);
  if (end <= now) {
    throw new PresignError("CredentialServiceError", "the credential service returned an already expired key");
  }
  const target = {
    bucket: config.bucket,
    region: config.region,
    key,
    endpoint: config.endpoint,
    credential,
    keyTime: { start: now - CLOCK_SKEW_SECONDS, end },
  };
  if (config.checkExists) {
    // With the same one-object key: the check proves the link will find its object, and nothing more.
    const version = request.versionId === undefined ? {} : { versionId: request.versionId };
    // Loaded here, not at the top: it pulls in node:http and node:https, which a cold start without the
    // check never needs.
    const { checkObjectExists } = await import("./cos/exists");
    await checkObjectExists(presignUrl({ ...target, method: "head", query: version }));
  }
  const url = presignUrl({ ...target, query: responseParameters(request) });
  const result: PresignResult = {
    url,
    key,
    bucket: config.bucket,
    region: config.region,
    expiresAt: isoTimestamp(end),
    expiresIn: end - now,
    ...(request.versionId === undefined ? {} : { versionId: request.versionId }),
  };
  return { result, cacheHit, ...(stsRequestId === undefined ? {} : { stsRequestId }) };
}
