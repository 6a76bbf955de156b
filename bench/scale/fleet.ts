/**
 * SCF's instance model, as far as it matters to the credential cache: each instance is one `createHandler()` with
 * its own cache; a request goes to a warm instance with a free slot, else a new instance starts (cold); an
 * instance takes one request at a time (event function) or up to `concurrency` (web function,
 * instanceConcurrencyConfig, SCF doc 583/56126); an idle instance is kept warm for `keepWarmMs`, then recycled.
 * Requests never queue for a busy instance. Among warm instances the most recently freed one is chosen, so that
 * surplus instances go idle and are recycled, as a platform that packs work onto few instances does.
 */

import type { Handler } from "../../src/index";
import type { ScfContext } from "../../src/invocation";
import type { VirtualTime } from "./virtual-time";

export interface FleetOptions {
  readonly time: VirtualTime;
  /** Requests one instance runs at once: 1 for an event function. */
  readonly concurrency: number;
  readonly keepWarmMs: number;
  /** From the request that starts an instance to that instance running it. */
  readonly coldStartMs: number;
  /** What each request holds its slot for besides the handler's own waits (platform and CPU time). */
  readonly serviceMs: number;
  /** One new handler per instance. */
  readonly newHandler: () => Handler;
}

export interface Served {
  /** Arrival to the slot being free again. */
  readonly latencyMs: number;
  /** Whether the request started its instance. */
  readonly cold: boolean;
  /** Which instance served it, numbered from 0 in order of start. */
  readonly instance: number;
}

interface Instance {
  readonly id: number;
  readonly handler: Handler;
  readonly readyAt: number;
  active: number;
  idleSince: number;
  retired: boolean;
}

export interface Fleet {
  /** Runs `event` now on some instance; `done` is called once its slot is free again. */
  submit(event: unknown, context: ScfContext, done: (served: Served) => void): void;
  /** Instances started so far. */
  readonly started: number;
  /** Instances busy or still kept warm now. */
  live(): number;
}

export function createFleet(options: FleetOptions): Fleet {
  const { time, concurrency, keepWarmMs } = options;
  /** Instances with a free slot; the top is the most recently freed. */
  const available: Instance[] = [];
  const all = new Set<Instance>();
  let started = 0;

  const expired = (instance: Instance): boolean =>
    instance.active === 0 && time.now() - instance.idleSince > keepWarmMs;

  const retire = (instance: Instance): void => {
    instance.retired = true;
    all.delete(instance);
  };

  const acquire = (): { instance: Instance; cold: boolean } => {
    for (;;) {
      const top = available.at(-1);
      if (top === undefined) break;
      if (top.retired || expired(top)) {
        available.pop();
        retire(top);
        continue;
      }
      top.active++;
      if (top.active === concurrency) available.pop();
      return { instance: top, cold: false };
    }
    const instance: Instance = {
      id: started,
      handler: options.newHandler(),
      readyAt: time.now() + options.coldStartMs,
      active: 1,
      idleSince: time.now(),
      retired: false,
    };
    started++;
    all.add(instance);
    if (concurrency > 1) available.push(instance);
    return { instance, cold: true };
  };

  const release = (instance: Instance): void => {
    const wasFull = instance.active === concurrency;
    instance.active--;
    if (instance.active === 0) instance.idleSince = time.now();
    if (wasFull) available.push(instance);
  };

  return {
    submit(event, context, done) {
      const arrived = time.now();
      const { instance, cold } = acquire();
      time.at(instance.readyAt - arrived, () => {
        // The handler never rejects: every failure is an answer (app.ts).
        void instance.handler(event, context).then(() => {
          time.at(options.serviceMs, () => {
            release(instance);
            done({ latencyMs: time.now() - arrived, cold, instance: instance.id });
          });
        });
      });
    },
    get started() {
      return started;
    },
    live() {
      for (const instance of all) if (expired(instance)) retire(instance);
      return all.size;
    },
  };
}
