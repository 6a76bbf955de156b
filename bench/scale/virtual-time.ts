/**
 * Virtual time for the capacity simulation. While installed, `setTimeout`, `clearTimeout`, `process.hrtime.bigint`
 * and `Math.random` belong to the simulation: the function's own code (the retry loop's backoff and attempt
 * timeouts, its monotonic deadline, its jitter) runs unchanged, but its waits cost no real time and its draws are
 * seeded. The loop runs every timer due at the earliest instant, then lets every promise chain settle (one real
 * `setImmediate`, after which the microtask queue is empty) before it moves the clock on. CPU time spent in the
 * function therefore costs no virtual time: the simulation charges each request a modelled service time instead.
 */

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** A binary min-heap on (at, seq): timers due at the same instant run in the order they were set. */
class TimerHeap {
  readonly #items: Timer[] = [];
  get size(): number {
    return this.#items.length;
  }
  peek(): Timer | undefined {
    return this.#items[0];
  }
  push(timer: Timer): void {
    const items = this.#items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, items[parent] as Timer)) break;
      items[i] = items[parent] as Timer;
      i = parent;
    }
    items[i] = timer;
  }
  pop(): Timer | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && before(items[right] as Timer, items[left] as Timer) ? right : left;
      if (!before(items[child] as Timer, last)) break;
      items[i] = items[child] as Timer;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** mulberry32: small, fast and good enough to draw arrivals, keys and jitter reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface VirtualTime {
  /** Virtual milliseconds since the simulation began. */
  now(): number;
  /** Runs `fn` at `now() + ms` (virtual). */
  at(ms: number, fn: () => void): void;
  /** Runs timers in time order until none is due before `untilMs`, then sets the clock to `untilMs`. */
  runUntil(untilMs: number): Promise<void>;
  /** Puts the real setTimeout, clearTimeout, hrtime.bigint and Math.random back. */
  uninstall(): void;
}

/** A handle that quacks like Node's Timeout for the calls code makes on one. */
class VirtualTimeout {
  readonly timer: Timer;
  constructor(timer: Timer) {
    this.timer = timer;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return true;
  }
  [Symbol.toPrimitive](): number {
    return this.timer.seq;
  }
}

export function installVirtualTime(seed: number): VirtualTime {
  const real = {
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    hrtimeBigint: process.hrtime.bigint,
    random: Math.random,
  };
  const heap = new TimerHeap();
  let clock = 0;
  let seq = 0;
  const schedule = (ms: number, run: () => void): Timer => {
    const timer: Timer = { at: clock + Math.max(0, Number.isFinite(ms) ? ms : 0), seq: seq++, run, cancelled: false };
    heap.push(timer);
    return timer;
  };

  const virtualSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) =>
    new VirtualTimeout(schedule(ms ?? 0, () => callback(...args)));
  const virtualClearTimeout = (handle: unknown) => {
    if (handle instanceof VirtualTimeout) handle.timer.cancelled = true;
  };
  // The casts: Node's overloaded timer signatures (and __promisify__) are more than a simulation needs to honour.
  globalThis.setTimeout = virtualSetTimeout as unknown as typeof setTimeout;
  globalThis.clearTimeout = virtualClearTimeout as unknown as typeof clearTimeout;
  process.hrtime.bigint = () => BigInt(Math.round(clock * 1e6));
  Math.random = seededRandom(seed);

  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  return {
    now: () => clock,
    at(ms, fn) {
      schedule(ms, fn);
    },
    async runUntil(untilMs) {
      await settle();
      for (;;) {
        const next = heap.peek();
        if (next === undefined || next.at > untilMs) break;
        clock = next.at;
        while (heap.peek()?.at === clock) {
          const timer = heap.pop() as Timer;
          if (!timer.cancelled) timer.run();
        }
        await settle();
      }
      clock = Math.max(clock, untilMs);
    },
    uninstall() {
      globalThis.setTimeout = real.setTimeout;
      globalThis.clearTimeout = real.clearTimeout;
      process.hrtime.bigint = real.hrtimeBigint;
      Math.random = real.random;
    },
  };
}
