import { invalidParameter, PresignError } from "./errors";
import { asPresignError, errorBody } from "./http/respond";
import { parseOptions, type RawOptions } from "./options";
import { refuseUnknownFields } from "./parameters";
import { type Deps, type PresignOutcome, type PresignResult, presign } from "./presign";

/**
 * Direct invocation: another cloud function calls InvokeFunction with a JSON event. The caller's CAM
 * permission to invoke is its authentication; ALLOWED_PREFIXES still limits what gets signed.
 */
const MAX_BATCH_KEYS = 100;
/** Parallel STS calls per batch: fast enough, and far from STS's 600 requests/s. */
const BATCH_CONCURRENCY = 8;
/** Async invocation events are limited to 128 KB; a larger string event is a mistake. */
const MAX_EVENT_CHARS = 128 * 1024;

type ErrorAnswer = ReturnType<typeof errorBody>;
type ItemAnswer = PresignResult | { readonly key?: string; readonly error: ErrorAnswer["error"] };

export interface DirectOutcome {
  readonly body: PresignResult | ErrorAnswer | { readonly results: readonly ItemAnswer[]; readonly requestId: string };
  readonly kind: "direct" | "batch";
  readonly key?: string;
  readonly keys?: number;
  readonly succeeded?: number;
  readonly presigned?: PresignOutcome;
  readonly error?: PresignError;
}

/** SCF hands over the parsed event; a caller that double-encoded it sends a string, which we accept once. */
function eventObject(event: unknown): Record<string, unknown> {
  let value = event;
  if (typeof value === "string") {
    if (value.length > MAX_EVENT_CHARS) throw invalidParameter("the event is too large");
    try {
      value = JSON.parse(value);
    } catch {
      throw invalidParameter("the event is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidParameter('the event must be a JSON object: {"key": "..."} or {"keys": [...]}');
  }
  return value as Record<string, unknown>;
}

export function isDirectEvent(event: unknown): boolean {
  if (typeof event === "string") return true;
  return typeof event === "object" && event !== null && ("key" in event || "keys" in event);
}

/** One key with its options; unknown fields are refused so a typo ("fileName") is not silently ignored. */
function singleRequest(item: Record<string, unknown>) {
  refuseUnknownFields(Object.keys(item));
  if (typeof item.key !== "string") throw new PresignError("InvalidKey", "key must be a string");
  return { key: item.key, ...parseOptions(item as RawOptions) };
}

async function presignOne(item: unknown, deps: Deps): Promise<PresignOutcome> {
  const fields = typeof item === "string" ? { key: item } : item;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    throw invalidParameter('each entry of "keys" must be a key string or an object with "key"');
  }
  const runtime = deps.runtime();
  return presign(singleRequest(fields as Record<string, unknown>), { ...runtime, now: deps.now });
}

async function batch(items: unknown, deps: Deps): Promise<ItemAnswer[]> {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_KEYS) {
    throw invalidParameter(`"keys" must be an array of 1 to ${MAX_BATCH_KEYS} keys`);
  }
  deps.runtime(); // a bad configuration fails the whole batch once, not a hundred times
  const answers: ItemAnswer[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const item: unknown = items[index];
      try {
        answers[index] = (await presignOne(item, deps)).result;
      } catch (thrown) {
        const { error } = errorBody(asPresignError(thrown), "");
        const key = typeof item === "string" ? item : (item as { key?: unknown } | null)?.key;
        answers[index] = typeof key === "string" ? { key, error } : { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
  return answers;
}

export async function handleDirect(event: unknown, deps: Deps, requestId: string): Promise<DirectOutcome> {
  let kind: DirectOutcome["kind"] = "direct";
  let key: string | undefined;
  try {
    const fields = eventObject(event);
    if ("keys" in fields) {
      kind = "batch";
      if (Object.keys(fields).length > 1) throw invalidParameter('a batch event has only "keys"');
      const results = await batch(fields.keys, deps);
      const succeeded = results.filter((answer) => !("error" in answer)).length;
      return { kind, body: { results, requestId }, keys: results.length, succeeded };
    }
    if (typeof fields.key === "string") key = fields.key;
    const presigned = await presignOne(fields, deps);
    return { kind, body: presigned.result, key: presigned.result.key, presigned };
  } catch (thrown) {
    const error = asPresignError(thrown);
    return { kind, body: errorBody(error, requestId), error, ...(key === undefined ? {} : { key }) };
  }
}
