// Stand-in for node-fetch 2 in the bundle (see scripts/build.mjs). The one use the STS SDK makes of it is
// http/fetch.js → fetch(url, { method, headers, body, timeout, agent, signal }), a small JSON POST whose answer
// abstract_client.js parseResponse reads through res.status, res.statusText, res.headers.get(), res.json() and,
// for event streams only, res.body. This does exactly that over node:http(s), and fails the way node-fetch fails
// where the SDK or src/sts/client.ts can tell: FetchError of type "request-timeout", "system" or "invalid-json",
// and AbortError. As in node-fetch, the timeout and the abort signal cover reading the body too.
// Left out, because the SDK never asks for them on this path: redirects (STS answers 200, or an error), compressed
// answers (no Accept-Encoding is sent, so none come back), stream and form bodies. node-fetch's first run, with
// its stream piping, costs a cold start several milliseconds; this is one plain request.
"use strict";

class FetchError extends Error {
  constructor(message, type, systemError) {
    super(message);
    this.name = "FetchError";
    this.type = type;
    if (systemError) this.code = this.errno = systemError.code;
  }
}

class AbortError extends Error {
  constructor() {
    super("The user aborted a request.");
    this.name = "AbortError";
    this.type = "aborted";
  }
}

function headerGetter(message) {
  return {
    get(name) {
      const value = message.headers[String(name).toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : String(value);
    },
  };
}

module.exports = function fetch(url, options = {}) {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(new AbortError());
  const target = new URL(url);
  const transport = target.protocol === "https:" ? require("node:https") : require("node:http");
  const headers = { Accept: "*/*" };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  const body = options.body ?? null;
  if (body !== null) headers["Content-Length"] = String(Buffer.byteLength(body));

  const request = transport.request(target, { method: options.method ?? "GET", headers, agent: options.agent });
  // The first failure wins; it rejects whichever promise is pending (the response, or the body being read).
  let failure;
  let onFailure = () => {};
  let timer;
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
  if (options.timeout > 0) {
    timer = setTimeout(() => fail(new FetchError(`network timeout at: ${url}`, "request-timeout")), options.timeout);
    timer.unref(); // an answer whose body nobody reads must not keep the process alive
  }
  request.on("error", (error) =>
    fail(new FetchError(`request to ${url} failed, reason: ${error.message}`, "system", error)),
  );

  return new Promise((resolve, reject) => {
    onFailure = reject;
    request.on("response", (message) => {
      let text;
      const read = () => {
        text ??= new Promise((done, broken) => {
          if (failure) return broken(failure);
          onFailure = broken;
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
        ok: message.statusCode >= 200 && message.statusCode < 300,
        headers: headerGetter(message),
        body: message,
        text: read,
        json: () =>
          read().then((content) => {
            try {
              return JSON.parse(content);
            } catch (error) {
              throw new FetchError(`invalid json response body at ${url} reason: ${error.message}`, "invalid-json");
            }
          }),
      });
    });
    request.end(body ?? undefined);
  });
};
module.exports.default = module.exports;
module.exports.FetchError = FetchError;
module.exports.AbortError = AbortError;
