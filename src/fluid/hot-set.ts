import { expectedLruHitRate } from "../model/cache/expected-hit-rate.js";
import type { KeyPopularity } from "../model/cache/key-popularity.js";

// Keys up to this rank are kept one by one; rarer keys are grouped in bins 5% wider each time.
const SINGLE_KEYS = 256;
const BIN_GROWTH = 1.05;

/**
 * A cache's key space as the fluid model sees it: the cache at hit rate h is taken to hold the
 * most popular keys whose shares add up to h (it fills hottest-first, since a hot key is missed,
 * read and filled first), up to Che's steady-state LRU hit rate for its capacity.
 */
export class HotSet {
  /** Steady-state hit rate of a full cache (LRU: Che's approximation). */
  readonly fullHitRate: number;
  readonly capacity: number;
  // Bins of keys with (about) equal popularity, most popular first.
  private readonly share: Float64Array;
  private readonly count: Float64Array;
  private readonly before: Float64Array;

  /** `fullHitRate`: the full cache's hit rate when its eviction policy is not LRU. */
  constructor(popularity: KeyPopularity, capacity: number, fullHitRate?: number) {
    this.capacity = capacity;
    this.fullHitRate = Math.min(fullHitRate ?? expectedLruHitRate(popularity, capacity), 1 - 1e-6);
    const shares: number[] = [];
    const counts: number[] = [];
    const n = popularity.keys;
    let k = 1;
    while (k <= n) {
      const width = k <= SINGLE_KEYS ? 1 : Math.max(1, Math.floor(k * (BIN_GROWTH - 1)));
      const last = Math.min(n, k + width - 1);
      let s = 0;
      for (let j = k; j <= last; j++) s += popularity.probability(j);
      shares.push(s / (last - k + 1));
      counts.push(last - k + 1);
      k = last + 1;
    }
    this.share = Float64Array.from(shares);
    this.count = Float64Array.from(counts);
    this.before = new Float64Array(shares.length + 1);
    for (let b = 0; b < shares.length; b++) this.before[b + 1] = this.before[b]! + shares[b]! * counts[b]!;
  }

  /** Hit rate of a cache holding exactly the `entries` most popular keys. */
  hotShare(entries: number): number {
    let left = Math.max(0, entries);
    let h = 0;
    for (let b = 0; b < this.count.length && left > 0; b++) {
      const take = Math.min(left, this.count[b]!);
      h += take * this.share[b]!;
      left -= take;
    }
    return h;
  }

  /**
   * d(hit rate)/dt from fills: each key the cache lacks is filled by the first read for it that is
   * answered in time. Its misses come at rate y p (y calls per second reach the cache, p its
   * share), a share `onTime` of reads are answered in time, taking `readTime` seconds; so it is
   * filled after about readTime + 1 / (y p onTime), and then adds p to the hit rate.
   */
  fillRate(hitRate: number, y: number, onTime: number, readTime: number): number {
    if (onTime <= 0 || y <= 0) return 0;
    let rate = 0;
    for (let b = 0; b < this.count.length; b++) {
      const cachedEnd = this.before[b + 1]!;
      if (cachedEnd <= hitRate) continue;
      const p = this.share[b]!;
      // Keys of this bin not yet held (the bin may be partly cached).
      const missing = (cachedEnd - Math.max(hitRate, this.before[b]!)) / p;
      const hits = y * p * onTime;
      rate += (missing * p * hits) / (1 + readTime * hits);
    }
    return rate;
  }
}
