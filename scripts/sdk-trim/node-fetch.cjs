// @ts-check
/**
 * Stands in for node-fetch 2: the one JSON POST the SDK makes, over node:http(s).
 *
 * @replaces node-fetch
 * @importer tencentcloud-sdk-nodejs-common/tencentcloud/common/http/fetch.js
 * @reviewed tencentcloud-sdk-nodejs-common@4.1.220
 * @reviewed node-fetch@2.7.0
 *
 * http/fetch.js → `fetch(url, { method, headers, body, timeout, agent, signal })` is the SDK's only use of
 * node-fetch: a small JSON POST whose answer abstract_client.js parseResponse reads through res.status,
 * res.statusText, res.headers.get(), res.json() and, for event streams only, res.body. node-fetch itself, with
 * whatwg-url and tr46's tables as its fallback URL class, is most of the SDK's weight, and its first run, piping the
 * answer through streams, costs a cold start time.
 *
 * Why it is safe: this does exactly that request, and fails the way node-fetch fails where the SDK or
 * src/sts/errors.ts can tell: FetchError of type "request-timeout", "system" or "invalid-json", and AbortError. As
 * in node-fetch, the timeout and the abort signal cover reading the body too. Left out, because the SDK never asks
 * for them on this path: redirects (STS answers 200, or an error), compressed answers (no Accept-Encoding is sent,
 * so none come back), stream and form bodies. test/bundle.test.ts runs the SDK through it against the fake STS.
 */
"use strict";

class FetchError extends Error {
  /**
   * @param {string} message
   * @param {string} type
   * @param {Error & { code?: string | undefined }} [systemError]
   */
  constructor(message, type, systemError) {
    super(message);
    this.name = "FetchError";
    this.type = type;
    // As in node-fetch, `code` and `errno` exist only on failures of the socket.
    if (systemError) Object.assign(this, { code: systemError.code, errno: systemError.code });
  }
}

class AbortError extends Error {
  constructor() {
    super("The user aborted a request.");
    this.name = "AbortError";
    this.type = "aborted";
  }
}

/**
 * @param {import("node:http").IncomingMessage} message
 * @returns {{ get(name: string): string | null }}
 */
function headerGetter(message) {
  return {
    get(name) {
      const value = message.headers[String(name).toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : String(value);
    },
  };
}

/**
 * The options http/fetch.js passes on.
 * @typedef {object} FetchOptions
 * @property {string} [method]
 * @property {Record<string, string | number | null | undefined>} [headers]
 * @property {string | null} [body]
 * @property {number} [timeout] milliseconds; 0 or absent for none
 * @property {import("node:http").Agent} [agent]
 * @property {AbortSignal} [signal]
 */

/**
 * The part of node-fetch's Response that parseResponse reads.
 * @typedef {object} FetchResponse
 * @property {string} url
 * @property {number | undefined} status
 * @property {string | undefined} statusText
 * @property {boolean} ok
 * @property {{ get(name: string): string | null }} headers
 * @property {import("node:http").IncomingMessage} body
 * @property {() => Promise<string>} text
 * @property {() => Promise<unknown>} json
 */

/**
 * @param {string} url
 * @param {FetchOptions} [options]
 * @returns {Promise<FetchResponse>}
 */
function fetch(url, options = {}) {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new AbortError());
  const target = new URL(url);
  const transport = target.protocol === "https:" ? require("node:https") : require("node:http");
  /** @type {Record<string, string>} */
  const headers = { Accept: "*/*" };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const body = options.body ?? null;
  if (body !== null) headers["Content-Length"] = String(Buffer.byteLength(body));

  const request = transport.request(target, { method: options.method ?? "GET", headers, agent: options.agent });
  // The first failure wins; it rejects whichever promise is pending (the response, or the body being read).
  /** @type {Error | undefined} */
  let failure;
  /** @type {(error: Error) => void} */
  let onFailure = () => {};
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  /** @param {Error} error */
  const fail = (error) => {
    if (failure) return;
    failure = error;
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
    request.destroy();
    onFailure(error);
  };
  const abort = () => fail(new AbortError());
  const settle = () => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  };
  signal?.addEventListener("abort", abort, { once: true });
  if (options.timeout !== undefined && options.timeout > 0) {
    timer = setTimeout(() => fail(new FetchError(`network timeout at: ${url}`, "request-timeout")), options.timeout);
    timer.unref(); // an answer whose body nobody reads must not keep the process alive
  }
  request.on("error", (error) =>
    fail(new FetchError(`request to ${url} failed, reason: ${error.message}`, "system", error)),
  );

  return new Promise((resolve, reject) => {
    onFailure = reject;
    request.on("response", (message) => {
      /** @type {Promise<string> | undefined} */
      let text;
      const read = () => {
        text ??= new Promise((done, broken) => {
          if (failure) return broken(failure);
          onFailure = broken;
          /** @type {Buffer[]} */
          const chunks = [];
          message.on("data", (chunk) => chunks.push(chunk));
          message.on("end", () => {
            settle();
            done(Buffer.concat(chunks).toString("utf8"));
          });
          message.on("error", (error) => fail(new FetchError(`body read failed: ${error.message}`, "system", error)));
          message.on("aborted", () => fail(new FetchError(`body of ${url} was cut short`, "system")));
        });
        return text;
      };
      resolve({
        url,
        status: message.statusCode,
        statusText: message.statusMessage,
        ok: message.statusCode !== undefined && message.statusCode >= 200 && message.statusCode < 300,
        headers: headerGetter(message),
        body: message,
        text: read,
        json: () =>
          read().then((content) => {
            try {
              return JSON.parse(content);
            } catch (error) {
              const reason = error instanceof Error ? error.message : String(error);
              throw new FetchError(`invalid json response body at ${url} reason: ${reason}`, "invalid-json");
            }
          }),
      });
    });
    request.end(body ?? undefined);
  });
}
module.exports = fetch;
module.exports.default = fetch;
module.exports.FetchError = FetchError;
module.exports.AbortError = AbortError;
