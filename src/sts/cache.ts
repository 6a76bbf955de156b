/**
 * A bounded LRU of values that expire, with single-flight loading: while one load for a key is in flight, every
 * other request for that key waits for it instead of starting its own. A failed load stores nothing, and everyone
 * who waited on it gets its error. Generic and clock-injected so it can be tested without I/O.
 */

export interface Expiring<V> {
  readonly value: V;
  /** Same unit as the cache's `now()`. */
  readonly expiresAt: number;
}

export interface CacheLookup<V> extends Expiring<V> {
  /** "hit": served from the cache; "loaded": this request ran the load; "shared": it joined a load in flight. */
  readonly source: "hit" | "loaded" | "shared";
}

export interface ExpiringCacheOptions {
  readonly maxEntries: number;
  readonly now: () => number;
}

export class SingleFlightLruCache<V> {
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** Map iteration order is insertion order: the first key is the least recently used. */
  readonly #entries = new Map<string, Expiring<V>>();
  readonly #inFlight = new Map<string, Promise<Expiring<V>>>();

  constructor(options: ExpiringCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError("maxEntries must be a positive integer");
    }
    this.#maxEntries = options.maxEntries;
    this.#now = options.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Whether a value is stored for `key` (expired or not); does not touch the LRU order. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * The cached value if it stays valid until at least `requiredUntil`, else the value of the load in flight for
   * `key` (whatever its expiry: nothing fresher could be had), else the value of a new `load()`.
   */
  async get(key: string, requiredUntil: number, load: () => Promise<Expiring<V>>): Promise<CacheLookup<V>> {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      if (cached.expiresAt >= requiredUntil && cached.expiresAt > this.#now()) {
        this.#entries.delete(key);
        this.#entries.set(key, cached);
        return { ...cached, source: "hit" };
      }
      // Dead entries go now rather than waiting for LRU pressure; merely short ones may still serve shorter asks.
      if (cached.expiresAt <= this.#now()) this.#entries.delete(key);
    }

    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return { ...(await pending), source: "shared" };

    const loading = this.#load(key, load);
    this.#inFlight.set(key, loading);
    return { ...(await loading), source: "loaded" };
  }

  async #load(key: string, load: () => Promise<Expiring<V>>): Promise<Expiring<V>> {
    try {
      const loaded = await load();
      if (loaded.expiresAt > this.#now()) this.#store(key, loaded);
      return loaded;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  #store(key: string, entry: Expiring<V>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }
}
