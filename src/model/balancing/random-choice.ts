import type { RandomStream } from "../../engine/random.js";
import type { BackendLoad, BalancingPolicy } from "./balancing-policy.js";

/** A backend drawn uniformly at random for every call. */
export class RandomChoice implements BalancingPolicy {
  readonly label = "random";
  constructor(private readonly rng: RandomStream) {}

  pick(backends: readonly BackendLoad[]): number {
    return Math.floor(this.rng.next() * backends.length);
  }
}
