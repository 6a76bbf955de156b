import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkObjectExists, EXISTENCE_CHECK_TIMEOUT_MS } from "../../src/cos/exists";
import { PresignError } from "../../src/errors";
import { registerSecret } from "../support/hygiene";

/**
 * checkObjectExists against a loopback server that answers as COS would, or fails as a network can.
 * The URLs carry a signature and a token that must never surface in an error.
 */
const SIGNATURE = "q-signature=0123456789abcdef0123456789abcdef01234567";
const TOKEN = "x-cos-security-token=exists-test-session-token-value";

const behaviours: Record<string, (res: ServerResponse) => void> = {
  "/found": (res) => res.writeHead(200, { "content-length": "5" }).end(),
  "/missing": (res) => res.writeHead(404, { "x-cos-request-id": "NjRiZmZk-missing" }).end(),
  "/forbidden": (res) => res.writeHead(403, { "x-cos-request-id": "NjRiZmZk-forbidden" }).end(),
  "/conflict": (res) => res.writeHead(409).end(),
  "/busy": (res) => res.writeHead(503).end(),
  "/throttled": (res) => res.writeHead(429).end(),
  "/slow": () => {},
  "/reset": (res) => res.socket?.destroy(),
};

let server: Server;
let origin: string;
const methods: string[] = [];
/** Requests served so far on each connection. */
const servedOn = new WeakMap<object, number>();

beforeAll(async () => {
  registerSecret("exists-test-session-token-value");
  registerSecret("0123456789abcdef0123456789abcdef01234567");
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    methods.push(req.method ?? "");
    const served = (servedOn.get(req.socket) ?? 0) + 1;
    servedOn.set(req.socket, served);
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    // What a connection that died during a freeze looks like: the request goes out and the socket resets.
    if (path === "/stale-when-reused") {
      if (served > 1) req.socket.destroy();
      else res.writeHead(200).end();
      return;
    }
    (behaviours[path] ?? ((r: ServerResponse) => r.writeHead(500).end()))(res);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

async function outcome(path: string, timeoutMs = 2000): Promise<PresignError | "exists"> {
  try {
    await checkObjectExists(`${origin}${path}?${SIGNATURE}&${TOKEN}`, timeoutMs);
    return "exists";
  } catch (error) {
    if (!(error instanceof PresignError)) throw error;
    return error;
  }
}

describe("checkObjectExists", () => {
  it("gives up at 2 s by default, as the docs say (on a fake clock: no real wait)", async () => {
    expect(EXISTENCE_CHECK_TIMEOUT_MS).toBe(2000);
    // Called without a timeout, against a COS that never answers: only the default timer can end it.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let settled = false;
      const pending = checkObjectExists(`${origin}/slow?${SIGNATURE}&${TOKEN}`).then(
        () => "exists",
        (caught: unknown) => caught,
      );
      void pending.finally(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(EXISTENCE_CHECK_TIMEOUT_MS - 1);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await pending;
      expect(error).toBeInstanceOf(PresignError);
      expect((error as PresignError).code).toBe("StorageServiceUnavailable");
    } finally {
      vi.useRealTimers();
    }
  });

  it("resolves on 2xx, with a HEAD request", async () => {
    methods.length = 0;
    expect(await outcome("/found")).toBe("exists");
    expect(methods).toEqual(["HEAD"]);
  });

  it.each([
    ["/missing", "NoSuchKey", 404, undefined],
    ["/forbidden", "StorageServiceError", 502, undefined],
    ["/conflict", "StorageServiceError", 502, undefined],
    ["/busy", "StorageServiceUnavailable", 503, 1],
    ["/throttled", "StorageServiceUnavailable", 503, 1],
    ["/reset", "StorageServiceUnavailable", 503, 1],
  ])("%s → %s (%i)", async (path, code, status, retryAfter) => {
    const error = await outcome(path);
    expect(error).toMatchObject({ code, status, retryAfterSeconds: retryAfter });
    const text = JSON.stringify({ message: (error as PresignError).message, detail: (error as PresignError).detail });
    expect(text).not.toContain("q-signature");
    expect(text).not.toContain("exists-test-session-token-value");
  });

  it("names the missing permission on a 403 and keeps COS's request id for the log", async () => {
    const error = (await outcome("/forbidden")) as PresignError;
    expect(error.message).toContain("cos:HeadObject");
    expect(error.detail).toEqual({ cosStatus: "403", cosRequestId: "NjRiZmZk-forbidden" });
  });

  it("retries once, on a new connection, when a kept-alive one turns out dead", async () => {
    methods.length = 0;
    expect(await outcome("/found")).toBe("exists");
    // The pooled connection from the first check is reused, and reset; the retry gets a connection of its own.
    expect(await outcome("/stale-when-reused")).toBe("exists");
    expect(methods).toEqual(["HEAD", "HEAD", "HEAD"]);
  });

  it("gives up on a silent COS at the deadline with a retryable error", async () => {
    const started = Date.now();
    const error = await outcome("/slow", 300);
    expect(error).toMatchObject({ code: "StorageServiceUnavailable", status: 503, detail: { check: "timeout" } });
    // Generous: the point is that it stops near the deadline rather than waiting for the server.
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
