import type { BackendLoad, BalancingPolicy } from "./balancing-policy.js";

/** The backend with the fewest unanswered calls; ties go round in turn so no backend is favoured. */
export class LeastOutstanding implements BalancingPolicy {
  readonly label = "leastOutstanding";
  private turn = 0;

  pick(backends: readonly BackendLoad[]): number {
    const n = backends.length;
    const start = this.turn % n;
    this.turn = (this.turn + 1) % Number.MAX_SAFE_INTEGER;
    let best = start;
    for (let k = 1; k < n; k++) {
      const i = (start + k) % n;
      if (backends[i]!.outstanding < backends[best]!.outstanding) best = i;
    }
    return best;
  }
}
