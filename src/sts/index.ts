/**
 * The credential source: a temporary key that can read exactly one object, from the warm-instance cache when one
 * there still covers the request, else from STS (one call per object even under concurrent requests).
 */

import { type CosAction, encodePolicy, oneObjectPolicy } from "../cos/policy";
import type { TemporaryCredential } from "../credential";
import type { Env } from "../env";
import { PresignError } from "../errors";
import { SingleFlightLruCache } from "./cache";
import { createStsCaller } from "./client";
import { CREDENTIAL_MARGIN_SECONDS, type StsSettings } from "./settings";

export type { StsSettings } from "./settings";
export { parseStsSettings } from "./settings";

export interface CredentialRequest {
  bucket: string;
  region: string;
  key: string;
  actions: readonly CosAction[];
  /** the credential must stay valid until at least this Unix second */
  validUntil: number;
}

export interface CredentialResult {
  credential: TemporaryCredential;
  cacheHit: boolean;
  /** STS RequestId when this request caused (or shared) an STS call */
  stsRequestId?: string;
}

export interface CredentialSource {
  get(request: CredentialRequest): Promise<CredentialResult>;
}

export interface CredentialSourceOptions {
  /** Wall clock, ms. */
  now?: () => number;
  /** Default: the settings' cacheEntries (STS_CACHE_ENTRIES). */
  maxEntries?: number;
  /** Where the execution role's keys are read from at each STS call; default process.env. */
  env?: Env;
  /** Backoff jitter, [0, 1). */
  random?: () => number;
}

/** Fixed order, no duplicates: the same set of actions must give the same cache key and the same policy. */
const ACTION_ORDER: readonly CosAction[] = ["GetObject", "HeadObject"];

function normalizeActions(actions: readonly CosAction[]): CosAction[] {
  for (const action of actions) {
    if (!ACTION_ORDER.includes(action)) {
      throw new PresignError("InternalError", `unsupported COS action ${JSON.stringify(action)}`);
    }
  }
  const normalized = ACTION_ORDER.filter((action) => actions.includes(action));
  if (normalized.length === 0) throw new PresignError("InternalError", "a credential needs at least one COS action");
  return normalized;
}

export function createCredentialSource(settings: StsSettings, options: CredentialSourceOptions = {}): CredentialSource {
  const now = options.now ?? Date.now;
  const cache = new SingleFlightLruCache<TemporaryCredential>({
    maxEntries: options.maxEntries ?? settings.cacheEntries,
    now: () => Math.floor(now() / 1000),
  });
  // Built lazily inside: creating a source loads nothing.
  const sts = createStsCaller(settings, {
    env: options.env ?? process.env,
    now,
    random: options.random ?? Math.random,
  });

  return {
    async get(request) {
      if (!Number.isFinite(request.validUntil)) {
        throw new PresignError("InternalError", "validUntil must be a Unix time in seconds");
      }
      const actions = normalizeActions(request.actions);
      const ref = { bucket: request.bucket, region: request.region, key: request.key };
      const cacheKey = JSON.stringify([ref.region, ref.bucket, ref.key, actions]);

      // A URL asked to outlive what any fresh credential gives is clamped by the caller to credential.expiresAt.
      // For those, a cached credential no more than one margin older than a fresh one is as good, and without this
      // every such request would go to STS.
      const nowSeconds = Math.floor(now() / 1000);
      const requiredUntil = Math.min(
        request.validUntil + CREDENTIAL_MARGIN_SECONDS,
        nowSeconds + settings.durationSeconds - CREDENTIAL_MARGIN_SECONDS,
      );

      // The policy is built only when STS is called: a cache hit, the warm path, needs none.
      const found = await cache.get(cacheKey, requiredUntil, async () => {
        const credential = await sts.issue(encodePolicy(oneObjectPolicy(ref, actions)));
        return { value: credential, expiresAt: credential.expiresAt };
      });
      if (found.source === "hit") return { credential: found.value, cacheHit: true };
      return { credential: found.value, cacheHit: false, stsRequestId: found.value.requestId };
    },
  };
}
