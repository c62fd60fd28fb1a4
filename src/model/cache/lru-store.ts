import type { CacheStore, StoreOutcome } from "./cache-store.js";
import { expectedLruHitRate } from "./expected-hit-rate.js";
import type { KeyPopularity } from "./key-popularity.js";

/**
 * Cache entries with least-recently-used eviction, O(1) per operation: a Map keeps insertion
 * order, so re-inserting a key makes it the most recent and the first key is the eviction victim.
 */
export class LruStore implements CacheStore {
  readonly name = "LRU";
  readonly label = "lru";
  // key -> the time its entry expires.
  private readonly entries = new Map<number, number>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** A found entry becomes the most recent. */
  use(key: number): number | undefined {
    const expiresAt = this.entries.get(key);
    if (expiresAt !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, expiresAt);
    }
    return expiresAt;
  }

  has(key: number): boolean {
    return this.entries.has(key);
  }

  /** The least recently used key, the next victim (undefined when empty). */
  eldest(): number | undefined {
    return this.entries.keys().next().value;
  }

  /** Stores `key` as the most recent entry; a full store evicts the least recent. Never declines. */
  set(key: number, expiresAt: number): StoreOutcome {
    if (this.capacity === 0) return "declined";
    if (this.entries.delete(key) || this.entries.size < this.capacity) {
      this.entries.set(key, expiresAt);
      return "stored";
    }
    this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, expiresAt);
    return "evicted";
  }

  delete(key: number): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Che's approximation. */
  expectedHitRate(popularity: KeyPopularity): number {
    return expectedLruHitRate(popularity, this.capacity);
  }
}
