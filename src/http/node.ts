import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type ContextProvider, lazyContext } from "../context";
import { createInvoker, type FunctionOptions, type Invoke, requestIdFrom } from "../invocation";
import { handleHttp } from "./contract";
import { errorResponse } from "./respond";
import type { HttpRequest, HttpResponse } from "./types";

/**
 * The node:http adapter: raw HTTP in, the HTTP contract, raw HTTP out. The web function (scf_bootstrap on port
 * 9000, SCF doc 583/56126) and `npm start` run the function this way; every request of the process shares one
 * context, so one warm credential cache.
 */

/** GET and HEAD carry no body: a body is drained, never read. */
function toHttpRequest(request: IncomingMessage): HttpRequest {
  const target = request.url ?? "/";
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1))) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(typeof seen === "string" ? [seen] : seen), value];
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: request.method ?? "GET", path: path || "/", query, headers };
}

function send(response: ServerResponse, answer: HttpResponse): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** One request: SCF web functions name it in `x-scf-request-id`; elsewhere it gets a fresh id. */
async function serve(
  incoming: IncomingMessage,
  response: ServerResponse,
  getContext: ContextProvider,
  invoke: Invoke,
): Promise<void> {
  incoming.resume();
  const request = toHttpRequest(incoming);
  const requestId = requestIdFrom(request.headers["x-scf-request-id"]);
  const answer = await invoke(
    requestId,
    "web",
    async () => {
      const outcome = await handleHttp(request, getContext, requestId);
      return {
        answer: outcome.response,
        outcome: {
          ...outcome,
          trigger: "web",
          method: request.method,
          path: request.path,
          status: outcome.response.status,
        },
      };
    },
    (error) => errorResponse(error, requestId),
  );
  send(response, answer);
}

/** One server, one context: every request shares the configuration and the warm credential cache. */
export function createHttpServer(options: FunctionOptions = {}): Server {
  const getContext = lazyContext(options);
  const invoke = createInvoker(options);
  return createServer((request, response) => {
    serve(request, response, getContext, invoke).catch(() => {
      // invoke answers every failure of the contract; this guards a broken socket or a bug in the lines above.
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error\n");
    });
  });
}
