import type { RandomStream } from "../../engine/random.js";
import type { BackendLoad, BalancingPolicy } from "./balancing-policy.js";

/**
 * Two distinct backends drawn at random; the one with fewer unanswered calls wins (the first drawn
 * on a tie). Nearly as good as least-outstanding without looking at every backend.
 */
export class PowerOfTwo implements BalancingPolicy {
  readonly label = "powerOfTwo";
  constructor(private readonly rng: RandomStream) {}

  pick(backends: readonly BackendLoad[]): number {
    const n = backends.length;
    if (n === 1) return 0;
    const a = Math.floor(this.rng.next() * n);
    // Draw the second from the other n - 1 so the two are always distinct.
    let b = Math.floor(this.rng.next() * (n - 1));
    if (b >= a) b++;
    return backends[b]!.outstanding < backends[a]!.outstanding ? b : a;
  }
}
