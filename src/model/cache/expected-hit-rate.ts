import type { KeyPopularity } from "./key-popularity.js";

/**
 * Steady-state hit rate of an LRU cache of `capacity` entries under independent requests with the
 * given popularity (Che's approximation: a key stays cached for a characteristic time T set by
 * sum_k (1 - e^(-p_k T)) = capacity, and hits with probability 1 - e^(-p_k T)). Expiry is not
 * included: it depends on the request rate, which the cache does not know in advance.
 */
export function expectedLruHitRate(popularity: KeyPopularity, capacity: number): number {
  const n = popularity.keys;
  if (capacity >= n) return 1;
  if (capacity <= 0) return 0;
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) p[k] = popularity.probability(k + 1);
  const occupancy = (t: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += 1 - Math.exp(-p[k]! * t);
    return s;
  };
  let lo = 0;
  let hi = capacity;
  while (occupancy(hi) < capacity) hi *= 2;
  // 50 halvings leave T accurate to ~1e-15 relative, far below anything a scenario can show.
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (occupancy(mid) < capacity) lo = mid;
    else hi = mid;
  }
  let hit = 0;
  for (let k = 0; k < n; k++) hit += p[k]! * (1 - Math.exp(-p[k]! * hi));
  return hit;
}

/**
 * Hit rate of a cache that holds exactly the `capacity` most popular keys: their share of requests.
 * The best any eviction policy can do under independent requests, and where a frequency-based one
 * (LFU, TinyLFU) settles.
 */
export function expectedTopKeysHitRate(popularity: KeyPopularity, capacity: number): number {
  const top = Math.min(Math.max(capacity, 0), popularity.keys);
  let hit = 0;
  for (let k = 1; k <= top; k++) hit += popularity.probability(k);
  return Math.min(hit, 1);
}
