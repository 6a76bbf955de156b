import { describe, expect, it } from "vitest";
import { type Expiring, SingleFlightLruCache } from "../../src/sts/cache";

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(maxEntries = 10) {
  let clock = 1000;
  const cache = new SingleFlightLruCache<string>({ maxEntries, now: () => clock });
  let loads = 0;
  const loader =
    (value: string, lifetime = 100) =>
    async (): Promise<Expiring<string>> => {
      loads++;
      return { value, expiresAt: clock + lifetime };
    };
  return {
    cache,
    loader,
    loads: () => loads,
    advance: (by: number) => {
      clock += by;
    },
    now: () => clock,
  };
}

describe("SingleFlightLruCache", () => {
  it("serves a stored value while it covers what is required", async () => {
    const { cache, loader, loads, advance, now } = setup();
    expect(await cache.get("k", now() + 50, loader("a"))).toMatchObject({ value: "a", source: "loaded" });
    expect(await cache.get("k", now() + 50, loader("b"))).toMatchObject({ value: "a", source: "hit" });
    advance(40); // 60 left, 50 required
    expect(await cache.get("k", now() + 50, loader("b"))).toMatchObject({ value: "a", source: "hit" });
    advance(20); // 40 left, 50 required
    expect(await cache.get("k", now() + 50, loader("c"))).toMatchObject({ value: "c", source: "loaded" });
    expect(loads()).toBe(2);
  });

  it("never serves an expired value, whatever is asked", async () => {
    const { cache, loader, advance, now } = setup();
    await cache.get("k", now(), loader("a", 10));
    advance(10);
    expect(await cache.get("k", now() - 100, loader("b"))).toMatchObject({ value: "b", source: "loaded" });
  });

  it("shares one load among concurrent requests for a key", async () => {
    const { cache, now } = setup();
    const gate = deferred<Expiring<string>>();
    let loads = 0;
    const load = () => {
      loads++;
      return gate.promise;
    };
    const results = Array.from({ length: 20 }, () => cache.get("k", now(), load));
    gate.resolve({ value: "x", expiresAt: now() + 100 });
    const settled = await Promise.all(results);
    expect(loads).toBe(1);
    expect(settled.map((r) => r.source)).toEqual(["loaded", ...Array(19).fill("shared")]);
    expect(new Set(settled.map((r) => r.value))).toEqual(new Set(["x"]));
  });

  it("does not share loads across keys", async () => {
    const { cache, loader, loads, now } = setup();
    const [a, b] = await Promise.all([cache.get("a", now(), loader("A")), cache.get("b", now(), loader("B"))]);
    expect([a.value, b.value, loads()]).toEqual(["A", "B", 2]);
  });

  it("gives a failed load's error to every waiter and stores nothing", async () => {
    const { cache, loader, now } = setup();
    const gate = deferred<Expiring<string>>();
    const failing = Array.from({ length: 5 }, () => cache.get("k", now(), () => gate.promise));
    const boom = new Error("boom");
    gate.reject(boom);
    for (const result of await Promise.allSettled(failing)) {
      expect(result).toEqual({ status: "rejected", reason: boom });
    }
    expect(cache.has("k")).toBe(false);
    expect(await cache.get("k", now(), loader("ok"))).toMatchObject({ value: "ok", source: "loaded" });
  });

  it("handles a load that throws synchronously", async () => {
    const { cache, now } = setup();
    await expect(
      cache.get("k", now(), () => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    expect(cache.has("k")).toBe(false);
  });

  it("does not store a value that is already dead", async () => {
    const { cache, loader, now } = setup();
    expect((await cache.get("k", now(), loader("dead", 0))).value).toBe("dead");
    expect(cache.has("k")).toBe(false);
  });

  it("evicts the least recently used entry beyond its bound", async () => {
    const { cache, loader, loads, now } = setup(2);
    await cache.get("a", now(), loader("A"));
    await cache.get("b", now(), loader("B"));
    expect((await cache.get("a", now(), loader("A2"))).source).toBe("hit"); // a is now the most recent
    await cache.get("c", now(), loader("C")); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.has("b")).toBe(false);
    expect((await cache.get("a", now(), loader("A3"))).source).toBe("hit");
    expect((await cache.get("b", now(), loader("B2"))).value).toBe("B2");
    expect(loads()).toBe(4);
  });

  it("rejects a nonsensical bound", () => {
    expect(() => new SingleFlightLruCache({ maxEntries: 0, now: () => 0 })).toThrow(RangeError);
  });
});
