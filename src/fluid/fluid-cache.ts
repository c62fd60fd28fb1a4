import type { Cache } from "../model/components/cache.js";
import type { Refuse } from "./fluid-refusal.js";
import { HotSet } from "./hot-set.js";

/** A look-aside cache between the client and the database (the queue), hit rate as a state. */
export interface FluidCache {
  name: string;
  hotSet: HotSet;
  /** Seconds to answer a hit. */
  hitLatency: number;
  /** Hit rate at the start: the hottest keys `prefill` puts in, else 0 (cold). */
  startHitRate: number;
  /** How requests pick keys, e.g. "zipf(exponent=1.2)". */
  popularity: string;
  keys: number;
}

/** The cache's key space and options, or a refusal naming the option the model leaves out. */
export function cacheOf(cache: Cache, timeout: number, refuse: Refuse): FluidCache {
  const path = ["caches", cache.name];
  const why = {
    coalesce: "coalesced reads (one database read per key in flight) are not modelled",
    serveStale: "serving stale entries while a read refreshes them is not modelled",
  } as const;
  for (const option of ["coalesce", "serveStale"] as const) {
    if (cache[option]) refuse({ path: [...path, option], message: `cache "${cache.name}": ${why[option]}` });
  }
  if (Number.isFinite(cache.ttl)) {
    refuse({
      path: [...path, "ttl"],
      message: `cache "${cache.name}": expiring entries (ttl) are not modelled; the model's cache keeps an entry until LRU evicts it`,
    });
  }
  if (cache.hitLatency >= timeout) {
    refuse({
      path: [...path, "hitLatency"],
      message: `cache "${cache.name}": a hit slower than the client's ${timeout} s timeout is not modelled`,
    });
  }
  const hotSet = new HotSet(cache.popularity, cache.capacity, cache.expectedHitRate);
  const prefilled = Math.min(Math.round(cache.prefill * cache.capacity), cache.popularity.keys);
  return {
    name: cache.name,
    hotSet,
    hitLatency: cache.hitLatency,
    startHitRate: hotSet.hotShare(prefilled),
    popularity: cache.popularity.label,
    keys: cache.popularity.keys,
  };
}
