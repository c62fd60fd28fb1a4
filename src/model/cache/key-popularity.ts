import type { RandomStream } from "../../engine/random.js";

/** How often each key of a cache's key space is asked for. Keys are 1..keys, 1 the most popular. */
export interface KeyPopularity {
  /** Human-readable description, e.g. `zipf(exponent=1)`. */
  readonly label: string;
  /** Size of the key space. */
  readonly keys: number;
  /** The key one request asks for. */
  sample(rng: RandomStream): number;
  /** Probability that a request asks for `key`. */
  probability(key: number): number;
}
