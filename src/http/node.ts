import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Handler } from "../app";

/**
 * Serves an SCF handler over node:http by turning each request into the Function URL event SCF would
 * send. `npm start` runs the function this way, and the same adapter can run it as an SCF web function
 * (an HTTP server on port 9000 started by scf_bootstrap).
 */
export interface FunctionUrlEvent {
  readonly httpMethod: string;
  readonly path: string;
  readonly queryString: Record<string, string | string[]>;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** GET and HEAD carry no body; anything larger than this is not read, only drained. */
const MAX_BODY_BYTES = 64 * 1024;

function toFunctionUrlEvent(request: IncomingMessage, body: string): FunctionUrlEvent {
  const target = request.url ?? "/";
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const queryString: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(queryAt === -1 ? "" : target.slice(queryAt + 1))) {
    const seen = queryString[name];
    queryString[name] = seen === undefined ? value : [...(typeof seen === "string" ? [seen] : seen), value];
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  headers["x-scf-remote-addr"] = request.socket.remoteAddress ?? "";
  return { httpMethod: request.method ?? "GET", path: path || "/", queryString, headers, body };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", () => resolve(""));
  });
}

interface ScfLikeResponse {
  statusCode?: unknown;
  headers?: unknown;
  body?: unknown;
}

function send(response: ServerResponse, result: unknown): void {
  const answer = (typeof result === "object" && result !== null ? result : {}) as ScfLikeResponse;
  if (typeof answer.statusCode !== "number") {
    // SCF sends a return value without statusCode as a 200 JSON body.
    response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(result));
    return;
  }
  const headers = (typeof answer.headers === "object" && answer.headers !== null ? answer.headers : {}) as Record<
    string,
    string
  >;
  response.writeHead(answer.statusCode, headers);
  response.end(typeof answer.body === "string" ? answer.body : "");
}

export function createFunctionServer(handler: Handler): Server {
  return createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      send(response, await handler(toFunctionUrlEvent(request, body), {}));
    } catch {
      // The handler never throws; this guards the adapter's own bugs without leaking them.
      if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain" });
      response.end("internal error\n");
    }
  });
}
