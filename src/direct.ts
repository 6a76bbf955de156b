import type { ContextProvider } from "./context";
import { asPresignError, type ErrorBody, errorBody, invalidParameter, PresignError } from "./errors";
import { type Invoke, type Invoked, requestIdFrom, type ScfContext } from "./invocation";
import { parseOptions, type RawOptions } from "./options";
import { refuseUnknownFields } from "./parameters";
import { type PresignOutcome, type PresignResult, presign } from "./presign";

/**
 * The direct-invocation adapter: another cloud function calls InvokeFunction with a JSON event. The caller's CAM
 * permission to invoke is its authentication; ALLOWED_PREFIXES still limits what gets signed.
 */
const MAX_BATCH_KEYS = 100;
/** Parallel STS calls per batch: fast enough, and far from STS's 600 requests/s. */
const BATCH_CONCURRENCY = 8;
/** Async invocation events are limited to 128 KB; a larger string event is a mistake. */
const MAX_EVENT_CHARS = 128 * 1024;

type ItemAnswer = PresignResult | { readonly key?: string; readonly error: ErrorBody["error"] };
type DirectAnswer = PresignResult | ErrorBody | { readonly results: readonly ItemAnswer[]; readonly requestId: string };

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

async function presignOne(item: unknown, getContext: ContextProvider): Promise<PresignOutcome> {
  const fields = typeof item === "string" ? { key: item } : item;
  if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
    throw invalidParameter('each entry of "keys" must be a key string or an object with "key"');
  }
  return presign(singleRequest(fields as Record<string, unknown>), getContext());
}

async function batch(
  items: unknown,
  getContext: ContextProvider,
): Promise<{ answers: ItemAnswer[]; itemError?: PresignError }> {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_KEYS) {
    throw invalidParameter(`"keys" must be an array of 1 to ${MAX_BATCH_KEYS} keys`);
  }
  getContext(); // a bad configuration fails the whole batch once, not a hundred times
  const answers: ItemAnswer[] = new Array(items.length);
  let itemError: PresignError | undefined;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const item: unknown = items[index];
      try {
        answers[index] = (await presignOne(item, getContext)).result;
      } catch (thrown) {
        const failure = asPresignError(thrown);
        if (failure.code === "InternalError") itemError ??= failure;
        const { error } = errorBody(failure, "");
        const key = typeof item === "string" ? item : (item as { key?: unknown } | null)?.key;
        answers[index] = typeof key === "string" ? { key, error } : { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
  return itemError === undefined ? { answers } : { answers, itemError };
}

/** The answer and, for the log line, what happened; a failure is an answer too (with its error in the outcome). */
async function handleDirect(
  event: unknown,
  getContext: ContextProvider,
  requestId: string,
): Promise<Invoked<DirectAnswer>> {
  let trigger: "direct" | "batch" = "direct";
  let key: string | undefined;
  try {
    const fields = eventObject(event);
    if ("keys" in fields) {
      trigger = "batch";
      if (Object.keys(fields).length > 1) throw invalidParameter('a batch event has only "keys"');
      const { answers: results, itemError } = await batch(fields.keys, getContext);
      const succeeded = results.filter((answer) => !("error" in answer)).length;
      return {
        answer: { results, requestId },
        outcome: {
          trigger,
          status: 200,
          keys: results.length,
          succeeded,
          ...(itemError === undefined ? {} : { itemError }),
        },
      };
    }
    if (typeof fields.key === "string") key = fields.key;
    const presigned = await presignOne(fields, getContext);
    return { answer: presigned.result, outcome: { trigger, status: 200, key: presigned.result.key, presigned } };
  } catch (thrown) {
    const error = asPresignError(thrown);
    return {
      answer: errorBody(error, requestId),
      outcome: { trigger, status: error.status, error, ...(key === undefined ? {} : { key }) },
    };
  }
}

export function handleDirectEvent(
  event: unknown,
  context: ScfContext | undefined,
  getContext: ContextProvider,
  invoke: Invoke,
): Promise<DirectAnswer> {
  const requestId = requestIdFrom(context?.request_id);
  // handleDirect answers every failure itself; `fail` only guards a bug in it.
  return invoke(
    requestId,
    "direct",
    () => handleDirect(event, getContext, requestId),
    (error) => errorBody(error, requestId),
  );
}
