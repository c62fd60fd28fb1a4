import { OptionError } from "../../engine/option-error.js";
import { kindsOf, type PolicySpec, policyFamily } from "../options.js";
import type { CacheStore } from "./cache-store.js";
import { LruStore } from "./lru-store.js";
import { TINY_LFU_OPTIONS, TinyLfuStore } from "./tiny-lfu-store.js";

/** Which entries a full cache keeps. */
export const EVICTIONS = policyFamily("eviction", {
  lru: {
    doc: "Least recently used: a new entry always goes in, the least recently used one goes out.",
    options: {},
  },
  tinyLfu: {
    doc: "TinyLFU admission in front of LRU: a new entry goes in only if its key was asked for more often lately than the least recently used entry's; a full cache keeps about the most popular keys.",
    options: TINY_LFU_OPTIONS,
  },
});

/** An eviction policy as written in a scenario file. */
export type EvictionSpec = PolicySpec<typeof EVICTIONS>;

/** Builds (and validates) the store of a cache of `capacity` entries. */
export function createStore(spec: EvictionSpec, capacity: number): CacheStore {
  switch (spec.kind) {
    case "lru":
      return new LruStore(capacity);
    case "tinyLfu":
      return new TinyLfuStore(capacity, spec);
    default:
      throw new OptionError(
        ["kind"],
        `expected one of ${kindsOf(EVICTIONS).join(", ")}, got ${JSON.stringify((spec as { kind: unknown }).kind)}`,
      );
  }
}
