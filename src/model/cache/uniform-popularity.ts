import type { RandomStream } from "../../engine/random.js";
import type { KeyPopularity } from "./key-popularity.js";

/** Every key equally likely: no hot set, so a cache holding a fraction f of the keys hits f of the time. */
export class UniformPopularity implements KeyPopularity {
  readonly label = "uniform";

  constructor(readonly keys: number) {}

  sample(rng: RandomStream): number {
    return Math.floor(rng.next() * this.keys) + 1;
  }

  probability(): number {
    return 1 / this.keys;
  }
}
