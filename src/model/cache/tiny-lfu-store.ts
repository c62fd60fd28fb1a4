import { type OptionsInput, option, readOptions } from "../options.js";
import type { CacheStore, StoreOutcome } from "./cache-store.js";
import { expectedTopKeysHitRate } from "./expected-hit-rate.js";
import type { KeyPopularity } from "./key-popularity.js";
import { LruStore } from "./lru-store.js";

/** Options of TinyLFU admission. */
export const TINY_LFU_OPTIONS = {
  sampleSize: option.integer({
    doc: "Requests counted before every count is halved, so the counts follow recent popularity.",
    min: 1,
    defaultText: "10 x `capacity` (as Caffeine sizes its sketch)",
  }),
} as const;

/**
 * TinyLFU admission (Einziger, Friedman and Manes, 2017) in front of LRU eviction: every request
 * counts its key; when the store is full, a new key takes the least recently used entry's place
 * only if it was asked for more often than that entry over the recent sample, else it is not
 * stored. One-off keys cannot push hot ones out, so a full store holds about the `capacity` most
 * popular keys. Caffeine (with a small LRU window in front) and Ristretto work this way; their
 * counts live in a count-min sketch to save memory, here they are exact.
 */
export class TinyLfuStore implements CacheStore {
  readonly name = "TinyLFU";
  readonly label: string;
  readonly sampleSize: number;
  private readonly lru: LruStore;
  private readonly counts = new Map<number, number>();
  private counted = 0;

  constructor(
    readonly capacity: number,
    options: OptionsInput<typeof TINY_LFU_OPTIONS> = {},
  ) {
    this.sampleSize = readOptions(TINY_LFU_OPTIONS, options).sampleSize ?? Math.max(10 * capacity, 1);
    this.lru = new LruStore(capacity);
    this.label = `tinyLfu(sampleSize=${this.sampleSize})`;
  }

  get size(): number {
    return this.lru.size;
  }

  use(key: number): number | undefined {
    this.count(key);
    return this.lru.use(key);
  }

  has(key: number): boolean {
    return this.lru.has(key);
  }

  set(key: number, expiresAt: number): StoreOutcome {
    if (this.lru.size >= this.capacity && !this.lru.has(key)) {
      const victim = this.lru.eldest();
      if (victim === undefined || this.frequency(key) <= this.frequency(victim)) return "declined";
    }
    return this.lru.set(key, expiresAt);
  }

  delete(key: number): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
    this.counts.clear();
    this.counted = 0;
  }

  /** Under independent requests the store settles on the `capacity` most popular keys. */
  expectedHitRate(popularity: KeyPopularity): number {
    return expectedTopKeysHitRate(popularity, this.capacity);
  }

  /** Requests for `key` in the recent sample (halved at each reset). */
  frequency(key: number): number {
    return this.counts.get(key) ?? 0;
  }

  private count(key: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (++this.counted < this.sampleSize) return;
    // The reset of TinyLFU: halve every count, so old popularity fades (zeros are dropped).
    for (const [k, n] of this.counts) {
      if (n < 2) this.counts.delete(k);
      else this.counts.set(k, n >> 1);
    }
    this.counted = 0;
  }
}
