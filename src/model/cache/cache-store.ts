import type { KeyPopularity } from "./key-popularity.js";

/** What storing an entry did: kept it (and maybe evicted another), or declined it. */
export type StoreOutcome = "stored" | "evicted" | "declined";

/**
 * A cache's entries (key -> expiry time) and the eviction policy that decides which stay when it is
 * full. One implementation per file, chosen by the cache's `eviction` option.
 */
export interface CacheStore {
  /** The policy's name in prose, e.g. `LRU`. */
  readonly name: string;
  /** The policy with its settings, e.g. `tinyLfu(sampleSize=3840)`. */
  readonly label: string;
  readonly capacity: number;
  /** Entries held. */
  readonly size: number;
  /** Looks `key` up for a request: its expiry time, or undefined when absent. */
  use(key: number): number | undefined;
  /** Whether `key` has an entry, without counting as a request. */
  has(key: number): boolean;
  /** Stores `key` with its expiry time; a full store evicts an entry or declines the new one. */
  set(key: number, expiresAt: number): StoreOutcome;
  /** Removes `key`'s entry. */
  delete(key: number): void;
  /** Forgets everything: entries and any request history (the cache's memory is gone). */
  clear(): void;
  /** Steady-state hit rate under independent requests with this popularity, before expiry. */
  expectedHitRate(popularity: KeyPopularity): number;
}
