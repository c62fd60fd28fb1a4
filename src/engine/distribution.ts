import type { RandomStream } from "./random.js";

/** A probability distribution over real numbers that samples from a caller-owned stream. */
export interface Distribution {
  /** Short human description, e.g. `exponential(mean=0.1)`. */
  readonly label: string;
  /** Expected value (may be Infinity, e.g. Pareto with shape <= 1). */
  readonly mean: number;
  /** Smallest value it can return (-Infinity when unbounded). */
  readonly min: number;
  /** One sample. Uses as many uniforms from `rng` as it needs. */
  sample(rng: RandomStream): number;
}
