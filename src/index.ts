/**
 * The event function's SCF entry (`index.main_handler`): Function URL events go to the SCF HTTP-event adapter,
 * `{"key": …}` and `{"keys": […]}` to the direct-invocation adapter. Only definitions run at load time:
 * configuration, the STS client and the credential cache are created on the first invocation and kept while the
 * instance is warm.
 */
import { lazyContext } from "./context";
import { handleDirectEvent, isDirectEvent } from "./direct";
import { errorBody, PresignError } from "./errors";
import { handleScfHttpEvent, isHttpEvent } from "./http/scf";
import { createInvoker, type FunctionOptions, requestIdFrom, type ScfContext } from "./invocation";

export type Handler = (event: unknown, context?: ScfContext) => Promise<unknown>;

export function createHandler(options: FunctionOptions = {}): Handler {
  const getContext = lazyContext(options);
  const invoke = createInvoker(options);
  return async function main_handler(event, context) {
    if (isHttpEvent(event)) return handleScfHttpEvent(event, context, getContext, invoke);
    if (isDirectEvent(event)) return handleDirectEvent(event, context, getContext, invoke);
    const requestId = requestIdFrom(context?.request_id);
    return invoke(
      requestId,
      "unknown",
      async () => {
        throw new PresignError(
          "InvalidParameter",
          'unknown event: expected an HTTP trigger event, {"key": "..."} or {"keys": [...]}',
        );
      },
      (error) => errorBody(error, requestId),
    );
  };
}

export const main_handler = createHandler();
